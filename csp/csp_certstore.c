/* PP_USER_CERTSTORE and PP_ROOT_CERTSTORE: in-memory certificate stores
 * built from the key catalog (no network). A user certificate carries
 * CERT_KEY_PROV_INFO_PROP_ID naming this CSP and its container, so an
 * application that adds it to CurrentUser\MY can sign with it at once. */
#include <windows.h>
#include <wincrypt.h>

#include <stdlib.h>
#include <string.h>

#include "csp_out.h"
#include "csp_win.h"
#include "base/platform/plat_utf16_win.h"

static csp_code add_cert(HCERTSTORE store, const csp_cert_ref *r, csp_status *st)
{
    PCCERT_CONTEXT ctx = NULL;
    if (!CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, r->der,
                                          (DWORD)r->len, CERT_STORE_ADD_USE_EXISTING, &ctx))
        return csp_fail_core(st, CRPKI_E_CONFIG, "a catalog certificate does not decode (%lu)",
                             (unsigned long)GetLastError());
    csp_code c = CSP_OK;
    if (r->container) {
        wchar_t *cont = plat_utf8_to_wide(r->container);
        wchar_t *prov = plat_utf8_to_wide(CSP_PROV_NAME);
        CRYPT_KEY_PROV_INFO info = {0};
        info.pwszContainerName = cont;
        info.pwszProvName = prov;
        info.dwProvType = PROV_RSA_FULL;
        info.dwKeySpec = AT_SIGNATURE;
        if (!cont || !prov)
            c = csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        else if (!CertSetCertificateContextProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, 0, &info))
            c = csp_fail_core(st, CRPKI_E_INTERNAL, "CertSetCertificateContextProperty: %lu",
                              (unsigned long)GetLastError());
        free(cont);
        free(prov);
    }
    CertFreeCertificateContext(ctx);
    return c;
}

csp_code csp_certstore_param(uintptr_t prov, int roots_only, BYTE *data, DWORD *len, DWORD flags,
                             csp_status *st)
{
    csp_cert_set set;
    csp_code c = csp_prov_certs(prov, roots_only, &set, st);
    if (c != CSP_OK)
        return c;
    int fits = 0;
    uint32_t n = len ? (uint32_t)*len : 0;
    if (!len)
        c = csp_fail(st, CSP_E_INVALID_ARG, "pdwDataLen is NULL");
    else if (flags)
        c = csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    else
        c = csp_out_check(sizeof(HCERTSTORE), data, &n, &fits, st);
    if (len)
        *len = n;
    if (c == CSP_OK && fits) {
        HCERTSTORE store =
            CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, NULL);
        if (!store)
            c = csp_fail_core(st, CRPKI_E_NO_MEMORY, "CertOpenStore: %lu",
                              (unsigned long)GetLastError());
        for (size_t i = 0; c == CSP_OK && i < set.n; i++)
            c = add_cert(store, &set.v[i], st);
        if (c == CSP_OK) {
            memcpy(data, &store, sizeof(store));
            *len = sizeof(store);
        } else if (store) {
            CertCloseStore(store, 0);
        }
    }
    csp_cert_set_free(&set);
    return c;
}
