/* DllRegisterServer / DllUnregisterServer (regsvr32): the provider entry
 * advapi32 reads to load a CSP - HKLM\SOFTWARE\Microsoft\Cryptography\
 * Defaults\Provider\<name> with "Image Path" (this DLL's own full path),
 * "Type" (PROV_RSA_FULL) and "SigInFile" (0: no signature resource).
 * Written in the registry view of this DLL's own bitness: the 32-bit DLL
 * (SysWOW64) lands under Wow6432Node, where a 32-bit advapi32 looks. */
#include <windows.h>
#include <wincrypt.h>

#include "csp_core.h"
#include "csp_win.h"
#include "base/log/log.h"

#define PROV_KEY                                                                                   \
    L"SOFTWARE\\Microsoft\\Cryptography\\Defaults\\Provider\\"                                     \
    L"CRPKI Remote Signing Cryptographic Provider"

HRESULT WINAPI DllRegisterServer(void);
HRESULT WINAPI DllUnregisterServer(void);

HRESULT WINAPI DllRegisterServer(void)
{
    wchar_t path[MAX_PATH * 2];
    DWORD n = GetModuleFileNameW(csp_module, path, sizeof(path) / sizeof(path[0]));
    if (n == 0 || n >= sizeof(path) / sizeof(path[0]))
        return HRESULT_FROM_WIN32(n ? ERROR_INSUFFICIENT_BUFFER : GetLastError());
    HKEY key;
    LONG rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, PROV_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                              KEY_SET_VALUE, NULL, &key, NULL);
    if (rc != ERROR_SUCCESS)
        return HRESULT_FROM_WIN32(rc);
    DWORD type = PROV_RSA_FULL, sig = 0;
    rc = RegSetValueExW(key, L"Image Path", 0, REG_SZ, (const BYTE *)path,
                        (n + 1) * sizeof(wchar_t));
    if (rc == ERROR_SUCCESS)
        rc = RegSetValueExW(key, L"Type", 0, REG_DWORD, (const BYTE *)&type, sizeof(type));
    if (rc == ERROR_SUCCESS)
        rc = RegSetValueExW(key, L"SigInFile", 0, REG_DWORD, (const BYTE *)&sig, sizeof(sig));
    RegCloseKey(key);
    return rc == ERROR_SUCCESS ? S_OK : HRESULT_FROM_WIN32(rc);
}

HRESULT WINAPI DllUnregisterServer(void)
{
    LONG rc = RegDeleteKeyExW(HKEY_LOCAL_MACHINE, PROV_KEY, 0, 0);
    if (rc == ERROR_FILE_NOT_FOUND)
        return S_OK; /* not registered: nothing to undo */
    return rc == ERROR_SUCCESS ? S_OK : HRESULT_FROM_WIN32(rc);
}
