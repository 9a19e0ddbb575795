/* Shared by the DLL's translation files: the one status -> SECURITY_STATUS
 * map with its log line (ksp_exports.c), and the members this provider does
 * not implement (ksp_unsupported.c). */
#ifndef CRPKI_KSP_KSP_WIN_H
#define CRPKI_KSP_KSP_WIN_H

#include "ksp_status.h"
#include "provider/winabi/ncrypt_provider.h"

/* Maps st to the SECURITY_STATUS the call returns and logs the reason
 * (failures only). fn is the table member's name. */
SECURITY_STATUS ksp_finish(const char *fn, ksp_code c, const ksp_status *st);

/* Fills the unsupported members of the table (ksp_unsupported.c). */
void ksp_fill_unsupported(NCRYPT_KEY_STORAGE_FUNCTION_TABLE *t);

#endif
