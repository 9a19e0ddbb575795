/* errmap: the one map from the core's crpki_err to the Windows codes both
 * provider DLLs return (CSP: SetLastError + FALSE; KSP: SECURITY_STATUS).
 * Called exactly once per failing call, at the DLL boundary, which also logs
 * the reason. Context-specific codes (a bad handle is NTE_BAD_HASH in one
 * call and NTE_INVALID_HANDLE in another) are chosen by the shims themselves;
 * this table covers what comes back from the core. docs/errors.md lists it. */
#ifndef CRPKI_PROVIDER_WINABI_ERRMAP_H
#define CRPKI_PROVIDER_WINABI_ERRMAP_H

#include <windows.h>

#include "crpki/error.h"

/* The HRESULT-form code for e (NTE_*, SCARD_*, HRESULT_FROM_WIN32(...)). */
HRESULT errmap_to_hresult(crpki_err e);

/* For the CSP's SetLastError: the same value, except the ERROR_MORE_DATA
 * size protocol, which CryptoAPI reports as the plain Win32 code. */
DWORD errmap_to_csp_error(crpki_err e);

/* For the KSP: the same value as a SECURITY_STATUS. */
LONG errmap_to_security_status(crpki_err e);

#endif
