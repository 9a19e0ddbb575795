#include "provider/winabi/errmap.h"

#include <winerror.h>

#ifndef NTE_SILENT_CONTEXT
#define NTE_SILENT_CONTEXT ((HRESULT)0x80090022L)
#endif
#ifndef NTE_NOT_SUPPORTED
#define NTE_NOT_SUPPORTED ((HRESULT)0x80090029L)
#endif
#ifndef NTE_BUFFER_TOO_SMALL
#define NTE_BUFFER_TOO_SMALL ((HRESULT)0x80090028L)
#endif
#ifndef NTE_INVALID_PARAMETER
#define NTE_INVALID_PARAMETER ((HRESULT)0x80090027L)
#endif
#ifndef SCARD_W_CANCELLED_BY_USER
#define SCARD_W_CANCELLED_BY_USER ((HRESULT)0x8010006EL)
#endif

/* Indexed by crpki_err. The choices follow what Windows applications
 * already handle from smart-card providers (cancel) and from CryptoAPI
 * (NTE_*); docs/errors.md gives the reasoning per code. */
static const HRESULT MAP[CRPKI_E__COUNT] = {
    [CRPKI_OK] = S_OK,
    [CRPKI_E_INVALID_ARG] = NTE_INVALID_PARAMETER,
    [CRPKI_E_BUFFER_TOO_SMALL] = NTE_BUFFER_TOO_SMALL,
    [CRPKI_E_NOT_SUPPORTED] = NTE_NOT_SUPPORTED,
    [CRPKI_E_CANCELLED] = SCARD_W_CANCELLED_BY_USER,
    [CRPKI_E_DEADLINE] = HRESULT_FROM_WIN32(ERROR_TIMEOUT),
    [CRPKI_E_NO_MEMORY] = NTE_NO_MEMORY,
    [CRPKI_E_CONFIG] = NTE_PROVIDER_DLL_FAIL,
    [CRPKI_E_IO] = NTE_FAIL,
    [CRPKI_E_LOCK] = NTE_FAIL,
    [CRPKI_E_TOKEN_STORE] = HRESULT_FROM_WIN32(ERROR_NOT_LOGGED_ON),
    [CRPKI_E_NOT_LOGGED_IN] = HRESULT_FROM_WIN32(ERROR_NOT_LOGGED_ON),
    [CRPKI_E_UNAUTHORIZED] = HRESULT_FROM_WIN32(ERROR_NOT_LOGGED_ON),
    [CRPKI_E_NETWORK] = HRESULT_FROM_WIN32(ERROR_NETWORK_UNREACHABLE),
    [CRPKI_E_TLS] = SEC_E_UNTRUSTED_ROOT,
    [CRPKI_E_PROXY] = HRESULT_FROM_WIN32(ERROR_NETWORK_UNREACHABLE),
    [CRPKI_E_TIMEOUT] = HRESULT_FROM_WIN32(ERROR_TIMEOUT),
    [CRPKI_E_BUSY] = HRESULT_FROM_WIN32(ERROR_BUSY),
    [CRPKI_E_SERVICE] = NTE_FAIL,
    [CRPKI_E_PROTOCOL] = NTE_FAIL,
    [CRPKI_E_UNKNOWN_CREDENTIAL] = NTE_BAD_KEYSET,
    [CRPKI_E_UNSUPPORTED_ALG] = NTE_BAD_ALGID,
    [CRPKI_E_BAD_HASH] = NTE_BAD_HASH,
    [CRPKI_E_DENIED] = NTE_PERM,
    [CRPKI_E_APPROVAL_EXPIRED] = HRESULT_FROM_WIN32(ERROR_TIMEOUT),
    [CRPKI_E_SAD_REJECTED] = NTE_FAIL,
    [CRPKI_E_BAD_SIGNATURE] = NTE_BAD_SIGNATURE,
    [CRPKI_E_SILENT] = NTE_SILENT_CONTEXT,
    [CRPKI_E_NO_KEY] = NTE_BAD_KEYSET,
    [CRPKI_E_INTERNAL] = NTE_FAIL,
};

HRESULT errmap_to_hresult(crpki_err e)
{
    if ((int)e < 0 || e >= CRPKI_E__COUNT)
        return NTE_FAIL;
    if (e != CRPKI_OK && MAP[e] == 0)
        return NTE_FAIL; /* a code added without a mapping: still a failure */
    return MAP[e];
}

DWORD errmap_to_csp_error(crpki_err e)
{
    if (e == CRPKI_E_BUFFER_TOO_SMALL)
        return ERROR_MORE_DATA;
    return (DWORD)errmap_to_hresult(e);
}

LONG errmap_to_security_status(crpki_err e)
{
    return (LONG)errmap_to_hresult(e);
}
