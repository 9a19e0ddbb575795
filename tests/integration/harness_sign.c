/* The harness's signing steps and their verification with OpenSSL
 * (harness.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509_vfy.h>

#include "base/util/base64.h"
#include "harness_internal.h"

/* ------------------------------------------------------------------ */
/* signing                                                             */

void h_approval_free(h_approval *a)
{
    free(a->handle);
    free(a->code);
    memset(a, 0, sizeof *a);
}

cJSON *h_hashes_json(const uint8_t *hashes, size_t n, size_t len)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        char *b = base64_encode_alloc(hashes + i * len, len);
        cJSON_AddItemToArray(a, cJSON_CreateString(b));
        free(b);
    }
    return a;
}

void h_authorize(const char *bearer, const char *cred, const char *hash_oid, const uint8_t *hashes,
                 size_t n, size_t len, h_resp *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", cred);
    cJSON_AddNumberToObject(j, "numSignatures", (double)n);
    cJSON_AddItemToObject(j, "hashes", h_hashes_json(hashes, n, len));
    cJSON_AddStringToObject(j, "hashAlgorithmOID", hash_oid);
    cJSON_AddStringToObject(j, "description", "統合テスト: 登記申請書.pdf");
    cJSON *ad = cJSON_AddArrayToObject(j, "authData");
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "id", "gbizid_app");
    cJSON_AddItemToArray(ad, g);
    h_post_cjson("/csc/v2/credentials/authorize", j, bearer, r);
}

static int is_4_digits(const char *s)
{
    if (!s || strlen(s) != 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

void h_authorize_ok(const char *bearer, const char *cred, const char *hash_oid,
                    const uint8_t *hashes, size_t n, size_t len, h_approval *a)
{
    h_resp r;
    h_authorize(bearer, cred, hash_oid, hashes, n, len, &r);
    H_EXPECT_STATUS(&r, 202);
    const char *handle = h_jstr(r.json, "handle"), *code = h_jstr(r.json, "approvalCode");
    if (!handle || !handle[0] || !is_4_digits(code))
        fail_msg("authorize: want {handle, approvalCode: 4 digits}, got %s", r.body);
    memset(a, 0, sizeof *a);
    a->handle = xstrdup(handle);
    a->code = xstrdup(code);
    a->expires_in = (long)h_jnum(r.json, "expiresIn", -1);
    a->interval = (long)h_jnum(r.json, "interval", -1);
    h_resp_free(&r);
}

void h_check(const char *bearer, const char *handle, int wait, h_resp *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "handle", handle);
    cJSON_AddNumberToObject(j, "wait", wait);
    h_post_cjson("/csc/v2/credentials/authorizeCheck", j, bearer, r);
}

char *h_wait_sad_ok(const char *bearer, const char *handle)
{
    double end = h_now() + 20;
    while (h_now() < end) {
        h_resp r;
        h_check(bearer, handle, 5, &r);
        if (r.cc == CURLE_OK && r.status == 202) {
            h_resp_free(&r);
            continue;
        }
        H_EXPECT_STATUS(&r, 200);
        const char *sad = h_jstr(r.json, "SAD"), *st = h_jstr(r.json, "status");
        if (!sad || !sad[0] || !st || strcmp(st, "approved") != 0)
            fail_msg("authorizeCheck: want {status: approved, SAD}, got %s", r.body);
        char *out = xstrdup(sad);
        h_resp_free(&r);
        return out;
    }
    fail_msg("authorizeCheck: still pending after 20 s");
    return NULL;
}

void h_sign_hash(const char *bearer, const char *cred, const char *sad, const char *hash_oid,
                 const uint8_t *hashes, size_t n, size_t len, const char *sign_algo,
                 const char *params_b64, h_resp *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", cred);
    cJSON_AddStringToObject(j, "SAD", sad);
    cJSON_AddItemToObject(j, "hashes", h_hashes_json(hashes, n, len));
    if (hash_oid)
        cJSON_AddStringToObject(j, "hashAlgorithmOID", hash_oid);
    cJSON_AddStringToObject(j, "signAlgo", sign_algo);
    if (params_b64)
        cJSON_AddStringToObject(j, "signAlgoParams", params_b64);
    h_post_cjson("/csc/v2/signatures/signHash", j, bearer, r);
}

void h_resp_signatures_ok(const h_resp *r, size_t n, uint8_t **sigs, size_t *lens)
{
    H_EXPECT_STATUS(r, 200);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(r->json, "signatures");
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != n)
        fail_msg("signHash: want %zu signatures, got %s", n, r->body);
    for (size_t i = 0; i < n; i++) {
        const cJSON *s = cJSON_GetArrayItem(arr, (int)i);
        if (!cJSON_IsString(s))
            fail_msg("signHash: signature %zu is not a string", i);
        size_t sl = strlen(s->valuestring);
        sigs[i] = xmalloc(base64_decoded_max(sl) + 1);
        if (base64_decode(s->valuestring, sl, sigs[i], base64_decoded_max(sl) + 1, &lens[i]) != 0)
            fail_msg("signHash: signature %zu is not strict base64: %s", i, s->valuestring);
    }
}

