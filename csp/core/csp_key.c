/* Key objects: the context's user key (the remote key's public half and its
 * certificate, from the key catalog) and imported RSA public keys for
 * verification. CPGetUserKey, CPImportKey, CPExportKey, CPGetKeyParam,
 * CPSetKeyParam, CPDuplicateKey, CPDestroyKey. */
#include <stdlib.h>
#include <string.h>

#include "csp_internal.h"
#include "csp_out.h"
#include "provider/prov_capiblob.h"

#define BLOBHEADER_LEN 8u
#define RSAPUBKEY_LEN  12u

static void key_destroy(csp_obj *o)
{
    csp_key *k = (csp_key *)o;
    crypto_pubkey_free(k->pub);
    free(k->cert);
    free(k);
}

csp_code csp_key_get(uintptr_t prov, uintptr_t h, csp_key **out, csp_status *st)
{
    csp_obj *o;
    csp_code c = csp_handle_get_owned(prov, h, CSP_KIND_KEY, &o, st);
    *out = (csp_key *)o;
    return c;
}

csp_code csp_key_register(uintptr_t prov, uint32_t algid, crypto_pubkey *pub, const uint8_t *cert,
                          size_t cert_len, uintptr_t *out, csp_status *st)
{
    csp_key *k = calloc(1, sizeof(*k));
    if (!k) {
        crypto_pubkey_free(pub);
        return csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    }
    k->o.kind = CSP_KIND_KEY;
    k->o.owner = prov;
    k->o.destroy = key_destroy;
    k->algid = algid;
    k->pub = pub;
    crypto_pubkey_info info;
    crypto_pubkey_get_info(pub, &info);
    k->bits = info.bits;
    if (cert) {
        k->is_user = 1;
        k->cert = malloc(cert_len ? cert_len : 1);
        if (!k->cert) {
            key_destroy(&k->o);
            return csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        }
        memcpy(k->cert, cert, cert_len);
        k->cert_len = cert_len;
    }
    csp_code c = csp_handle_new(&k->o, out, st);
    if (c != CSP_OK)
        key_destroy(&k->o);
    return c;
}

csp_code csp_get_user_key(uintptr_t prov, uint32_t keyspec, uintptr_t *out, csp_status *st)
{
    csp_prov *p = NULL;
    csp_code c = csp_prov_get(prov, &p, st);
    if (c != CSP_OK)
        return c;
    if (!out) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "phUserKey is NULL");
    } else if (keyspec != CSP_AT_SIGNATURE) {
        *out = 0;
        c = csp_fail(st, CSP_E_NO_KEY, "key spec %lu: the remote key is AT_SIGNATURE only",
                     (unsigned long)keyspec);
    } else if (p->verify) {
        *out = 0;
        c = csp_fail(st, CSP_E_NO_KEY, "a verification context has no key");
    } else {
        crypto_pubkey *pub = NULL;
        crpki_error_info ei = {0};
        crpki_err e = crypto_pubkey_from_cert(p->key.cert.der, p->key.cert.len, &pub, &ei);
        if (e != CRPKI_OK)
            c = csp_fail_core(st, e, "the certificate's key: %s", ei.detail);
        else
            c = csp_key_register(prov, CSP_CALG_RSA_SIGN, pub, p->key.cert.der, p->key.cert.len,
                                 out, st);
    }
    csp_obj_put(&p->o);
    return c;
}

