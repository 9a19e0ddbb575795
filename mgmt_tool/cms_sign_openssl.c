/* cms_sign on Linux: OpenSSL's CMS API builds the SignedData around a
 * signature made by the service. OpenSSL cannot sign without the private
 * key, so the signer is added with the certificate's public key and
 * CMS_PARTIAL; the signed attributes are added here, their DER encoding
 * (what RFC 5652 §5.4 says is signed: the SET OF, DER-sorted) hashed, and
 * the signature from signing_sign set into the SignerInfo. */
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "cms_sign.h"
#include "core/crypto/crypto.h"
#include "base/error/fail.h"
#include "core/signing/signing.h"

typedef struct {
    unsigned char *der;
    int len;
} enc;

/* DER SET OF order: the encodings compared as octet strings (X.690 11.6) */
static int enc_cmp(const void *a, const void *b)
{
    const enc *x = a, *y = b;
    int n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->der, y->der, (size_t)n);
    return c ? c : x->len - y->len;
}

/* The DER of the signed attributes as a SET OF (tag 0x31), malloc'ed. */
static uint8_t *signed_attrs_der(CMS_SignerInfo *si, size_t *out_len)
{
    int n = CMS_signed_get_attr_count(si);
    if (n <= 0)
        return NULL;
    enc *v = calloc((size_t)n, sizeof *v);
    uint8_t *out = NULL;
    size_t body = 0;
    int ok = v != NULL;
    for (int i = 0; ok && i < n; i++) {
        v[i].len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &v[i].der);
        ok = v[i].len > 0;
        if (ok)
            body += (size_t)v[i].len;
    }
    if (ok) {
        qsort(v, (size_t)n, sizeof *v, enc_cmp);
        uint8_t hdr[6];
        size_t hl = 0;
        hdr[hl++] = 0x31;
        if (body < 0x80) {
            hdr[hl++] = (uint8_t)body;
        } else if (body < 0x100) {
            hdr[hl++] = 0x81;
            hdr[hl++] = (uint8_t)body;
        } else {
            hdr[hl++] = 0x82; /* signed attributes never reach 64 KiB */
            hdr[hl++] = (uint8_t)(body >> 8);
            hdr[hl++] = (uint8_t)body;
        }
        out = body < 0x10000 ? malloc(hl + body) : NULL;
        if (out) {
            memcpy(out, hdr, hl);
            size_t off = hl;
            for (int i = 0; i < n; i++) {
                memcpy(out + off, v[i].der, (size_t)v[i].len);
                off += (size_t)v[i].len;
            }
            *out_len = off;
        }
    }
    for (int i = 0; v && i < n; i++)
        OPENSSL_free(v[i].der);
    free(v);
    return out;
}

static crpki_err ossl_fail(crpki_error_info *ei, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[160] = "";
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return fail_with(ei, CRPKI_E_INTERNAL, "%s failed: %s", what, buf);
}

static X509 *der_cert(const catalog_blob *b)
{
    const unsigned char *p = b->der;
    return d2i_X509(NULL, &p, (long)b->len);
}

