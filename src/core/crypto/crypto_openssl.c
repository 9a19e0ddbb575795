/* The OpenSSL 3 backend (Linux): hashes through EVP_MD_CTX, keys as
 * EVP_PKEY built from their numbers, verification through EVP_PKEY_verify.
 * Everything runs in a library context of our own with OpenSSL's default
 * provider: loaded into an application (the PKCS#11 module), the
 * application's OpenSSL configuration, providers and engines (libp11's
 * engine takes over RSA and EC keys) must not decide how we hash and
 * verify. */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/crypto_internal.h"
#include "base/log/log.h"
#include "base/platform/plat_once.h"

static OSSL_LIB_CTX *g_libctx;
static EVP_MD *g_md[CRPKI_HASH_SHA512 + 1];

static void make_libctx(void)
{
    static const struct {
        alg_hash_id id;
        const char *name;
    } MDS[] = {{CRPKI_HASH_MD5, "MD5"},
               {CRPKI_HASH_SHA1, "SHA1"},
               {CRPKI_HASH_SHA256, "SHA256"},
               {CRPKI_HASH_SHA384, "SHA384"},
               {CRPKI_HASH_SHA512, "SHA512"}};
    g_libctx = OSSL_LIB_CTX_new();
    if (!g_libctx)
        return;
    /* explicitly: a new context would also fall back to it, but never
       reads the application's configuration */
    if (!OSSL_PROVIDER_load(g_libctx, "default")) {
        OSSL_LIB_CTX_free(g_libctx);
        g_libctx = NULL;
        return;
    }
    for (size_t i = 0; i < sizeof MDS / sizeof MDS[0]; i++)
        g_md[MDS[i].id] = EVP_MD_fetch(g_libctx, MDS[i].name, NULL);
}

/* Our library context; NULL only when out of memory (then every call
 * fails as the backend failing). */
static OSSL_LIB_CTX *libctx(void)
{
    plat_once_run(PLAT_ONCE_CRYPTO, make_libctx);
    return g_libctx;
}

struct crypto_hash_ctx {
    EVP_MD_CTX *md;
    alg_hash_id alg;
    int finished;
};

static const EVP_MD *md_of(alg_hash_id alg)
{
    if (!libctx() || alg <= CRPKI_HASH_NONE || alg > CRPKI_HASH_SHA512)
        return NULL;
    return g_md[alg];
}

/* Logs the OpenSSL error queue's first entry (and empties the queue, which
 * is per thread). */
static crpki_err backend_failed(const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    log_write(CRPKI_LOG_ERROR, "crypto", "OpenSSL %s failed: %s", what, buf);
    ERR_clear_error();
    return CRPKI_E_INTERNAL;
}

crpki_err crypto_hash_new(alg_hash_id alg, crypto_hash_ctx **out)
{
    if (!out)
        return CRPKI_E_INVALID_ARG;
    *out = NULL;
    const EVP_MD *md = md_of(alg);
    if (!md)
        return CRPKI_E_NOT_SUPPORTED;
    crypto_hash_ctx *h = calloc(1, sizeof *h);
    if (!h)
        return CRPKI_E_NO_MEMORY;
    h->alg = alg;
    h->md = EVP_MD_CTX_new();
    if (!h->md) {
        free(h);
        return CRPKI_E_NO_MEMORY;
    }
    if (EVP_DigestInit_ex(h->md, md, NULL) != 1) {
        crypto_hash_free(h);
        return backend_failed("EVP_DigestInit_ex");
    }
    *out = h;
    return CRPKI_OK;
}

crpki_err crypto_hash_update(crypto_hash_ctx *h, const void *data, size_t len)
{
    if (!h || h->finished || (!data && len))
        return CRPKI_E_INVALID_ARG;
    if (len && EVP_DigestUpdate(h->md, data, len) != 1)
        return backend_failed("EVP_DigestUpdate");
    return CRPKI_OK;
}

crpki_err crypto_hash_final(crypto_hash_ctx *h, uint8_t *out, size_t outsz)
{
    if (!h || h->finished || !out)
        return CRPKI_E_INVALID_ARG;
    size_t len = alg_hash_by_id(h->alg)->len;
    if (outsz < len)
        return CRPKI_E_BUFFER_TOO_SMALL;
    unsigned got = 0;
    h->finished = 1;
    if (EVP_DigestFinal_ex(h->md, out, &got) != 1 || got != len)
        return backend_failed("EVP_DigestFinal_ex");
    return CRPKI_OK;
}

crpki_err crypto_hash_dup(const crypto_hash_ctx *h, crypto_hash_ctx **out)
{
    if (!out)
        return CRPKI_E_INVALID_ARG;
    *out = NULL;
    if (!h || h->finished)
        return CRPKI_E_INVALID_ARG;
    crypto_hash_ctx *d = calloc(1, sizeof *d);
    if (!d)
        return CRPKI_E_NO_MEMORY;
    d->alg = h->alg;
    d->md = EVP_MD_CTX_new();
    if (!d->md) {
        free(d);
        return CRPKI_E_NO_MEMORY;
    }
    if (EVP_MD_CTX_copy_ex(d->md, h->md) != 1) {
        crypto_hash_free(d);
        return backend_failed("EVP_MD_CTX_copy_ex");
    }
    *out = d;
    return CRPKI_OK;
}

