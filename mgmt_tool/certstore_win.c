/* certstore on Windows: CurrentUser\MY and the providers' registry keys. */
#include "certstore.h"

#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include <wincrypt.h>

#include "core/catalog/catalog.h"
#include "base/error/fail.h"
#include "base/platform/plat_utf16_win.h"

#ifndef CERT_NCRYPT_KEY_SPEC
#define CERT_NCRYPT_KEY_SPEC 0xFFFFFFFF
#endif

#define ENC (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)

int certstore_available(void)
{
    return 1;
}

/* The registry store behind CurrentUser\MY, where the certificates we add
 * live: Wine's crypt32 (8.0) does not persist a deletion made through the
 * system store (a collection), nor a property set on a certificate that
 * replaced an existing one; through the registry store both stick when the
 * old copy is deleted first. Applications still see it in the system store. */
static HCERTSTORE open_my(crpki_error_info *ei)
{
    HCERTSTORE st = CertOpenStore(CERT_STORE_PROV_SYSTEM_REGISTRY_W, 0, 0,
                                  CERT_SYSTEM_STORE_CURRENT_USER, L"MY");
    if (!st)
        fail_with(ei, CRPKI_E_IO, "CertOpenStore(CurrentUser\\MY) failed: 0x%08lx",
                  (unsigned long)GetLastError());
    return st;
}

/* Deletes the certificate der from CurrentUser\MY if it is there, so that it
 * is added afresh with its new key provider info. */
static crpki_err remove_copy(const uint8_t *der, size_t len, crpki_error_info *ei)
{
    PCCERT_CONTEXT tmpl = CertCreateCertificateContext(ENC, der, (DWORD)len);
    if (!tmpl)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "not a certificate: 0x%08lx",
                         (unsigned long)GetLastError());
    HCERTSTORE st = open_my(ei);
    crpki_err r = st ? CRPKI_OK : CRPKI_E_IO;
    PCCERT_CONTEXT old =
        st ? CertFindCertificateInStore(st, ENC, 0, CERT_FIND_EXISTING, tmpl, NULL) : NULL;
    /* deleting frees the context it is given */
    if (old && !CertDeleteCertificateFromStore(old))
        r = fail_with(ei, CRPKI_E_IO, "CertDeleteCertificateFromStore failed: 0x%08lx",
                      (unsigned long)GetLastError());
    if (st)
        CertCloseStore(st, 0);
    CertFreeCertificateContext(tmpl);
    return r;
}

crpki_err certstore_install(const uint8_t *der, size_t len, const char *credential_id,
                            unsigned provider, const char *friendly_name, crpki_error_info *ei)
{
    crpki_err rr = remove_copy(der, len, ei);
    if (rr != CRPKI_OK)
        return rr;
    wchar_t *cont = plat_utf8_to_wide(credential_id);
    if (!cont)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "credential ID");
    HCERTSTORE st = open_my(ei);
    if (!st) {
        free(cont);
        return CRPKI_E_IO;
    }
    crpki_err r = CRPKI_OK;
    PCCERT_CONTEXT ctx = NULL;
    if (!CertAddEncodedCertificateToStore(st, ENC, der, (DWORD)len, CERT_STORE_ADD_REPLACE_EXISTING,
                                          &ctx)) {
        r = fail_with(ei, CRPKI_E_IO, "CertAddEncodedCertificateToStore failed: 0x%08lx",
                      (unsigned long)GetLastError());
    } else {
        CRYPT_KEY_PROV_INFO kpi;
        memset(&kpi, 0, sizeof kpi);
        kpi.pwszContainerName = cont;
        if (provider == CRPKI_CAT_KSP) {
            kpi.pwszProvName = (LPWSTR)L"" CRPKI_KSP_NAME;
            kpi.dwProvType = 0;
            kpi.dwKeySpec = CERT_NCRYPT_KEY_SPEC;
        } else {
            kpi.pwszProvName = (LPWSTR)L"" CRPKI_CSP_NAME;
            kpi.dwProvType = PROV_RSA_FULL;
            kpi.dwKeySpec = AT_SIGNATURE;
        }
        if (!CertSetCertificateContextProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, 0, &kpi))
            r = fail_with(ei, CRPKI_E_IO,
                          "CertSetCertificateContextProperty(KEY_PROV_INFO) failed: 0x%08lx",
                          (unsigned long)GetLastError());
        wchar_t *fn = friendly_name ? plat_utf8_to_wide(friendly_name) : NULL;
        if (r == CRPKI_OK && fn) {
            CRYPT_DATA_BLOB b = {(DWORD)((wcslen(fn) + 1) * sizeof(wchar_t)), (BYTE *)fn};
            if (!CertSetCertificateContextProperty(ctx, CERT_FRIENDLY_NAME_PROP_ID, 0, &b))
                r = fail_with(ei, CRPKI_E_IO,
                              "CertSetCertificateContextProperty(FRIENDLY_NAME) failed: 0x%08lx",
                              (unsigned long)GetLastError());
        }
        free(fn);
        CertFreeCertificateContext(ctx);
    }
    CertCloseStore(st, 0);
    free(cont);
    return r;
}

