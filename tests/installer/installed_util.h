/* installed_util: what installed_csp and installed_ksp, two ordinary Windows
 * programs using the installed driver, both need (nothing of the driver's). */
#ifndef CRPKI_TESTS_INSTALLED_UTIL_H
#define CRPKI_TESTS_INSTALLED_UTIL_H

#include <windows.h>

/* Writes dir\name; 0, or 1 with a message naming prog. */
int installed_write_file(const char *prog, const char *dir, const char *name, const BYTE *data,
                         DWORD len);

/* "x86 DLL, 32-bit process under WoW64" and the like: which image the system
 * gave this process for module m (a 32-bit process sees SysWOW64 as System32,
 * so the path alone does not tell). */
const char *installed_image_kind(HMODULE m);

#endif