/* DER helpers for RSASSA-PSS-params */
static size_t der_hdr(uint8_t *out, uint8_t tag, size_t len)
{
    out[0] = tag;
    if (len < 128) {
        out[1] = (uint8_t)len;
        return 2;
    }
    out[1] = 0x81;
    out[2] = (uint8_t)len;
    return 3;
}

char *h_pss_params_b64(alg_hash_id hash, unsigned salt)
{
    const alg_hash_info *h = alg_hash_by_id(hash);
    if (!h)
        return NULL;
    /* AlgorithmIdentifier of the hash = DigestInfo prefix minus its SEQUENCE
     * header (2 bytes) and the OCTET STRING header (2 bytes). */
    const uint8_t *alg = h->digestinfo_prefix + 2;
    size_t alg_len = h->digestinfo_prefix_len - 4;
    static const uint8_t mgf1_oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                       0xf7, 0x0d, 0x01, 0x01, 0x08};
    uint8_t inner[128], der[160];
    size_t n = 0;
    /* DER: members equal to their DEFAULT (sha1, mgf1SHA1, 20) are omitted */
    if (hash != CRPKI_HASH_SHA1) {
        n += der_hdr(inner + n, 0xa0, alg_len);
        memcpy(inner + n, alg, alg_len);
        n += alg_len;
        size_t mgf_seq = sizeof mgf1_oid + alg_len;
        n += der_hdr(inner + n, 0xa1, mgf_seq + 2);
        n += der_hdr(inner + n, 0x30, mgf_seq);
        memcpy(inner + n, mgf1_oid, sizeof mgf1_oid);
        n += sizeof mgf1_oid;
        memcpy(inner + n, alg, alg_len);
        n += alg_len;
    }
    if (salt != 20) {
        n += der_hdr(inner + n, 0xa2, 3);
        inner[n++] = 0x02;
        inner[n++] = 0x01;
        inner[n++] = (uint8_t)salt; /* salts here are < 128 */
    }
    size_t d = der_hdr(der, 0x30, n);
    memcpy(der + d, inner, n);
    return base64_encode_alloc(der, d + n);
}

void h_sign_flow_ok(const char *bearer, const char *cred, alg_hash_id hash, const char *sign_algo,
                    const char *params_b64, const uint8_t *hashes, size_t n, uint8_t **sigs,
                    size_t *lens, char **handle_out)
{
    const alg_hash_info *h = alg_hash_by_id(hash);
    assert_non_null(h);
    h_approval a;
    h_authorize_ok(bearer, cred, h->oid, hashes, n, h->len, &a);
    int rc = h_approve(a.code);
    if (rc != 0)
        fail_msg("crpki-rsspd approve --code %s exited %d, want 0", a.code, rc);
    char *sad = h_wait_sad_ok(bearer, a.handle);
    h_resp r;
    h_sign_hash(bearer, cred, sad, h->oid, hashes, n, h->len, sign_algo, params_b64, &r);
    h_resp_signatures_ok(&r, n, sigs, lens);
    h_resp_free(&r);
    free(sad);
    if (handle_out)
        *handle_out = xstrdup(a.handle);
    h_approval_free(&a);
}