/* 1 when ctx's key provider info names our CSP or KSP and (id NULL or) the
 * container id. */
static int ours(PCCERT_CONTEXT ctx, const wchar_t *id)
{
    DWORD n = 0;
    if (!CertGetCertificateContextProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, NULL, &n) || n == 0)
        return 0;
    CRYPT_KEY_PROV_INFO *kpi = malloc(n);
    int yes = 0;
    if (kpi && CertGetCertificateContextProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, kpi, &n)) {
        const wchar_t *pn = kpi->pwszProvName ? kpi->pwszProvName : L"";
        yes = (wcscmp(pn, L"" CRPKI_CSP_NAME) == 0 || wcscmp(pn, L"" CRPKI_KSP_NAME) == 0) &&
              (!id || (kpi->pwszContainerName && wcscmp(kpi->pwszContainerName, id) == 0));
    }
    free(kpi);
    return yes;
}

crpki_err certstore_remove(const char *credential_id, size_t *n, crpki_error_info *ei)
{
    *n = 0;
    wchar_t *id = NULL;
    if (credential_id && !(id = plat_utf8_to_wide(credential_id)))
        return fail_with(ei, CRPKI_E_NO_MEMORY, "credential ID");
    HCERTSTORE st = open_my(ei);
    if (!st) {
        free(id);
        return CRPKI_E_IO;
    }
    /* matches are collected first and deleted after the enumeration: Wine's
       enumeration does not survive a deletion under it */
    crpki_err r = CRPKI_OK;
    PCCERT_CONTEXT ctx = NULL, *found = NULL;
    size_t nf = 0;
    while ((ctx = CertEnumCertificatesInStore(st, ctx)) != NULL) {
        if (!ours(ctx, id))
            continue;
        PCCERT_CONTEXT *grown = realloc(found, (nf + 1) * sizeof *found);
        if (!grown) {
            CertFreeCertificateContext(ctx);
            r = fail_with(ei, CRPKI_E_NO_MEMORY, "certificate list");
            break;
        }
        found = grown;
        found[nf++] = CertDuplicateCertificateContext(ctx);
    }
    for (size_t i = 0; i < nf; i++) {
        /* deleting frees the context it is given */
        if (r == CRPKI_OK && CertDeleteCertificateFromStore(found[i]))
            (*n)++;
        else if (r == CRPKI_OK)
            r = fail_with(ei, CRPKI_E_IO, "CertDeleteCertificateFromStore failed: 0x%08lx",
                          (unsigned long)GetLastError());
        else
            CertFreeCertificateContext(found[i]);
    }
    free(found);
    CertCloseStore(st, 0);
    free(id);
    return r;
}

int certstore_provider_registered(unsigned provider)
{
    const wchar_t *key =
        provider == CRPKI_CAT_KSP
            ? L"SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Providers\\" CRPKI_KSP_NAME
            : L"SOFTWARE\\Microsoft\\Cryptography\\Defaults\\Provider\\" CRPKI_CSP_NAME;
    HKEY h;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_READ, &h) != ERROR_SUCCESS)
        return 0;
    RegCloseKey(h);
    return 1;
}
