/* csp_out: the one implementation of CryptoAPI's output-buffer protocol,
 * used by every getter (CPGetProvParam, CPGetHashParam, CPGetKeyParam,
 * CPExportKey, the size rules of CPSignHash):
 *   data NULL            -> *len = the size needed, CSP_OK (a size query);
 *   *len < size needed   -> *len = the size needed, CSP_E_MORE_DATA
 *                           (ERROR_MORE_DATA), nothing written;
 *   otherwise            -> the value written, *len = its size.
 * DWORDs are written little-endian (the host order of every Windows CPU),
 * strings are ANSI/UTF-8 with the terminator counted. */
#ifndef CRPKI_CSP_CORE_CSP_OUT_H
#define CRPKI_CSP_CORE_CSP_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "csp_status.h"

/* The size check alone: CSP_OK with *fits = 1 when data can take need
 * bytes, CSP_OK with *fits = 0 after a size query, CSP_E_MORE_DATA when
 * short. For values made only when they fit (a certificate store). */
csp_code csp_out_check(uint32_t need, const uint8_t *data, uint32_t *len, int *fits,
                       csp_status *st);
csp_code csp_out_bytes(const void *src, size_t n, uint8_t *data, uint32_t *len, csp_status *st);
csp_code csp_out_u32(uint32_t v, uint8_t *data, uint32_t *len, csp_status *st);
csp_code csp_out_str(const char *s, uint8_t *data, uint32_t *len, csp_status *st);

void csp_put_u32le(uint8_t *p, uint32_t v);
uint32_t csp_get_u32le(const uint8_t *p);
/* dst = src reversed (dst == src allowed): CryptoAPI's little-endian
 * signatures and key blobs against the big-endian numbers of the service
 * and the crypto backend. */
void csp_reverse(uint8_t *dst, const uint8_t *src, size_t n);

#endif