/* ------------------------------------------------------------------ */
/* verification                                                        */

X509 *h_load_pem_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    return x;
}

X509 *h_der_cert(const char *b64)
{
    size_t sl = strlen(b64), dl = 0;
    uint8_t *der = xmalloc(base64_decoded_max(sl) + 1);
    if (base64_decode(b64, sl, der, base64_decoded_max(sl) + 1, &dl) != 0) {
        free(der);
        return NULL;
    }
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)dl);
    if (x && p != der + dl) {
        X509_free(x);
        x = NULL;
    }
    free(der);
    return x;
}

X509 *h_cred_cert_ok(const char *bearer, const h_cred *cred)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", cred->id);
    cJSON_AddStringToObject(j, "certificates", "single");
    h_resp r;
    h_post_cjson("/csc/v2/credentials/info", j, bearer, &r);
    H_EXPECT_STATUS(&r, 200);
    const cJSON *cert = cJSON_GetObjectItemCaseSensitive(r.json, "cert");
    const cJSON *certs = cJSON_GetObjectItemCaseSensitive(cert, "certificates");
    const cJSON *c0 = cJSON_GetArrayItem(certs, 0);
    if (!cJSON_IsString(c0))
        fail_msg("credentials/info: no cert.certificates[0]: %s", r.body);
    X509 *x = h_der_cert(c0->valuestring);
    if (!x)
        fail_msg("credentials/info: cert.certificates[0] is not base64 DER X.509");
    h_resp_free(&r);
    X509 *pem = h_load_pem_cert(cred->cert);
    if (!pem)
        fail_msg("cannot read %s listed in sim.json", cred->cert);
    if (X509_cmp(x, pem) != 0)
        fail_msg("credentials/info certificate differs from %s", cred->cert);
    X509_free(pem);
    return x;
}

int h_verify_sig(X509 *cert, alg_sig_scheme scheme, alg_hash_id hash, unsigned pss_salt,
                 const uint8_t *hash_val, size_t hash_len, const uint8_t *sig, size_t sig_len)
{
    const alg_hash_info *h = alg_hash_by_id(hash);
    EVP_PKEY *pk = X509_get0_pubkey(cert);
    if (!h || !pk)
        return 0;
    const EVP_MD *md = EVP_get_digestbyname(h->name);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
    int ok = ctx && md && EVP_PKEY_verify_init(ctx) == 1;
    if (ok && scheme == CRPKI_PAD_PKCS1) {
        ok = EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA && sig_len == (size_t)EVP_PKEY_get_size(pk) &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
             EVP_PKEY_CTX_set_signature_md(ctx, md) == 1;
    } else if (ok && scheme == CRPKI_PAD_PSS) {
        ok = EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA && sig_len == (size_t)EVP_PKEY_get_size(pk) &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_signature_md(ctx, md) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, (int)pss_salt) == 1;
    } else if (ok && scheme == CRPKI_PAD_ECDSA) {
        ok = EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC;
    } else {
        ok = 0;
    }
    if (ok)
        ok = EVP_PKEY_verify(ctx, sig, sig_len, hash_val, hash_len) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

int h_verify_chain(X509 *cert)
{
    X509 *ca = h_load_pem_cert(H.sim.registrar_ca);
    if (!ca)
        return 0;
    X509_STORE *st = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int ok = st && ctx && X509_STORE_add_cert(st, ca) == 1 &&
             X509_STORE_CTX_init(ctx, st, cert, NULL) == 1;
    if (ok) {
        ok = X509_verify_cert(ctx) == 1;
        if (!ok)
            print_error("X509_verify_cert: %s\n",
                        X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    }
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    X509_free(ca);
    return ok;
}
