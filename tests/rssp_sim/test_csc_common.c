/* The CSC endpoint tests' shared part (test_csc_common.h). */
#define _POSIX_C_SOURCE 200809L

#include "test_csc_common.h"

char at1[64], at2[64]; /* user1, user2 */

int csc_setup(void **state)
{
    if (tsf_setup(state) != 0)
        return -1;
    tsf_login("user1", at1, NULL);
    tsf_login("user2", at2, NULL);
    return 0;
}

int csc_setup_auto(int ms)
{
    rsspd_options o;
    rsspd_options_default(&o);
    o.auto_approve_ms = ms;
    if (tsf_setup_opts(&o) != 0)
        return -1;
    tsf_login("user1", at1, NULL);
    tsf_login("user2", at2, NULL);
    return 0;
}

const char *rsa2048(void)
{
    return tsf_cred("user1", CRPKI_KEY_RSA, 2048)->id;
}

const char *rsa3072(void)
{
    return tsf_cred("user1", CRPKI_KEY_RSA, 3072)->id;
}

const char *p256(void)
{
    return tsf_cred("user1", CRPKI_KEY_EC, 256)->id;
}

const char *user2_cred(void)
{
    return tsf_cred("user2", CRPKI_KEY_RSA, 2048)->id;
}

double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void check(const char *access, const char *handle, long wait, tsf_resp *r)
{
    char body[256];
    snprintf(body, sizeof body, "{\"handle\":\"%s\",\"wait\":%ld}", handle, wait);
    tsf_post_json("/csc/v2/credentials/authorizeCheck", access, body, r);
}

void expect_pending(tsf_resp *r)
{
    if (r->r.status != 202)
        fail_msg("want 202 pending, got %d %s", r->r.status, r->r.body);
    assert_string_equal(tsf_str(r->json, "status"), "pending");
    assert_true(tsf_num(r->json, "expiresIn") > 0);
    assert_true(tsf_num(r->json, "interval") == 1);
    tsf_resp_free(r);
}

/* ---- OpenSSL verification -------------------------------------------------------------- */

EVP_PKEY *cert_key(const char *cred_id)
{
    const simcfg_user *owner;
    const simcfg_credential *c = simcfg_find_credential(&tsf_cfg, cred_id, &owner);
    assert_non_null(c);
    FILE *f = fopen(c->cert_pem, "r");
    assert_non_null(f);
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(x);
    EVP_PKEY *k = X509_get_pubkey(x);
    X509_free(x);
    assert_non_null(k);
    return k;
}

int verify(const char *cred_id, alg_sig_scheme scheme, alg_hash_id hash, int salt,
           const uint8_t *digest, const char *sig_b64, size_t *sig_len)
{
    EVP_PKEY *k = cert_key(cred_id);
    const alg_hash_info *h = alg_hash_by_id(hash);
    const EVP_MD *md = EVP_get_digestbyname(h->name);
    uint8_t sig[1024];
    size_t sl = 0;
    assert_int_equal(base64_decode(sig_b64, strlen(sig_b64), sig, sizeof sig, &sl), 0);
    if (sig_len)
        *sig_len = sl;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k, NULL);
    int ok = ctx && EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_CTX_set_signature_md(ctx, md) == 1;
    if (ok && scheme == CRPKI_PAD_PKCS1)
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
    if (ok && scheme == CRPKI_PAD_PSS)
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, salt) == 1;
    ok = ok && EVP_PKEY_verify(ctx, sig, sl, digest, h->len) == 1;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(k);
    return ok;
}

/* DER RSASSA-PSS-params; hash OIDs as the content bytes of the OID */

size_t algid(uint8_t *o, const uint8_t *oid, size_t ol)
{
    o[0] = 0x30;
    o[1] = (uint8_t)(ol + 4);
    o[2] = 0x06;
    o[3] = (uint8_t)ol;
    memcpy(o + 4, oid, ol);
    o[4 + ol] = 0x05;
    o[5 + ol] = 0x00;
    return ol + 6;
}

char *pss_params_b64(const uint8_t *h, size_t hl, const uint8_t *m, size_t ml, int salt,
                     int trailer)
{
    uint8_t body[200], tmp[100];
    size_t n = 0;
    size_t a = algid(tmp, h, hl);
    body[n++] = 0xa0;
    body[n++] = (uint8_t)a;
    memcpy(body + n, tmp, a);
    n += a;
    /* [1] { SEQUENCE { mgf1, algid(m) } } */
    uint8_t mg[100];
    size_t mn = 0;
    mg[mn++] = 0x06;
    mg[mn++] = sizeof OID_MGF1;
    memcpy(mg + mn, OID_MGF1, sizeof OID_MGF1);
    mn += sizeof OID_MGF1;
    mn += algid(mg + mn, m, ml);
    body[n++] = 0xa1;
    body[n++] = (uint8_t)(mn + 2);
    body[n++] = 0x30;
    body[n++] = (uint8_t)mn;
    memcpy(body + n, mg, mn);
    n += mn;
    if (salt >= 0) {
        uint8_t s[4];
        size_t sl = 0;
        if (salt > 127)
            s[sl++] = 0x00; /* positive INTEGER */
        s[sl++] = (uint8_t)salt;
        body[n++] = 0xa2;
        body[n++] = (uint8_t)(sl + 2);
        body[n++] = 0x02;
        body[n++] = (uint8_t)sl;
        memcpy(body + n, s, sl);
        n += sl;
    }
    if (trailer >= 0) {
        body[n++] = 0xa3;
        body[n++] = 3;
        body[n++] = 0x02;
        body[n++] = 1;
        body[n++] = (uint8_t)trailer;
    }
    uint8_t der[256];
    der[0] = 0x30;
    der[1] = (uint8_t)n;
    memcpy(der + 2, body, n);
    return base64_encode_alloc(der, n + 2);
}

/* signHash that must succeed; returns the signatures array (caller deletes) */
cJSON *sign_ok(const char *access, const char *body)
{
    tsf_resp r;
    tsf_post_json("/csc/v2/signatures/signHash", access, body, &r);
    if (r.r.status != 200)
        fail_msg("signHash: %d %s", r.r.status, r.r.body);
    cJSON *sigs = cJSON_DetachItemFromObject(r.json, "signatures");
    assert_true(cJSON_IsArray(sigs));
    tsf_resp_free(&r);
    return sigs;
}

void sign_and_verify(const char *cred, const char *hash_oid, alg_hash_id hid, const char *sign_algo,
                     alg_sig_scheme scheme, const char *params, int salt, size_t n, size_t want_len)
{
    const alg_hash_info *h = alg_hash_by_id(hid);
    uint8_t digests[3 * 64];
    tsf_random(digests, n * h->len);
    char sad[64];
    tsf_approved_sad(at1, cred, h->oid, digests, n, h->len, sad);
    char *body = tsf_sign_body(cred, sad, digests, n, h->len, hash_oid, sign_algo, params);
    cJSON *sigs = sign_ok(at1, body);
    free(body);
    assert_int_equal(cJSON_GetArraySize(sigs), (int)n);
    for (size_t i = 0; i < n; i++) {
        size_t sl = 0;
        const char *s = cJSON_GetArrayItem(sigs, (int)i)->valuestring;
        if (!verify(cred, scheme, hid, salt, digests + i * h->len, s, &sl))
            fail_msg("signature %zu (%s, %s) does not verify", i, sign_algo, h->name);
        if (want_len)
            assert_int_equal(sl, want_len);
    }
    cJSON_Delete(sigs);
}
