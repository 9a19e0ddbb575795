/* UTF-8 <-> UTF-16 for the Windows implementations of the platform layer:
 * the core speaks UTF-8, Windows' wide APIs UTF-16. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_UTF16_WIN_H
#define CRPKI_BASE_PLATFORM_PLAT_UTF16_WIN_H

#include <wchar.h>

/* malloc'ed conversions; NULL on invalid input (ill-formed UTF-8 or
 * unpaired surrogates) or out of memory. */
wchar_t *plat_utf8_to_wide(const char *s);
char *plat_wide_to_utf8(const wchar_t *w);

#endif