csp_code csp_import_key(uintptr_t prov, const uint8_t *data, uint32_t len, uintptr_t pubkey,
                        uint32_t flags, uintptr_t *out, csp_status *st)
{
    csp_prov *p = NULL;
    csp_code c = csp_prov_get(prov, &p, st);
    if (c != CSP_OK)
        return c;
    csp_obj_put(&p->o);
    if (!data || !len || !out)
        return csp_fail(st, CSP_E_INVALID_ARG, "pbData, dwDataLen and phKey are required");
    *out = 0;
    if (pubkey)
        return csp_fail(st, CSP_E_BAD_KEY, "hPubKey must be 0: only PUBLICKEYBLOBs are imported");
    if (flags & ~CSP_CRYPT_EXPORTABLE)
        return csp_fail(st, CSP_E_BAD_FLAGS, "flags 0x%08lx", (unsigned long)flags);
    if (len < BLOBHEADER_LEN)
        return csp_fail(st, CSP_E_BAD_DATA, "blob shorter than a BLOBHEADER");
    if (data[0] != CSP_PUBLICKEYBLOB)
        return csp_fail(st, CSP_E_BAD_TYPE, "blob type %u: only PUBLICKEYBLOB is imported",
                        data[0]);
    if (data[1] != CSP_CUR_BLOB_VERSION)
        return csp_fail(st, CSP_E_BAD_VER, "blob version %u", data[1]);
    uint32_t algid = csp_get_u32le(data + 4);
    if (algid != CSP_CALG_RSA_SIGN && algid != CSP_CALG_RSA_KEYX)
        return csp_fail(st, CSP_E_BAD_ALGID, "key ALG_ID 0x%04lx: RSA only", (unsigned long)algid);
    if (len < BLOBHEADER_LEN + RSAPUBKEY_LEN || csp_get_u32le(data + 8) != CSP_RSA1_MAGIC)
        return csp_fail(st, CSP_E_BAD_DATA, "not an RSAPUBKEY (magic RSA1)");
    uint32_t bits = csp_get_u32le(data + 12), e32 = csp_get_u32le(data + 16);
    size_t nlen = ((size_t)bits + 7) / 8;
    if (bits < 512 || bits > 16384 || e32 == 0 || len < BLOBHEADER_LEN + RSAPUBKEY_LEN + nlen)
        return csp_fail(st, CSP_E_BAD_DATA, "RSA key of %lu bits, exponent %lu, blob %lu bytes",
                        (unsigned long)bits, (unsigned long)e32, (unsigned long)len);
    uint8_t *n = malloc(nlen), e[4];
    if (!n)
        return csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    csp_reverse(n, data + BLOBHEADER_LEN + RSAPUBKEY_LEN, nlen); /* little-endian modulus */
    e[0] = (uint8_t)(e32 >> 24);
    e[1] = (uint8_t)(e32 >> 16);
    e[2] = (uint8_t)(e32 >> 8);
    e[3] = (uint8_t)e32;
    crypto_pubkey *pub = NULL;
    crpki_err er = crypto_pubkey_from_rsa(n, nlen, e, sizeof(e), &pub);
    free(n);
    if (er != CRPKI_OK)
        return csp_fail(st, CSP_E_BAD_DATA, "the crypto backend refused the key: %s",
                        crpki_strerror(er));
    return csp_key_register(prov, algid, pub, NULL, 0, out, st);
}

csp_code csp_export_key(uintptr_t prov, uintptr_t key, uintptr_t expkey, uint32_t blob_type,
                        uint32_t flags, uint8_t *data, uint32_t *len, csp_status *st)
{
    csp_key *k = NULL;
    csp_code c = csp_key_get(prov, key, &k, st);
    if (c != CSP_OK)
        return c;
    crypto_pubkey_info info;
    crypto_pubkey_get_info(k->pub, &info);
    if (!len) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "pdwDataLen is NULL");
    } else if (blob_type == CSP_PRIVATEKEYBLOB) {
        c = csp_fail(st, CSP_E_BAD_KEY_STATE, "the private key never leaves the remote HSM");
    } else if (blob_type != CSP_PUBLICKEYBLOB) {
        c = csp_fail(st, CSP_E_BAD_TYPE, "blob type %lu: only PUBLICKEYBLOB is exported",
                     (unsigned long)blob_type);
    } else if (expkey) {
        c = csp_fail(st, CSP_E_BAD_KEY, "hExpKey must be 0 for a PUBLICKEYBLOB");
    } else if (flags) {
        c = csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    } else {
        uint8_t *b = NULL;
        size_t total = 0;
        crpki_err e = prov_capi_blob_build(&info, k->algid, &b, &total);
        if (e == CRPKI_E_NOT_SUPPORTED)
            c = csp_fail(st, CSP_E_BAD_KEY, "the public exponent does not fit a PUBLICKEYBLOB");
        else if (e != CRPKI_OK)
            c = csp_fail_core(st, e, "building the PUBLICKEYBLOB");
        else
            c = csp_out_bytes(b, total, data, len, st);
        free(b);
    }
    csp_obj_put(&k->o);
    return c;
}

