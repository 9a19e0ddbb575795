/* The DLL's own Windows-side pieces shared by its files (not the core). */
#ifndef CRPKI_CSP_CSP_WIN_H
#define CRPKI_CSP_CSP_WIN_H

#include <windows.h>

#include "csp_core.h"

/* PP_USER_CERTSTORE (roots_only 0) / PP_ROOT_CERTSTORE (1): an in-memory
 * HCERTSTORE with the context's certificates, through the size protocol
 * (csp_certstore.c). The caller closes it with CertCloseStore. */
csp_code csp_certstore_param(uintptr_t prov, int roots_only, BYTE *data, DWORD *len, DWORD flags,
                             csp_status *st);

/* This DLL's module handle (set by DllMain). */
extern HMODULE csp_module;

#endif
