/* ksp_out: the one implementation of CNG's output-buffer protocol, used by
 * every getter (properties, key export, signatures' size rules):
 *   out NULL            -> *res = the size needed, KSP_OK (a size query);
 *   outsz < size needed -> *res = the size needed, CRPKI_E_BUFFER_TOO_SMALL
 *                          (NTE_BUFFER_TOO_SMALL), nothing written;
 *   otherwise           -> the value written, *res = its size.
 * Property encodings (Microsoft's "Key Storage Property Identifiers"):
 * strings are UTF-16LE with the terminator counted in the size, DWORDs are
 * 4 bytes in host order, blobs are copied as they are. */
#ifndef CRPKI_KSP_CORE_KSP_OUT_H
#define CRPKI_KSP_CORE_KSP_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "ksp_status.h"

ksp_code ksp_out_bytes(const void *data, size_t len, uint8_t *out, size_t outsz, size_t *res,
                       ksp_status *st);
ksp_code ksp_out_dword(uint32_t v, uint8_t *out, size_t outsz, size_t *res, ksp_status *st);
/* A UTF-8 string as UTF-16LE + terminator. */
ksp_code ksp_out_str(const char *utf8, uint8_t *out, size_t outsz, size_t *res, ksp_status *st);
/* A UTF-16 string (terminated) as it is + terminator. */
ksp_code ksp_out_u16(const uint16_t *s, uint8_t *out, size_t outsz, size_t *res, ksp_status *st);

/* Reads a DWORD property input: exactly 4 bytes. */
ksp_code ksp_in_dword(const uint8_t *in, size_t len, uint32_t *v, ksp_status *st);
/* Reads a UTF-16 string property input of len bytes (even; the terminator
 * may be included or not; at most max_units characters) into malloc'ed
 * UTF-8. */
ksp_code ksp_in_str(const uint8_t *in, size_t len, size_t max_units, char **utf8, ksp_status *st);

#endif
