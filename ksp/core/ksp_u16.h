/* ksp_u16: the UTF-16LE strings CNG passes (LPCWSTR) as uint16_t arrays, so
 * the core handles them without <windows.h>. wchar_t is 16-bit on Windows
 * and 32-bit on Linux: the core never uses it. */
#ifndef CRPKI_KSP_CORE_KSP_U16_H
#define CRPKI_KSP_CORE_KSP_U16_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"

/* Length in code units, without the terminator; stops at max (returns max
 * + 1 when no terminator was found within max units). */
size_t ksp_u16_len(const uint16_t *s, size_t max);

/* 1 when s equals the ASCII string a, ignoring ASCII case (CNG property,
 * algorithm and blob names compare case-insensitively). s NULL: 0. */
int ksp_u16_eq_ascii(const uint16_t *s, const char *a);

/* malloc'ed UTF-8 copy of the first len units of s (len SIZE_MAX: up to the
 * terminator). CRPKI_E_INVALID_ARG for unpaired surrogates or embedded NUL. */
crpki_err ksp_u16_to_utf8(const uint16_t *s, size_t len, char **out);

/* malloc'ed terminated UTF-16 copy of UTF-8 s; *nunits (may be NULL)
 * receives the length without the terminator. CRPKI_E_INVALID_ARG for
 * ill-formed UTF-8. */
crpki_err ksp_utf8_to_u16(const char *s, uint16_t **out, size_t *nunits);

#endif