crpki_err cms_sign_detached(mgmt_ctx *c, const catalog_entry *key, unsigned provider,
                            const char *what, const uint8_t *data, size_t len, uint8_t **der,
                            size_t *der_len, crpki_error_info *ei)
{
    *der = NULL;
    *der_len = 0;
    uint8_t md[32];
    crpki_err r = crypto_digest(CRPKI_HASH_SHA256, data, len, md, sizeof md);
    if (r != CRPKI_OK)
        return fail_with(ei, r, "SHA-256 of the content failed");
    X509 *cert = der_cert(&key->cert);
    if (!cert)
        return fail_with(ei, CRPKI_E_CONFIG, "keys.json: the certificate of %s does not parse",
                         key->credential_id);
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    CMS_ContentInfo *cms = NULL;
    CMS_SignerInfo *si = NULL;
    ASN1_TIME *now = X509_gmtime_adj(NULL, 0);
    uint8_t *attrs = NULL, *sig = NULL;
    size_t attrs_len = 0;
    signing_session *s = NULL;
    const unsigned flags = CMS_PARTIAL | CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP;

    if (!pub || !now) {
        r = ossl_fail(ei, "reading the certificate's public key");
        goto out;
    }
    if (!(cms = CMS_sign(NULL, NULL, NULL, NULL, flags)) ||
        !(si = CMS_add1_signer(cms, cert, pub, EVP_sha256(), flags))) {
        r = ossl_fail(ei, "CMS_add1_signer");
        goto out;
    }
    for (size_t i = 0; i < key->nchain; i++) {
        X509 *x = der_cert(&key->chain[i]);
        int ok = x && CMS_add1_cert(cms, x);
        X509_free(x);
        if (!ok) {
            r = ossl_fail(ei, "CMS_add1_cert (chain)");
            goto out;
        }
    }
    if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                    OBJ_nid2obj(NID_pkcs7_data), -1) <= 0 ||
        CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, ASN1_STRING_type(now), now, -1) <=
            0 ||
        CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, md,
                                    (int)sizeof md) <= 0) {
        r = ossl_fail(ei, "adding the signed attributes");
        goto out;
    }
    if (!(attrs = signed_attrs_der(si, &attrs_len))) {
        r = ossl_fail(ei, "encoding the signed attributes");
        goto out;
    }
    uint8_t adigest[32];
    if ((r = crypto_digest(CRPKI_HASH_SHA256, attrs, attrs_len, adigest, sizeof adigest)) !=
        CRPKI_OK) {
        fail_with(ei, r, "SHA-256 of the signed attributes failed");
        goto out;
    }

    if ((r = signing_open(c->home, &s, ei)) != CRPKI_OK)
        goto out;
    size_t sig_cap = catalog_entry_sig_len(key) + 16, sig_len = sig_cap;
    /* DER ECDSA is at most 9 bytes longer than r||s */
    if (!(sig = malloc(sig_cap + 16))) {
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "signature");
        goto out;
    }
    signing_params p;
    memset(&p, 0, sizeof p);
    p.key = key;
    p.scheme = key->key_type == CRPKI_KEY_EC ? CRPKI_PAD_ECDSA : CRPKI_PAD_PKCS1;
    p.hash = CRPKI_HASH_SHA256;
    p.digest = adigest;
    p.digest_len = sizeof adigest;
    /* the phone shows "crpki-mgmt: <what>": the file, so the user knows what */
    p.what = what && *what ? what
             : c->ja       ? "テスト署名 (crpki-mgmt sign)"
                           : "test signature (crpki-mgmt sign)";
    (void)provider; /* Linux: the same library path for either provider */
    if ((r = signing_sign(s, &p, sig, &sig_len, ei)) != CRPKI_OK)
        goto out;
    if (key->key_type == CRPKI_KEY_EC) {
        uint8_t tmp[160];
        size_t tl = sizeof tmp;
        if (sig_len > sizeof tmp ||
            (r = crypto_ecdsa_p1363_to_der(sig, sig_len, tmp, &tl)) != CRPKI_OK ||
            tl > sig_cap + 16) {
            r = fail_with(ei, CRPKI_E_INTERNAL, "ECDSA signature encoding failed");
            goto out;
        }
        memcpy(sig, tmp, tl);
        sig_len = tl;
    }
    if (!ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)sig_len)) {
        r = ossl_fail(ei, "setting the signature");
        goto out;
    }
    unsigned char *o = NULL;
    int ol = i2d_CMS_ContentInfo(cms, &o);
    if (ol <= 0) {
        r = ossl_fail(ei, "encoding the CMS");
        goto out;
    }
    if (!(*der = malloc((size_t)ol))) {
        OPENSSL_free(o);
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "CMS");
        goto out;
    }
    memcpy(*der, o, (size_t)ol);
    *der_len = (size_t)ol;
    OPENSSL_free(o);
    r = CRPKI_OK;
out:
    signing_close(s);
    free(sig);
    free(attrs);
    ASN1_TIME_free(now);
    CMS_ContentInfo_free(cms);
    X509_free(cert);
    return r;
}