csp_code csp_get_key_param(uintptr_t prov, uintptr_t key, uint32_t param, uint8_t *data,
                           uint32_t *len, uint32_t flags, csp_status *st)
{
    csp_key *k = NULL;
    csp_code c = csp_key_get(prov, key, &k, st);
    if (c != CSP_OK)
        return c;
    if (!len) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "pdwDataLen is NULL");
    } else if (flags) {
        c = csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    } else {
        switch (param) {
        case CSP_KP_ALGID:
            c = csp_out_u32(k->algid, data, len, st);
            break;
        case CSP_KP_KEYLEN:
        case CSP_KP_BLOCKLEN: /* RSA: the modulus, in bits */
            c = csp_out_u32(k->bits, data, len, st);
            break;
        case CSP_KP_PERMISSIONS: /* the public half is readable; nothing is exportable */
            c = csp_out_u32(CSP_CRYPT_READ, data, len, st);
            break;
        case CSP_KP_CERTIFICATE:
            if (!k->is_user)
                c = csp_fail(st, CSP_E_BAD_TYPE, "an imported key has no certificate");
            else
                c = csp_out_bytes(k->cert, k->cert_len, data, len, st);
            break;
        default:
            c = csp_fail(st, CSP_E_BAD_TYPE, "key parameter %lu not supported",
                         (unsigned long)param);
        }
    }
    csp_obj_put(&k->o);
    return c;
}

csp_code csp_set_key_param(uintptr_t prov, uintptr_t key, uint32_t param, const uint8_t *data,
                           uint32_t flags, csp_status *st)
{
    csp_key *k = NULL;
    csp_code c = csp_key_get(prov, key, &k, st);
    if (c != CSP_OK)
        return c;
    csp_obj_put(&k->o);
    if (!data)
        return csp_fail(st, CSP_E_INVALID_ARG, "pbData is NULL");
    if (flags)
        return csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    /* The certificate comes from the service through crpki-mgmt; RSA
     * public keys have no settable parameters. */
    return csp_fail(st, CSP_E_BAD_TYPE, "key parameter %lu cannot be set", (unsigned long)param);
}

csp_code csp_duplicate_key(uintptr_t prov, uintptr_t key, const void *reserved, uint32_t flags,
                           uintptr_t *out, csp_status *st)
{
    csp_key *k = NULL;
    csp_code c = csp_key_get(prov, key, &k, st);
    if (c != CSP_OK)
        return c;
    if (!out || reserved) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "pdwReserved must be NULL, phKey not NULL");
    } else if (flags) {
        *out = 0;
        c = csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    } else {
        crypto_pubkey_info info;
        crypto_pubkey *pub = NULL;
        crypto_pubkey_get_info(k->pub, &info);
        crpki_err e = crypto_pubkey_from_rsa(info.n, info.nlen, info.e, info.elen, &pub);
        if (e != CRPKI_OK)
            c = csp_fail_core(st, e, "cannot copy the key");
        else
            c = csp_key_register(prov, k->algid, pub, k->is_user ? k->cert : NULL, k->cert_len, out,
                                 st);
    }
    csp_obj_put(&k->o);
    return c;
}

csp_code csp_destroy_key(uintptr_t prov, uintptr_t key, csp_status *st)
{
    csp_key *k = NULL;
    csp_code c = csp_key_get(prov, key, &k, st);
    if (c != CSP_OK)
        return c;
    csp_obj_put(&k->o);
    return csp_handle_free(key, CSP_KIND_KEY, st); /* fails if destroyed meanwhile */
}
