/* DllRegisterServer / DllUnregisterServer: tell CNG that crpkiksp.dll
 * implements the key storage interface under the provider name, the way
 * Microsoft's KSP sample does: BCryptRegisterProvider (user-mode image
 * crpkiksp.dll, interface NCRYPT_KEY_STORAGE_INTERFACE, function
 * NCRYPT_KEY_STORAGE_ALGORITHM) + BCryptAddContextFunctionProvider
 * (CRYPT_LOCAL, default context, bottom priority); unregistering undoes
 * both. The functions are looked up in bcrypt.dll at run time: Wine
 * implements some of them as stubs, and loading the DLL must never depend
 * on them. regsvr32 runs these as an administrator. */
#include <windows.h>

#include "base/log/log.h"
#include "provider/winabi/ncrypt_provider.h"

#define PROVIDER_NAME L"CRPKI Remote Signing Key Storage Provider"
#define IMAGE_NAME    L"crpkiksp.dll"

/* Exported by crpkiksp.def. */
HRESULT WINAPI DllRegisterServer(void);
HRESULT WINAPI DllUnregisterServer(void);

static FARPROC bcrypt_fn(const char *name)
{
    HMODULE m = GetModuleHandleW(L"bcrypt.dll");
    if (!m)
        m = LoadLibraryW(L"bcrypt.dll");
    FARPROC f = m ? GetProcAddress(m, name) : NULL;
    if (!f)
        log_write(CRPKI_LOG_ERROR, "ksp", "bcrypt.dll has no %s", name);
    return f;
}

static HRESULT nt_result(const char *what, NTSTATUS s)
{
    if (s >= 0)
        return S_OK;
    log_write(CRPKI_LOG_ERROR, "ksp", "%s failed: 0x%08lx", what, (unsigned long)s);
    return HRESULT_FROM_NT(s);
}

HRESULT WINAPI DllRegisterServer(void)
{
    BCryptRegisterProviderFn reg =
        (BCryptRegisterProviderFn)(void (*)(void))bcrypt_fn("BCryptRegisterProvider");
    BCryptAddContextFunctionProviderFn add = (BCryptAddContextFunctionProviderFn)(void (*)(
        void))bcrypt_fn("BCryptAddContextFunctionProvider");
    if (!reg || !add)
        return E_NOTIMPL;

    PWSTR functions[1] = {(PWSTR)NCRYPT_KEY_STORAGE_ALGORITHM};
    CRYPT_INTERFACE_REG iface = {NCRYPT_KEY_STORAGE_INTERFACE, CRYPT_LOCAL, 1, functions};
    PCRYPT_INTERFACE_REG ifaces[1] = {&iface};
    CRYPT_IMAGE_REG image = {(PWSTR)IMAGE_NAME, 1, ifaces};
    CRYPT_PROVIDER_REG provider = {0, NULL, &image, NULL};

    HRESULT hr =
        nt_result("BCryptRegisterProvider", reg(PROVIDER_NAME, CRYPT_OVERWRITE, &provider));
    if (FAILED(hr))
        return hr;
    return nt_result("BCryptAddContextFunctionProvider",
                     add(CRYPT_LOCAL, NULL, NCRYPT_KEY_STORAGE_INTERFACE,
                         NCRYPT_KEY_STORAGE_ALGORITHM, PROVIDER_NAME, CRYPT_PRIORITY_BOTTOM));
}

HRESULT WINAPI DllUnregisterServer(void)
{
    BCryptRemoveContextFunctionProviderFn rm = (BCryptRemoveContextFunctionProviderFn)(void (*)(
        void))bcrypt_fn("BCryptRemoveContextFunctionProvider");
    BCryptUnregisterProviderFn unreg =
        (BCryptUnregisterProviderFn)(void (*)(void))bcrypt_fn("BCryptUnregisterProvider");
    if (!rm || !unreg)
        return E_NOTIMPL;
    /* both attempted: a half-registered provider is removed as far as it can be */
    HRESULT a = nt_result("BCryptRemoveContextFunctionProvider",
                          rm(CRYPT_LOCAL, NULL, NCRYPT_KEY_STORAGE_INTERFACE,
                             NCRYPT_KEY_STORAGE_ALGORITHM, PROVIDER_NAME));
    HRESULT b = nt_result("BCryptUnregisterProvider", unreg(PROVIDER_NAME));
    return FAILED(b) ? b : a;
}
