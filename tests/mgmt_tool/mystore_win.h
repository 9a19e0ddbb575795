/* mystore_win: the certificate `use` put into CurrentUser\MY, read back. */
#ifndef CRPKI_TESTS_MYSTORE_WIN_H
#define CRPKI_TESTS_MYSTORE_WIN_H

#include <windows.h>

#include "core/catalog/catalog.h"

/* Checks that cert is in CurrentUser\MY with CERT_KEY_PROV_INFO naming our
 * CSP (ksp 0) or KSP (ksp 1) and container id, and a friendly name
 * "商業登記電子証明書 <holder>". The number of failed checks (each printed
 * as a FAIL line). */
int mystore_check(const catalog_blob *cert, const char *id, int ksp);
/* 1 when cert is in CurrentUser\MY, 0 when not, -1 when the store cannot
 * be opened. */
int mystore_has(const catalog_blob *cert);

/* Registers crpkicsp.dll (a Unix path from CMake is made a Z: path) as
 * our CSP for this prefix unless it is registered. 0, or -1. */
int mystore_register_csp(const char *dll);

#endif
