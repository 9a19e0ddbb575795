/* mystore_win: what a selected certificate leaves in CurrentUser\MY, read
 * back as signing applications read it (tests, Windows only). */
#include "mystore_win.h"
#include "svctest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wincrypt.h>

#include "certstore.h"

#ifndef CERT_NCRYPT_KEY_SPEC
#define CERT_NCRYPT_KEY_SPEC 0xFFFFFFFF
#endif
#define ENC (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)

#define CHECK(cond, ...) SVCTEST_CHECK(g_failed, cond, __VA_ARGS__)

/* The certificate in CurrentUser\MY (NULL if absent); caller frees. */
static PCCERT_CONTEXT find_in_my(HCERTSTORE st, const catalog_blob *cert)
{
    PCCERT_CONTEXT tmpl = CertCreateCertificateContext(ENC, cert->der, (DWORD)cert->len);
    if (!tmpl)
        return NULL;
    PCCERT_CONTEXT c = CertFindCertificateInStore(st, ENC, 0, CERT_FIND_EXISTING, tmpl, NULL);
    CertFreeCertificateContext(tmpl);
    return c;
}

int mystore_check(const catalog_blob *cert, const char *id, int ksp)
{
    int g_failed = 0; /* counted by CHECK */
    HCERTSTORE st =
        CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"MY");
    CHECK(st != NULL, "CertOpenStore MY: 0x%08lx", (unsigned long)GetLastError());
    if (!st)
        return g_failed;
    PCCERT_CONTEXT c = find_in_my(st, cert);
    CHECK(c != NULL, "certificate of %s not in CurrentUser\\MY", id);
    if (c) {
        DWORD n = 0;
        BOOL ok = CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, NULL, &n);
        CHECK(ok, "no CERT_KEY_PROV_INFO_PROP_ID: 0x%08lx", (unsigned long)GetLastError());
        CRYPT_KEY_PROV_INFO *k = ok ? malloc(n) : NULL;
        if (k && CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, k, &n)) {
            wchar_t wid[128];
            MultiByteToWideChar(CP_UTF8, 0, id, -1, wid, 128);
            const wchar_t *want = ksp ? L"" CRPKI_KSP_NAME : L"" CRPKI_CSP_NAME;
            CHECK(k->pwszProvName && wcscmp(k->pwszProvName, want) == 0, "provider name %ls",
                  k->pwszProvName ? k->pwszProvName : L"(null)");
            CHECK(k->pwszContainerName && wcscmp(k->pwszContainerName, wid) == 0,
                  "container %ls, want %s", k->pwszContainerName ? k->pwszContainerName : L"(null)",
                  id);
            CHECK(k->dwProvType == (ksp ? 0u : (DWORD)PROV_RSA_FULL), "dwProvType %lu",
                  (unsigned long)k->dwProvType);
            CHECK(k->dwKeySpec == (ksp ? (DWORD)CERT_NCRYPT_KEY_SPEC : (DWORD)AT_SIGNATURE),
                  "dwKeySpec 0x%lx", (unsigned long)k->dwKeySpec);
            CHECK(k->dwFlags == 0, "dwFlags 0x%lx", (unsigned long)k->dwFlags);
        }
        free(k);
        /* the friendly name pickers show: 商業登記電子証明書 <holder> */
        wchar_t fn[256] = L"";
        n = sizeof fn;
        ok = CertGetCertificateContextProperty(c, CERT_FRIENDLY_NAME_PROP_ID, fn, &n);
        char fn8[512] = "";
        WideCharToMultiByte(CP_UTF8, 0, fn, -1, fn8, sizeof fn8, NULL, NULL);
        size_t pl = strlen(MGMT_CERT_FRIENDLY_PREFIX " ");
        CHECK(ok && strncmp(fn8, MGMT_CERT_FRIENDLY_PREFIX " ", pl) == 0 && strlen(fn8) > pl,
              "friendly name \"%s\" (0x%08lx)", fn8, ok ? 0ul : (unsigned long)GetLastError());
        CertFreeCertificateContext(c);
    }
    CertCloseStore(st, 0);
    return g_failed;
}

int mystore_has(const catalog_blob *cert)
{
    HCERTSTORE st =
        CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"MY");
    if (!st)
        return -1;
    PCCERT_CONTEXT c = find_in_my(st, cert);
    if (c)
        CertFreeCertificateContext(c);
    CertCloseStore(st, 0);
    return c != NULL;
}

int mystore_register_csp(const char *dll)
{
    int g_failed = 0; /* counted by CHECK */
    if (certstore_provider_registered(CRPKI_CAT_CSP) == 1 || !dll)
        return 0;
    char path[1024];
    if (dll[0] == '/') /* a Unix path from CMake: Wine's Z: drive is / */
        snprintf(path, sizeof path, "Z:%s", dll);
    else
        snprintf(path, sizeof path, "%s", dll);
    for (char *p = path; *p; p++)
        if (*p == '/')
            *p = '\\';
    HKEY h;
    LONG r =
        RegCreateKeyExA(HKEY_LOCAL_MACHINE,
                        "SOFTWARE\\Microsoft\\Cryptography\\Defaults\\Provider\\" CRPKI_CSP_NAME, 0,
                        NULL, 0, KEY_WRITE, NULL, &h, NULL);
    CHECK(r == ERROR_SUCCESS, "RegCreateKeyEx: %ld", r);
    if (r != ERROR_SUCCESS)
        return -1;
    DWORD type = PROV_RSA_FULL, sig = 0;
    RegSetValueExA(h, "Image Path", 0, REG_SZ, (const BYTE *)path, (DWORD)strlen(path) + 1);
    RegSetValueExA(h, "Type", 0, REG_DWORD, (const BYTE *)&type, sizeof type);
    RegSetValueExA(h, "SigInFile", 0, REG_DWORD, (const BYTE *)&sig, sizeof sig);
    RegCloseKey(h);
    fprintf(stderr, "registered the CSP: %s\n", path);
    return g_failed ? -1 : 0;
}
