/* cms_sign on Windows: exactly what a signing application does, so the
 * whole driver path is exercised: the certificate from CurrentUser\MY (its
 * CERT_KEY_PROV_INFO names our CSP or KSP), CryptSignMessage, which
 * acquires the key through the provider, hashes and calls its SignHash.
 * crypt32 adds contentType and messageDigest to the signingTime given here. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include <wincrypt.h>

#include "certstore.h"
#include "cms_sign.h"
#include "base/error/fail.h"
#include "provider/winabi/errmap.h"

#define ENC (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)

/* The crpki_err the provider most likely failed with (the DLLs map with
 * errmap; the first code mapping to the Windows error gives the class). */
static crpki_err from_windows(DWORD e)
{
    for (int i = 1; i < CRPKI_E__COUNT; i++)
        if (errmap_to_csp_error((crpki_err)i) == e || (DWORD)errmap_to_hresult((crpki_err)i) == e)
            return (crpki_err)i;
    return CRPKI_E_INTERNAL;
}

/* The provider name in the certificate's key provider info, or "". */
static void prov_name(PCCERT_CONTEXT ctx, wchar_t *out, size_t n)
{
    out[0] = L'\0';
    DWORD sz = 0;
    if (!CertGetCertificateContextProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, NULL, &sz) || !sz)
        return;
    CRYPT_KEY_PROV_INFO *kpi = malloc(sz);
    if (kpi && CertGetCertificateContextProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, kpi, &sz) &&
        kpi->pwszProvName && wcslen(kpi->pwszProvName) < n)
        wcscpy(out, kpi->pwszProvName);
    free(kpi);
}

crpki_err cms_sign_detached(mgmt_ctx *c, const catalog_entry *key, unsigned provider,
                            const char *what, const uint8_t *data, size_t len, uint8_t **der,
                            size_t *der_len, crpki_error_info *ei)
{
    (void)c;
    (void)what; /* CryptSignMessage has no way to pass it to the provider */
    *der = NULL;
    *der_len = 0;
    crpki_err r = CRPKI_OK;
    HCERTSTORE st =
        CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"MY");
    if (!st)
        return fail_with(ei, CRPKI_E_IO, "CertOpenStore(CurrentUser\\MY) failed: 0x%08lx",
                         (unsigned long)GetLastError());
    PCCERT_CONTEXT tmpl = CertCreateCertificateContext(ENC, key->cert.der, (DWORD)key->cert.len);
    PCCERT_CONTEXT signer =
        tmpl ? CertFindCertificateInStore(st, ENC, 0, CERT_FIND_EXISTING, tmpl, NULL) : NULL;
    size_t ncerts = 1 + key->nchain;
    PCCERT_CONTEXT *certs = calloc(ncerts, sizeof *certs);
    BYTE *time_der = NULL;
    wchar_t pn[128];
    if (!signer) {
        r = fail_with(ei, CRPKI_E_NO_KEY,
                      "the certificate of %s is not in CurrentUser\\MY (run crpki-mgmt use)",
                      key->credential_id);
        goto out;
    }
    prov_name(signer, pn, sizeof pn / sizeof pn[0]);
    const wchar_t *want = provider == CRPKI_CAT_KSP ? L"" CRPKI_KSP_NAME : L"" CRPKI_CSP_NAME;
    if (wcscmp(pn, want) != 0) {
        r = fail_with(ei, CRPKI_E_NO_KEY,
                      "the certificate of %s is linked to another provider in the store "
                      "(run crpki-mgmt use %s --provider %s)",
                      key->credential_id, key->credential_id,
                      provider == CRPKI_CAT_KSP ? "ksp" : "csp");
        goto out;
    }
    if (!certs) {
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "certificates");
        goto out;
    }
    certs[0] = signer;
    for (size_t i = 0; i < key->nchain; i++)
        if (!(certs[1 + i] =
                  CertCreateCertificateContext(ENC, key->chain[i].der, (DWORD)key->chain[i].len))) {
            r = fail_with(ei, CRPKI_E_CONFIG, "keys.json: a chain certificate does not parse");
            goto out;
        }

    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    DWORD tl = 0;
    if (!CryptEncodeObject(ENC, szOID_RSA_signingTime, &ft, NULL, &tl) ||
        !(time_der = malloc(tl)) ||
        !CryptEncodeObject(ENC, szOID_RSA_signingTime, &ft, time_der, &tl)) {
        r = fail_with(ei, CRPKI_E_INTERNAL, "encoding signingTime failed: 0x%08lx",
                      (unsigned long)GetLastError());
        goto out;
    }
    CRYPT_ATTR_BLOB tv = {tl, time_der};
    CRYPT_ATTRIBUTE attr = {(LPSTR)szOID_RSA_signingTime, 1, &tv};

    CRYPT_SIGN_MESSAGE_PARA p;
    memset(&p, 0, sizeof p);
    p.cbSize = sizeof p;
    p.dwMsgEncodingType = ENC;
    p.pSigningCert = signer;
    p.HashAlgorithm.pszObjId = (LPSTR)szOID_NIST_sha256;
    p.cMsgCert = (DWORD)ncerts;
    p.rgpMsgCert = certs;
    p.cAuthAttr = 1;
    p.rgAuthAttr = &attr;
    const BYTE *parts[1] = {data};
    DWORD sizes[1] = {(DWORD)len};
    DWORD out_len = 0;
    /* size, then the signature: the provider signs once (libcrpki caches
       the signature of a digest it has just signed) */
    if (!CryptSignMessage(&p, TRUE, 1, parts, sizes, NULL, &out_len) || !(*der = malloc(out_len)) ||
        !CryptSignMessage(&p, TRUE, 1, parts, sizes, *der, &out_len)) {
        DWORD e = GetLastError();
        free(*der);
        *der = NULL;
        if (e == (DWORD)NTE_PROV_TYPE_NOT_DEF || e == (DWORD)NTE_PROV_DLL_NOT_FOUND ||
            e == (DWORD)NTE_PROVIDER_DLL_FAIL || e == (DWORD)CRYPT_E_NO_KEY_PROPERTY ||
            e == (DWORD)NTE_KEYSET_NOT_DEF)
            /* the key could not be reached through the provider at all */
            r = fail_with(ei, CRPKI_E_CONFIG,
                          "CryptSignMessage failed: 0x%08lx: the provider is not registered or "
                          "cannot be loaded (reinstall the driver; see crpki-mgmt status)",
                          (unsigned long)e);
        else
            r = fail_with(ei, from_windows(e), "CryptSignMessage failed: 0x%08lx",
                          (unsigned long)e);
        goto out;
    }
    *der_len = out_len;
out:
    if (certs)
        for (size_t i = 1; i < ncerts; i++)
            if (certs[i])
                CertFreeCertificateContext(certs[i]);
    free(certs);
    free(time_der);
    if (signer)
        CertFreeCertificateContext(signer);
    if (tmpl)
        CertFreeCertificateContext(tmpl);
    CertCloseStore(st, 0);
    return r;
}