void crypto_hash_free(crypto_hash_ctx *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->md);
    free(h);
}

/* ---- keys ------------------------------------------------------------------ */

/* type is the key type's OID: OpenSSL hands a context made by the name
 * "RSA" or "EC" to an engine the application made the default (libp11's,
 * which cannot import key numbers); the OID, unknown to the legacy tables,
 * goes straight to our context's provider. */
static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(libctx(), type, NULL);
    if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        (void)EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

static crpki_err import_rsa(crypto_pubkey *k)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    BIGNUM *n = BN_bin2bn(k->n, (int)k->nlen, NULL);
    BIGNUM *e = BN_bin2bn(k->e, (int)k->elen, NULL);
    EVP_PKEY *pkey = NULL;
    if (bld && n && e && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1)
        pkey = from_params("1.2.840.113549.1.1.1", bld); /* rsaEncryption */
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    if (!pkey)
        return backend_failed("RSA public key import");
    k->backend = pkey;
    return CRPKI_OK;
}

static crpki_err import_ec(crypto_pubkey *k)
{
    uint8_t point[1 + 2 * 66];
    point[0] = 0x04;
    memcpy(point + 1, k->x, k->coord_len);
    memcpy(point + 1 + k->coord_len, k->y, k->coord_len);
    const char *group = k->curve == CRPKI_CURVE_P256 ? "P-256" : "P-384";
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *pkey = NULL;
    if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1 &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
                                         1 + 2 * k->coord_len) == 1)
        pkey = from_params("1.2.840.10045.2.1", bld); /* id-ecPublicKey */
    OSSL_PARAM_BLD_free(bld);
    if (!pkey) {
        /* The import decodes the point and refuses one off the curve. */
        ERR_clear_error();
        return CRPKI_E_INVALID_ARG;
    }
    k->backend = pkey;
    return CRPKI_OK;
}

crpki_err crypto_key_import(crypto_pubkey *k)
{
    return k->type == CRPKI_KEY_RSA ? import_rsa(k) : import_ec(k);
}

void crypto_key_free(void *backend)
{
    EVP_PKEY_free(backend);
}

/* ---- verification ------------------------------------------------------------ */

typedef struct {
    int padding; /* RSA_PKCS1_PADDING, RSA_PKCS1_PSS_PADDING, 0 for ECDSA */
    alg_hash_id hash;
    unsigned salt_len;
} verify_opts;

static crpki_err verify(const crypto_pubkey *k, const verify_opts *o, const uint8_t *digest,
                        size_t digest_len, const uint8_t *sig, size_t sig_len)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(libctx(), k->backend, NULL);
    if (!ctx || EVP_PKEY_verify_init(ctx) != 1)
        goto fail;
    if (o->padding && EVP_PKEY_CTX_set_rsa_padding(ctx, o->padding) != 1)
        goto fail;
    if (o->hash != CRPKI_HASH_NONE) {
        const EVP_MD *md = md_of(o->hash);
        if (EVP_PKEY_CTX_set_signature_md(ctx, md) != 1)
            goto fail;
        if (o->padding == RSA_PKCS1_PSS_PADDING &&
            (EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) != 1 ||
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, (int)o->salt_len) != 1))
            goto fail;
    }
    /* 1 verified; 0 or < 0 (e.g. a bad padding) a bad signature. */
    int r = EVP_PKEY_verify(ctx, sig, sig_len, digest, digest_len);
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return r == 1 ? CRPKI_OK : CRPKI_E_BAD_SIGNATURE;
fail:
    EVP_PKEY_CTX_free(ctx);
    return backend_failed("verify setup");
}

crpki_err crypto_verify_pkcs1(const crypto_pubkey *k, alg_hash_id hash, const uint8_t *digest,
                              size_t digest_len, const uint8_t *sig, size_t sig_len)
{
    verify_opts o = {RSA_PKCS1_PADDING, hash, 0};
    return verify(k, &o, digest, digest_len, sig, sig_len);
}

crpki_err crypto_verify_pss(const crypto_pubkey *k, alg_hash_id hash, unsigned salt_len,
                            const uint8_t *digest, size_t digest_len, const uint8_t *sig,
                            size_t sig_len)
{
    if (salt_len > INT_MAX)
        return CRPKI_E_INVALID_ARG;
    verify_opts o = {RSA_PKCS1_PSS_PADDING, hash, salt_len};
    return verify(k, &o, digest, digest_len, sig, sig_len);
}

crpki_err crypto_verify_ecdsa(const crypto_pubkey *k, const uint8_t *digest, size_t digest_len,
                              const uint8_t *sig, size_t sig_len)
{
    uint8_t der[2 * 66 + 16];
    size_t der_len = sizeof der;
    crpki_err rc = crypto_ecdsa_p1363_to_der(sig, sig_len, der, &der_len);
    if (rc != CRPKI_OK)
        return CRPKI_E_BAD_SIGNATURE;
    verify_opts o = {0, CRPKI_HASH_NONE, 0};
    return verify(k, &o, digest, digest_len, der, der_len);
}
