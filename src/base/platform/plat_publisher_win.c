/* plat_publisher on Windows: Authenticode through WinVerifyTrust
 * (plat_publisher.h). wintrust.dll is loaded from the system folder when a
 * publisher is first asked, not imported: its import library also exports
 * DllRegisterServer, which the 32-bit CSP's stdcall fixup would otherwise
 * bind its own DllRegisterServer export to (and a DLL loaded into every
 * signing application should not load what it does not need). */
#include "base/platform/plat_publisher.h"

#include <windows.h>

#include <string.h>

#include <softpub.h>
#include <wincrypt.h>
#include <wintrust.h>

/* The chain's errors a publisher check accepts: revocation is not fetched
 * (no network at signing time but the service's). */
#define CHAIN_IGNORED (CERT_TRUST_REVOCATION_STATUS_UNKNOWN | CERT_TRUST_IS_OFFLINE_REVOCATION)

typedef LONG(WINAPI *verify_fn)(HWND, GUID *, LPVOID);
typedef CRYPT_PROVIDER_DATA *(WINAPI *prov_data_fn)(HANDLE);
typedef CRYPT_PROVIDER_SGNR *(WINAPI *signer_fn)(CRYPT_PROVIDER_DATA *, DWORD, BOOL, DWORD);

plat_pub_state plat_program_publisher(char *name, size_t n)
{
    if (n)
        name[0] = '\0';
    HMODULE wt = LoadLibraryExW(L"wintrust.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    verify_fn verify = wt ? (verify_fn)(void *)GetProcAddress(wt, "WinVerifyTrust") : NULL;
    prov_data_fn prov_data =
        wt ? (prov_data_fn)(void *)GetProcAddress(wt, "WTHelperProvDataFromStateData") : NULL;
    signer_fn signer =
        wt ? (signer_fn)(void *)GetProcAddress(wt, "WTHelperGetProvSignerFromChain") : NULL;
    if (!verify || !prov_data || !signer) {
        if (wt)
            FreeLibrary(wt);
        return PLAT_PUB_UNTRUSTED; /* cannot tell: never "verified" */
    }
    wchar_t path[32768];
    DWORD len = sizeof path / sizeof path[0];
    if (!QueryFullProcessImageNameW(GetCurrentProcess(), 0, path, &len))
        return PLAT_PUB_UNTRUSTED;
    WINTRUST_FILE_INFO fi;
    memset(&fi, 0, sizeof fi);
    fi.cbStruct = sizeof fi;
    fi.pcwszFilePath = path;
    WINTRUST_DATA wd;
    memset(&wd, 0, sizeof wd);
    wd.cbStruct = sizeof wd;
    wd.dwUIChoice = WTD_UI_NONE;
    wd.fdwRevocationChecks = WTD_REVOKE_NONE;
    wd.dwUnionChoice = WTD_CHOICE_FILE;
    wd.pFile = &fi;
    wd.dwStateAction = WTD_STATEACTION_VERIFY;
    wd.dwProvFlags = WTD_CACHE_ONLY_URL_RETRIEVAL | WTD_REVOCATION_CHECK_NONE;
    GUID action = WINTRUST_ACTION_GENERIC_VERIFY_V2;
    LONG r = verify(NULL, &action, &wd);
    plat_pub_state st = PLAT_PUB_UNTRUSTED;
    if (r == TRUST_E_NOSIGNATURE || r == TRUST_E_SUBJECT_FORM_UNKNOWN ||
        r == TRUST_E_PROVIDER_UNKNOWN) {
        st = PLAT_PUB_UNSIGNED;
    } else if (r == ERROR_SUCCESS) {
        /* and the signer's chain ends at a trusted root: the policy of some
           systems (Wine's) passes an untrusted root, Windows' does not */
        CRYPT_PROVIDER_DATA *pd = prov_data(wd.hWVTStateData);
        CRYPT_PROVIDER_SGNR *sg = pd ? signer(pd, 0, FALSE, 0) : NULL;
        if (sg && sg->pChainContext && sg->csCertChain > 0 && sg->pasCertChain[0].pCert &&
            (sg->pChainContext->TrustStatus.dwErrorStatus & ~(DWORD)CHAIN_IGNORED) == 0) {
            wchar_t w[256];
            DWORD k = CertGetNameStringW(sg->pasCertChain[0].pCert, CERT_NAME_SIMPLE_DISPLAY_TYPE,
                                         0, NULL, w, 256);
            if (k > 1 && n && WideCharToMultiByte(CP_UTF8, 0, w, -1, name, (int)n, NULL, NULL) > 0)
                st = PLAT_PUB_VERIFIED;
            else if (n)
                name[0] = '\0';
        }
    }
    wd.dwStateAction = WTD_STATEACTION_CLOSE;
    verify(NULL, &action, &wd);
    FreeLibrary(wt);
    return st;
}
