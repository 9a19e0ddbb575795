/* The CSC endpoints through rsspd_service_handle: credentials, approvals
 * (state machine, codes, slow_down, long polling, auto-approve), signHash
 * validation and SAD binding, and real signatures from the token verified
 * with OpenSSL against the certificates. docs/protocol.md "CSC endpoints". */
#define _POSIX_C_SOURCE 200809L

#include "test_svc_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <openssl/rand.h>

#include "commands.h"
#include "base/util/base64.h"

static char at1[64], at2[64]; /* user1, user2 */

static int csc_setup(void **state)
{
    if (tsf_setup(state) != 0)
        return -1;
    tsf_login("user1", at1, NULL);
    tsf_login("user2", at2, NULL);
    return 0;
}

static int csc_setup_auto(int ms)
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

static const char *rsa2048(void)
{
    return tsf_cred("user1", CRPKI_KEY_RSA, 2048)->id;
}

static const char *rsa3072(void)
{
    return tsf_cred("user1", CRPKI_KEY_RSA, 3072)->id;
}

static const char *p256(void)
{
    return tsf_cred("user1", CRPKI_KEY_EC, 256)->id;
}

static const char *user2_cred(void)
{
    return tsf_cred("user2", CRPKI_KEY_RSA, 2048)->id;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void check(const char *access, const char *handle, long wait, tsf_resp *r)
{
    char body[256];
    snprintf(body, sizeof body, "{\"handle\":\"%s\",\"wait\":%ld}", handle, wait);
    tsf_post_json("/csc/v2/credentials/authorizeCheck", access, body, r);
}

static void expect_pending(tsf_resp *r)
{
    if (r->r.status != 202)
        fail_msg("want 202 pending, got %d %s", r->r.status, r->r.body);
    assert_string_equal(tsf_str(r->json, "status"), "pending");
    assert_true(tsf_num(r->json, "expiresIn") > 0);
    assert_true(tsf_num(r->json, "interval") == 1);
    tsf_resp_free(r);
}

/* ---- OpenSSL verification -------------------------------------------------------------- */

static EVP_PKEY *cert_key(const char *cred_id)
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

static int verify(const char *cred_id, alg_sig_scheme scheme, alg_hash_id hash, int salt,
                  const uint8_t *digest, const char *sig_b64, size_t *sig_len)
{
    EVP_PKEY *k = cert_key(cred_id);
    const alg_hash_info *h = alg_hash_by_id(hash);
    const EVP_MD *md = EVP_get_digestbyname(h->name);
    uint8_t sig[1024];
    size_t sl = 0;
    assert_int_equal(b64_decode(sig_b64, strlen(sig_b64), sig, sizeof sig, &sl), 0);
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
static const uint8_t OID_SHA1[] = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
static const uint8_t OID_SHA256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const uint8_t OID_SHA384[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
static const uint8_t OID_MGF1[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};

static size_t algid(uint8_t *o, const uint8_t *oid, size_t ol)
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

static char *pss_params_b64(const uint8_t *h, size_t hl, const uint8_t *m, size_t ml, int salt,
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
    return b64_encode_alloc(der, n + 2);
}

/* signHash that must succeed; returns the signatures array (caller deletes) */
static cJSON *sign_ok(const char *access, const char *body)
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

static void sign_and_verify(const char *cred, const char *hash_oid, alg_hash_id hid,
                            const char *sign_algo, alg_sig_scheme scheme, const char *params,
                            int salt, size_t n, size_t want_len)
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

/* ---- info, credentials -------------------------------------------------------------------- */

static void info_without_token_describes_service_and_limits(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_json("/csc/v2/info", NULL, "{\"lang\":\"ja-JP\"}", &r);
    assert_int_equal(r.r.status, 200);
    assert_string_equal(tsf_str(r.json, "specs"), "2.0.0.0");
    assert_string_equal(tsf_str(r.json, "name"), "crpki-rsspd");
    assert_string_equal(tsf_str(r.json, "region"), "JP");
    assert_string_equal(tsf_str(r.json, "oauth2"), "https://localhost:4443/oauth2");
    assert_true(tsf_num(r.json, "maxSignatures") == 64);
    assert_true(tsf_num(r.json, "approvalExpiresIn") == 120);
    const cJSON *m = cJSON_GetObjectItem(r.json, "methods");
    assert_int_equal(cJSON_GetArraySize(m), 5);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "authType"), 0)->valuestring,
                        "oauth2code");
    tsf_resp_free(&r);
    tsf_call("POST", "/csc/v2/info", NULL, NULL, NULL, NULL, 0, &r); /* empty body = {} */
    assert_int_equal(r.r.status, 200);
    tsf_resp_free(&r);
}

static void info_wrong_typed_lang_or_bad_json_is_invalid_request(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_json("/csc/v2/info", NULL, "{\"lang\":5}", &r);
    tsf_expect_error(&r, 400, "invalid_request", "lang");
    tsf_post_json("/csc/v2/info", NULL, "{\"lang\":\"ja\"", &r);
    tsf_expect_error(&r, 400, "invalid_request", "body");
    tsf_post_json("/csc/v2/info", NULL, "[]", &r);
    tsf_expect_error(&r, 400, "invalid_request", "body");
}

static void credentials_list_returns_only_the_callers_credentials(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/list", at1, "{}", &r);
    assert_int_equal(r.r.status, 200);
    const cJSON *ids = cJSON_GetObjectItem(r.json, "credentialIDs");
    assert_int_equal(cJSON_GetArraySize(ids), 3);
    assert_null(cJSON_GetObjectItem(r.json, "credentialInfos"));
    for (int i = 0; i < 3; i++)
        assert_string_not_equal(cJSON_GetArrayItem(ids, i)->valuestring, user2_cred());
    tsf_resp_free(&r);
    tsf_post_json("/csc/v2/credentials/list", at2, "{}", &r);
    ids = cJSON_GetObjectItem(r.json, "credentialIDs");
    assert_int_equal(cJSON_GetArraySize(ids), 1);
    assert_string_equal(cJSON_GetArrayItem(ids, 0)->valuestring, user2_cred());
    tsf_resp_free(&r);
}

static void credentials_list_max_results_and_cred_info(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/list", at1,
                  "{\"maxResults\":2,\"credInfo\":true,\"certificates\":\"chain\"}", &r);
    assert_int_equal(r.r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "credentialIDs")), 2);
    const cJSON *infos = cJSON_GetObjectItem(r.json, "credentialInfos");
    assert_int_equal(cJSON_GetArraySize(infos), 2);
    const cJSON *i0 = cJSON_GetArrayItem(infos, 0);
    assert_string_equal(
        tsf_str(i0, "credentialID"),
        cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "credentialIDs"), 0)->valuestring);
    const cJSON *certs = cJSON_GetObjectItem(cJSON_GetObjectItem(i0, "cert"), "certificates");
    assert_int_equal(cJSON_GetArraySize(certs), 2);
    tsf_resp_free(&r);
    static const char *const bad[] = {"{\"maxResults\":0}", "{\"maxResults\":1001}",
                                      "{\"maxResults\":\"2\"}", "{\"credInfo\":1}",
                                      "{\"certificates\":\"all\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tsf_post_json("/csc/v2/credentials/list", at1, bad[i], &r);
        tsf_expect_error(&r, 400, "invalid_request", NULL);
    }
}

static void credentials_info_cert_info_has_dn_serial_validity_and_chain(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body,
             "{\"credentialID\":\"%s\",\"certInfo\":true,\"certificates\":\"chain\","
             "\"authInfo\":true}",
             rsa2048());
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/info", at1, body, &r);
    assert_int_equal(r.r.status, 200);
    const cJSON *key = cJSON_GetObjectItem(r.json, "key");
    assert_string_equal(tsf_str(key, "status"), "enabled");
    assert_true(tsf_num(key, "len") == 2048);
    assert_null(cJSON_GetObjectItem(key, "curve"));
    const cJSON *algo = cJSON_GetObjectItem(key, "algo");
    int has_pss = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, algo) has_pss |= strcmp(e->valuestring, "1.2.840.113549.1.1.10") == 0;
    assert_true(has_pss);
    const cJSON *cert = cJSON_GetObjectItem(r.json, "cert");
    assert_string_equal(tsf_str(cert, "status"), "valid");
    assert_non_null(strstr(tsf_str(cert, "subjectDN"), "CN=山田 太郎"));
    assert_non_null(strstr(tsf_str(cert, "subjectDN"), "O=株式会社テスト商事"));
    assert_non_null(strstr(tsf_str(cert, "issuerDN"), "CN=Registrar CA TEST"));
    assert_int_equal(strlen(tsf_str(cert, "validFrom")), 15);
    assert_int_equal(tsf_str(cert, "validTo")[14], 'Z');
    assert_true(strspn(tsf_str(cert, "serialNumber"), "0123456789ABCDEF") ==
                strlen(tsf_str(cert, "serialNumber")));
    assert_string_equal(tsf_str(r.json, "authMode"), "gbizid_app");
    assert_true(tsf_num(r.json, "multisign") == 64);
    assert_non_null(strstr(tsf_str(r.json, "description"), "代表取締役"));
    /* the first certificate is the user's, with the serial reported */
    const cJSON *certs = cJSON_GetObjectItem(cert, "certificates");
    assert_int_equal(cJSON_GetArraySize(certs), 2);
    const char *b = cJSON_GetArrayItem(certs, 0)->valuestring;
    uint8_t der[4096];
    size_t dl;
    assert_int_equal(b64_decode(b, strlen(b), der, sizeof der, &dl), 0);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)dl);
    assert_non_null(x);
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = BN_bn2hex(bn);
    assert_string_equal(hex, tsf_str(cert, "serialNumber"));
    OPENSSL_free(hex);
    BN_free(bn);
    X509_free(x);
    tsf_resp_free(&r);
}

static void credentials_info_ec_key_reports_curve_and_certificates_none(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body, "{\"credentialID\":\"%s\",\"certificates\":\"none\"}", p256());
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/info", at1, body, &r);
    assert_int_equal(r.r.status, 200);
    const cJSON *key = cJSON_GetObjectItem(r.json, "key");
    assert_true(tsf_num(key, "len") == 256);
    assert_string_equal(tsf_str(key, "curve"), "1.2.840.10045.3.1.7");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(key, "algo"), 0)->valuestring,
                        "1.2.840.10045.2.1");
    const cJSON *cert = cJSON_GetObjectItem(r.json, "cert");
    assert_null(cJSON_GetObjectItem(cert, "certificates"));
    assert_null(cJSON_GetObjectItem(cert, "subjectDN")); /* certInfo false */
    tsf_resp_free(&r);
    /* default: single */
    snprintf(body, sizeof body, "{\"credentialID\":\"%s\"}", p256());
    tsf_post_json("/csc/v2/credentials/info", at1, body, &r);
    assert_int_equal(cJSON_GetArraySize(
                         cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "cert"), "certificates")),
                     1);
    tsf_resp_free(&r);
}

static void credentials_info_other_users_credential_looks_missing(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body, "{\"credentialID\":\"%s\"}", user2_cred());
    tsf_resp r, r2;
    tsf_post_json("/csc/v2/credentials/info", at1, body, &r);
    tsf_post_json("/csc/v2/credentials/info", at1, "{\"credentialID\":\"no-such\"}", &r2);
    assert_int_equal(r.r.status, 400);
    assert_int_equal(r.r.body_len, r2.r.body_len);
    assert_memory_equal(r.r.body, r2.r.body, r.r.body_len);
    tsf_expect_error(&r, 400, "invalid_credential", "credentialID");
    tsf_expect_error(&r2, 400, "invalid_credential", "credentialID");
    tsf_post_json("/csc/v2/credentials/info", at1, "{}", &r);
    tsf_expect_error(&r, 400, "invalid_request", "credentialID");
}

/* ---- credentials/authorize ------------------------------------------------------------------- */

#define H32 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define H20 "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define GB  "\"authData\":[{\"id\":\"gbizid_app\"}]"

static void authorize_returns_202_with_code_expiry_and_interval(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char *hj = tsf_hashes_json(d, 1, 32);
    char body[512];
    snprintf(body, sizeof body,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":%s,"
             "\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
             rsa2048(), hj);
    free(hj);
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/authorize", at1, body, &r);
    assert_int_equal(r.r.status, 202);
    assert_int_equal(strlen(tsf_str(r.json, "handle")), 43);
    assert_int_equal(strlen(tsf_str(r.json, "approvalCode")), 4);
    assert_true(tsf_num(r.json, "expiresIn") == 120);
    assert_true(tsf_num(r.json, "interval") == 1);
    tsf_resp_free(&r);
}

static void authorize_body_errors_name_the_field(void **state)
{
    (void)state;
    const char *c = rsa2048();
    struct {
        const char *fmt; /* %s: credential ID, may be absent */
        int status;
        const char *error, *desc;
    } cases[] = {
        {"{\"numSignatures\":1,\"hashes\":[\"" H32 "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB
         "}",
         400, "invalid_request", "credentialID"},
        {"{\"credentialID\":5,\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "credentialID"},
        {"{\"credentialID\":\"%s\",\"hashes\":[\"" H32 "\"],\"hashAlgorithmOID\":\"" SHA256_OID
         "\"," GB "}",
         400, "invalid_request", "numSignatures"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":\"1\",\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "numSignatures"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1.5,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "numSignatures"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":0,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "numSignatures"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":65,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "numSignatures"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB
         "}",
         400, "invalid_request", "hashes"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":\"" H32
         "\",\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "hashes"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[],\"hashAlgorithmOID\":"
         "\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "hashes"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[7],\"hashAlgorithmOID\":"
         "\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "hashes[0]"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"not base64!\"],"
         "\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "hashes[0]"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":2,\"hashes\":[\"" H32
         "\",\"AAAA AAAA\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "hashes[1]"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":["
         "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"],"
         "\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_request", "hashes[0]"}, /* missing padding */
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32 "\"]," GB "}", 400,
         "invalid_request", "hashAlgorithmOID"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":[]," GB "}",
         400, "invalid_request", "hashAlgorithmOID"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\",\"description\":5," GB "}",
         400, "invalid_request", "description"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"}",
         400, "invalid_request", "authData"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\",\"authData\":[]}",
         400, "invalid_request", "authData"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\",\"authData\":[{\"id\":\"pin\"}]}",
         400, "invalid_request", "authData"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\",\"authData\":[\"gbizid_app\"]}",
         400, "invalid_request", "authData"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\",\"authData\":{\"id\":\"gbizid_app\"}}",
         400, "invalid_request", "authData"},
        {"{\"credentialID\":\"no-such\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_credential", "credentialID"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"1.2.840.113549.2.5\"," GB "}",
         400, "unsupported_algorithm", "MD5"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"1.2.3.4\"," GB "}",
         400, "unsupported_algorithm", "hashAlgorithmOID"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H20
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_hash", "hashes[0]"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":2,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_hash", "numSignatures"},
        {"{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32 "\",\"" H32
         "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
         400, "invalid_hash", "numSignatures"},
        {"{\"credentialID\":\"%s\"", 400, "invalid_request", "body"},
        {"{\"credentialID\":\"%s\"} x", 400, "invalid_request", "body"},
        {"{\"credentialID\":\"%s\",\"credentialID\":\"%s\"}", 400, "invalid_request", "duplicate"},
        {"[\"%s\"]", 400, "invalid_request", "body"},
        {"", 400, "invalid_request", "body"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[1024];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
        snprintf(body, sizeof body, cases[i].fmt, c, c);
#pragma GCC diagnostic pop
        tsf_resp r;
        tsf_post_json("/csc/v2/credentials/authorize", at1, body, &r);
        if (r.r.status != cases[i].status)
            fail_msg("case %zu: %s -> %d %s", i, body, r.r.status, r.r.body);
        tsf_expect_error(&r, cases[i].status, cases[i].error, cases[i].desc);
    }
    /* user2's credential is indistinguishable from a missing one */
    char body[512];
    snprintf(body, sizeof body,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
             "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
             user2_cred());
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/authorize", at1, body, &r);
    tsf_expect_error(&r, 400, "invalid_credential", "credentialID: unknown credential");
    /* not JSON content type */
    tsf_call("POST", "/csc/v2/credentials/authorize", NULL, NULL, "text/plain", "{}", 2, &r);
    tsf_expect_error(&r, 401, "invalid_token", NULL); /* auth comes first */
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", at1);
    tsf_call("POST", "/csc/v2/credentials/authorize", NULL, auth, "text/plain", "{}", 2, &r);
    tsf_expect_error(&r, 400, "invalid_request", "Content-Type");
}

static void authorize_description_limit_is_256_bytes(void **state)
{
    (void)state;
    char desc[300] = "";
    for (int i = 0; i < 85; i++)
        strcat(desc, "あ"); /* 255 bytes */
    strcat(desc, "a");
    char body[1024];
    snprintf(body, sizeof body,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
             "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\",\"description\":\"%s\"," GB "}",
             rsa2048(), desc);
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/authorize", at1, body, &r);
    assert_int_equal(r.r.status, 202);
    tsf_resp_free(&r);
    snprintf(body, sizeof body,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
             "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\",\"description\":\"%sb\"," GB "}",
             rsa2048(), desc);
    tsf_post_json("/csc/v2/credentials/authorize", at1, body, &r);
    tsf_expect_error(&r, 400, "invalid_request", "description");
}

static void oversized_field_values_are_refused_without_crashing(void **state)
{
    (void)state;
    size_t big = 900 * 1024;
    char *s = malloc(big + 1);
    memset(s, 'A', big);
    s[big] = '\0';
    size_t blen = big + 512;
    char *body = malloc(blen);
    /* a 900 KB credential ID */
    snprintf(body, blen,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
             "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
             s);
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/authorize", at1, body, &r);
    tsf_expect_error(&r, 400, "invalid_credential", NULL);
    /* a 900 KB hash (valid base64) */
    snprintf(body, blen,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"%s\"],"
             "\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
             rsa2048(), s);
    tsf_post_json("/csc/v2/credentials/authorize", at1, body, &r);
    tsf_expect_error(&r, 400, "invalid_hash", NULL);
    /* a 900 KB description and handle */
    snprintf(body, blen,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"" H32
             "\"],\"hashAlgorithmOID\":\"" SHA256_OID "\",\"description\":\"%s\"," GB "}",
             rsa2048(), s);
    tsf_post_json("/csc/v2/credentials/authorize", at1, body, &r);
    tsf_expect_error(&r, 400, "invalid_request", "description");
    snprintf(body, blen, "{\"handle\":\"%s\"}", s);
    tsf_post_json("/csc/v2/credentials/authorizeCheck", at1, body, &r);
    tsf_expect_error(&r, 400, "invalid_request", "handle");
    /* 20000 hashes */
    size_t n = 20000, pos = 0; /* 940 KB, under the 1 MiB limit */
    char *b2 = malloc(n * 48 + 512);
    pos +=
        (size_t)sprintf(b2, "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[", rsa2048());
    for (size_t i = 0; i < n; i++)
        pos += (size_t)sprintf(b2 + pos, "%s\"" H32 "\"", i ? "," : "");
    sprintf(b2 + pos, "],\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}");
    tsf_post_json("/csc/v2/credentials/authorize", at1, b2, &r);
    tsf_expect_error(&r, 400, "invalid_hash", NULL);
    /* deep nesting */
    memset(b2, '[', 100000);
    b2[0] = '{';
    memcpy(b2 + 1, "\"a\":", 4);
    b2[100000] = '\0';
    tsf_post_json("/csc/v2/credentials/authorize", at1, b2, &r);
    tsf_expect_error(&r, 400, "invalid_request", "body");
    free(b2);
    free(body);
    free(s);
}

static void approval_codes_are_unique_among_pending(void **state)
{
    (void)state;
    enum { N = 80 };
    char codes[N][5];
    for (int i = 0; i < N; i++) {
        uint8_t d[32];
        tsf_random(d, sizeof d);
        char handle[64];
        tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, codes[i]);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(codes[i], codes[k]);
    }
}

/* ---- authorizeCheck -----------------------------------------------------------------------------
 */

static void check_pending_then_slow_down_when_polled_faster_than_interval(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    tsf_resp r;
    check(at1, handle, 0, &r);
    expect_pending(&r);
    tsf_clock_advance(999);
    check(at1, handle, 0, &r);
    tsf_expect_error(&r, 400, "slow_down", NULL);
    tsf_clock_advance(1); /* interval since the last answered check */
    check(at1, handle, 0, &r);
    expect_pending(&r);
    /* no "wait" member means 0 */
    char body[128];
    snprintf(body, sizeof body, "{\"handle\":\"%s\"}", handle);
    tsf_post_json("/csc/v2/credentials/authorizeCheck", at1, body, &r);
    tsf_expect_error(&r, 400, "slow_down", NULL);
}

static void check_body_errors_and_unknown_or_foreign_handle(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    tsf_resp r, r2;
    check(at2, handle, 0, &r); /* user2 checks user1's handle */
    check(at1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, &r2);
    assert_int_equal(r.r.body_len, r2.r.body_len);
    assert_memory_equal(r.r.body, r2.r.body, r.r.body_len);
    tsf_expect_error(&r, 400, "invalid_request", "handle");
    tsf_expect_error(&r2, 400, "invalid_request", "handle");
    char body[256];
    static const char *const bad[] = {
        "{\"handle\":\"%s\",\"wait\":31}", "{\"handle\":\"%s\",\"wait\":-1}",
        "{\"handle\":\"%s\",\"wait\":\"5\"}", "{\"wait\":1}", "{\"handle\":7}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
        snprintf(body, sizeof body, bad[i], handle);
#pragma GCC diagnostic pop
        tsf_post_json("/csc/v2/credentials/authorizeCheck", at1, body, &r);
        tsf_expect_error(&r, 400, "invalid_request",
                         strstr(bad[i], "wait\":") && strstr(bad[i], "handle") ? "wait" : "handle");
    }
}

static void denied_approval_checks_access_denied_and_cannot_be_decided_again(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    assert_int_equal(tsf_admin("deny", code), 0);
    tsf_resp r;
    check(at1, handle, 0, &r);
    tsf_expect_error(&r, 400, "access_denied", NULL);
    check(at1, handle, 5, &r); /* answered at once, not held */
    tsf_expect_error(&r, 400, "access_denied", NULL);
    assert_int_equal(tsf_admin("approve", code), 3);
    assert_int_equal(tsf_admin("deny", code), 3);
}

static void approval_expires_after_approval_ttl(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    tsf_clock_advance(119 * 1000);
    tsf_resp r;
    check(at1, handle, 0, &r);
    assert_true(tsf_num(r.json, "expiresIn") == 1);
    expect_pending(&r);
    tsf_clock_advance(1000);
    check(at1, handle, 0, &r);
    tsf_expect_error(&r, 400, "expired_token", NULL);
}

static void approved_check_returns_same_sad_until_used_then_consumed(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5], sad1[64], sad2[64];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    assert_int_equal(tsf_admin("approve", code), 0);
    assert_int_equal(tsf_admin("approve", code), 3); /* no longer pending */
    tsf_resp r;
    check(at1, handle, 0, &r);
    assert_int_equal(r.r.status, 200);
    assert_true(tsf_num(r.json, "expiresIn") == 60);
    snprintf(sad1, sizeof sad1, "%s", tsf_str(r.json, "SAD"));
    tsf_resp_free(&r);
    tsf_clock_advance(10 * 1000);
    check(at1, handle, 0, &r); /* no slow_down once approved */
    assert_int_equal(r.r.status, 200);
    assert_true(tsf_num(r.json, "expiresIn") == 50);
    snprintf(sad2, sizeof sad2, "%s", tsf_str(r.json, "SAD"));
    tsf_resp_free(&r);
    assert_string_equal(sad1, sad2);
    char *body =
        tsf_sign_body(rsa2048(), sad1, d, 1, 32, SHA256_OID, "1.2.840.113549.1.1.11", NULL);
    cJSON_Delete(sign_ok(at1, body));
    free(body);
    check(at1, handle, 0, &r);
    tsf_expect_error(&r, 400, "invalid_request", "consumed");
}

static void sad_expires_after_sad_ttl(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5], sad[64];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    assert_int_equal(tsf_admin("approve", code), 0);
    tsf_get_sad(at1, handle, 0, sad);
    tsf_clock_advance(60 * 1000 + 1000);
    char *body = tsf_sign_body(rsa2048(), sad, d, 1, 32, SHA256_OID, "1.2.840.113549.1.1.11", NULL);
    tsf_resp r;
    tsf_post_json("/csc/v2/signatures/signHash", at1, body, &r);
    free(body);
    tsf_expect_error(&r, 400, "invalid_sad", "expired");
    check(at1, handle, 0, &r);
    tsf_expect_error(&r, 400, "expired_token", NULL);
}

typedef struct {
    const char *verb;
    char code[5];
    long delay_ms;
    double at; /* when the decision was written */
    int rc;
    int shutdown;
    int64_t advance_ms;
} actor;

static void *actor_main(void *p)
{
    actor *a = p;
    sleep_ms(a->delay_ms);
    if (a->shutdown) {
        a->at = mono_s();
        rsspd_service_shutdown(tsf_svc);
    } else if (a->advance_ms) {
        a->at = mono_s();
        tsf_clock_advance(a->advance_ms);
    } else {
        a->rc = tsf_admin_cli(a->verb, a->code); /* the real command, its own connection */
        a->at = mono_s();
    }
    return NULL;
}

static void long_poll_answers_promptly_when_the_app_approves(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64];
    actor a = {.verb = "approve", .delay_ms = 300};
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, a.code);
    pthread_t th;
    double t0 = mono_s();
    assert_int_equal(pthread_create(&th, NULL, actor_main, &a), 0);
    tsf_resp r;
    check(at1, handle, 10, &r);
    double t1 = mono_s();
    pthread_join(th, NULL);
    assert_int_equal(a.rc, 0);
    assert_int_equal(r.r.status, 200);
    assert_non_null(tsf_str(r.json, "SAD"));
    tsf_resp_free(&r);
    double lag = t1 - a.at;
    printf("long poll: approved at +%.0f ms, answered at +%.0f ms (lag %.1f ms)\n",
           (a.at - t0) * 1e3, (t1 - t0) * 1e3, lag * 1e3);
    assert_true(t1 - t0 < 2.0);
    if (lag > 0.1) /* 25 ms poll period; generous for sanitizers and loaded machines */
        fail_msg("long poll answered %.0f ms after the approval", lag * 1e3);
}

static void long_poll_answers_access_denied_when_the_app_denies(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64];
    actor a = {.verb = "deny", .delay_ms = 200};
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, a.code);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, actor_main, &a), 0);
    tsf_resp r;
    check(at1, handle, 10, &r);
    double t1 = mono_s();
    pthread_join(th, NULL);
    assert_int_equal(a.rc, 0);
    assert_true(t1 - a.at < 0.1);
    tsf_expect_error(&r, 400, "access_denied", NULL);
}

static void long_poll_answers_expired_token_when_the_approval_expires(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    actor a = {.delay_ms = 200, .advance_ms = 120 * 1000};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, actor_main, &a), 0);
    tsf_resp r;
    check(at1, handle, 10, &r);
    double t1 = mono_s();
    pthread_join(th, NULL);
    assert_true(t1 - a.at < 0.1);
    tsf_expect_error(&r, 400, "expired_token", NULL);
}

static void long_poll_without_change_answers_pending_after_wait(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    double t0 = mono_s();
    tsf_resp r;
    check(at1, handle, 1, &r);
    double el = mono_s() - t0;
    expect_pending(&r);
    assert_true(el >= 0.95 && el < 1.5);
}

static void long_poll_returns_at_once_on_shutdown(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    actor a = {.delay_ms = 200, .shutdown = 1};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, actor_main, &a), 0);
    tsf_resp r;
    check(at1, handle, 30, &r);
    double t1 = mono_s();
    pthread_join(th, NULL);
    assert_true(t1 - a.at < 0.1);
    expect_pending(&r);
}

static void auto_approve_approves_ms_after_authorize(void **state)
{
    (void)state;
    tsf_teardown(state);
    assert_int_equal(csc_setup_auto(1500), 0);
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5], sad[64];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    tsf_resp r;
    check(at1, handle, 0, &r);
    expect_pending(&r);
    tsf_clock_advance(1500);
    check(at1, handle, 0, &r);
    assert_int_equal(r.r.status, 200);
    assert_true(tsf_num(r.json, "expiresIn") == 60);
    snprintf(sad, sizeof sad, "%s", tsf_str(r.json, "SAD"));
    tsf_resp_free(&r);
    assert_int_equal(tsf_admin("deny", code), 3); /* already approved */
    char *body = tsf_sign_body(rsa2048(), sad, d, 1, 32, SHA256_OID, "1.2.840.113549.1.1.11", NULL);
    cJSON_Delete(sign_ok(at1, body));
    free(body);
}

static void auto_approve_zero_approves_at_once_and_app_can_deny_before(void **state)
{
    (void)state;
    tsf_teardown(state);
    assert_int_equal(csc_setup_auto(0), 0);
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5], sad[64];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    tsf_get_sad(at1, handle, 0, sad);
    tsf_teardown(state);
    assert_int_equal(csc_setup_auto(5000), 0);
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    assert_int_equal(tsf_admin("deny", code), 0);
    tsf_clock_advance(5000);
    tsf_resp r;
    check(at1, handle, 0, &r);
    tsf_expect_error(&r, 400, "access_denied", NULL);
}

static void pending_approval_survives_restart_and_signs(void **state)
{
    (void)state;
    uint8_t d[32];
    tsf_random(d, sizeof d);
    char handle[64], code[5], sad[64];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
    tsf_restart();
    assert_int_equal(tsf_admin("approve", code), 0);
    tsf_get_sad(at1, handle, 0, sad);
    tsf_restart();
    char sad2[64];
    tsf_get_sad(at1, handle, 0, sad2);
    assert_string_equal(sad, sad2);
    char *body = tsf_sign_body(rsa2048(), sad, d, 1, 32, SHA256_OID, "1.2.840.113549.1.1.11", NULL);
    cJSON_Delete(sign_ok(at1, body));
    free(body);
}

static void admin_commands_exit_codes(void **state)
{
    (void)state;
    char *bad_code[] = {"approve", "--dir", (char *)tsf_dir, "--code", "12a4", NULL};
    assert_int_equal(rsspd_cmd_approve(5, bad_code), 2);
    char *no_dir[] = {"deny", "--code", "1234", NULL};
    assert_int_equal(rsspd_cmd_deny(3, no_dir), 2);
    char *unknown[] = {"pending", "--dir", (char *)tsf_dir, "--bogus", NULL};
    assert_int_equal(rsspd_cmd_pending(4, unknown), 2);
    char *not_dir[] = {"audit", "--dir", "/nonexistent/rsspd", NULL};
    assert_int_equal(rsspd_cmd_audit(3, not_dir), 1);
    char *help[] = {"audit", "--help", NULL};
    assert_int_equal(rsspd_cmd_audit(2, help), 0);
    char *pend[] = {"pending", "--dir", (char *)tsf_dir, "--json", NULL};
    assert_int_equal(rsspd_cmd_pending(4, pend), 0);
    /* no approval pending: every code exits 3 */
    assert_int_equal(tsf_admin("approve", "0000"), 3);
    assert_int_equal(tsf_admin("deny", "9999"), 3);
}

/* ---- signHash
 * ------------------------------------------------------------------------------------ */

static void rsa2048_pkcs1_sha256_signature_verifies(void **state)
{
    (void)state;
    sign_and_verify(rsa2048(), SHA256_OID, CRPKI_HASH_SHA256, "1.2.840.113549.1.1.11",
                    CRPKI_PAD_PKCS1, NULL, 0, 1, 256);
    /* signAlgo implies the hash: hashAlgorithmOID may be left out */
    sign_and_verify(rsa2048(), NULL, CRPKI_HASH_SHA256, "1.2.840.113549.1.1.11", CRPKI_PAD_PKCS1,
                    NULL, 0, 1, 256);
    /* rsaEncryption: DigestInfo of hashAlgorithmOID */
    sign_and_verify(rsa2048(), SHA256_OID, CRPKI_HASH_SHA256, "1.2.840.113549.1.1.1",
                    CRPKI_PAD_PKCS1, NULL, 0, 1, 256);
    sign_and_verify(rsa2048(), SHA1_OID, CRPKI_HASH_SHA1, "1.2.840.113549.1.1.5", CRPKI_PAD_PKCS1,
                    NULL, 0, 1, 256);
}

static void rsa2048_pss_sha256_signature_verifies(void **state)
{
    (void)state;
    char *p = pss_params_b64(OID_SHA256, sizeof OID_SHA256, OID_SHA256, sizeof OID_SHA256, 32, 1);
    sign_and_verify(rsa2048(), SHA256_OID, CRPKI_HASH_SHA256, "1.2.840.113549.1.1.10",
                    CRPKI_PAD_PSS, p, 32, 2, 256);
    free(p);
    /* the largest salt the key allows: 256 - 32 - 2 */
    p = pss_params_b64(OID_SHA256, sizeof OID_SHA256, OID_SHA256, sizeof OID_SHA256, 222, -1);
    sign_and_verify(rsa2048(), SHA256_OID, CRPKI_HASH_SHA256, "1.2.840.113549.1.1.10",
                    CRPKI_PAD_PSS, p, 222, 1, 256);
    free(p);
}

static void rsa3072_pss_sha384_and_pkcs1_sha512_signatures_verify(void **state)
{
    (void)state;
    char *p = pss_params_b64(OID_SHA384, sizeof OID_SHA384, OID_SHA384, sizeof OID_SHA384, 48, 1);
    sign_and_verify(rsa3072(), SHA384_OID, CRPKI_HASH_SHA384, "1.2.840.113549.1.1.10",
                    CRPKI_PAD_PSS, p, 48, 1, 384);
    free(p);
    sign_and_verify(rsa3072(), SHA512_OID, CRPKI_HASH_SHA512, "1.2.840.113549.1.1.13",
                    CRPKI_PAD_PKCS1, NULL, 0, 1, 384);
}

static void ecdsa_p256_sha256_der_signature_verifies(void **state)
{
    (void)state;
    sign_and_verify(p256(), SHA256_OID, CRPKI_HASH_SHA256, "1.2.840.10045.4.3.2", CRPKI_PAD_ECDSA,
                    NULL, 0, 3, 0);
    sign_and_verify(p256(), SHA384_OID, CRPKI_HASH_SHA384, "1.2.840.10045.2.1", CRPKI_PAD_ECDSA,
                    NULL, 0, 1, 0);
}

typedef struct {
    size_t n;
    char handle[64];
    const char *algo;
} audit_ctx;

static void count_audit(void *vctx, const store_audit_row *row)
{
    audit_ctx *c = vctx;
    if (strcmp(row->approval_handle, c->handle) == 0) {
        assert_string_equal(row->user_id, "user1");
        assert_string_equal(row->sign_algo, c->algo);
        c->n++;
    }
}

static void batch_signatures_keep_order_and_write_one_audit_row_each(void **state)
{
    (void)state;
    uint8_t d[3 * 32];
    tsf_random(d, sizeof d);
    audit_ctx ac = {0, "", "1.2.840.113549.1.1.11"};
    char code[5], sad[64];
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 3, 32, ac.handle, code);
    assert_int_equal(tsf_admin("approve", code), 0);
    tsf_get_sad(at1, ac.handle, 0, sad);
    char *body = tsf_sign_body(rsa2048(), sad, d, 3, 32, SHA256_OID, ac.algo, NULL);
    cJSON *sigs = sign_ok(at1, body);
    free(body);
    for (int i = 0; i < 3; i++)
        assert_true(verify(rsa2048(), CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, d + i * 32,
                           cJSON_GetArrayItem(sigs, i)->valuestring, NULL));
    cJSON_Delete(sigs);
    assert_int_equal(store_audit_list(tsf_svc->st, count_audit, &ac), STORE_OK);
    assert_int_equal(ac.n, 3);
}

static void sign_hash_errors_do_not_consume_the_sad(void **state)
{
    (void)state;
    uint8_t d[2 * 32], other[2 * 32], swapped[2 * 32];
    tsf_random(d, sizeof d);
    tsf_random(other, sizeof other);
    memcpy(swapped, d + 32, 32);
    memcpy(swapped + 32, d, 32);
    char sad[64];
    tsf_approved_sad(at1, rsa2048(), SHA256_OID, d, 2, 32, sad);
    const char *rsa = rsa2048();
    const char *S256 = "1.2.840.113549.1.1.11";
    char *pss_ok =
        pss_params_b64(OID_SHA256, sizeof OID_SHA256, OID_SHA256, sizeof OID_SHA256, 32, 1);
    char *pss_mgf_sha1 =
        pss_params_b64(OID_SHA256, sizeof OID_SHA256, OID_SHA1, sizeof OID_SHA1, 32, 1);
    char *pss_big_salt =
        pss_params_b64(OID_SHA256, sizeof OID_SHA256, OID_SHA256, sizeof OID_SHA256, 223, 1);
    char *pss_trailer2 =
        pss_params_b64(OID_SHA256, sizeof OID_SHA256, OID_SHA256, sizeof OID_SHA256, 32, 2);
    char *pss_sha384 =
        pss_params_b64(OID_SHA384, sizeof OID_SHA384, OID_SHA384, sizeof OID_SHA384, 32, 1);
    uint8_t short_hash[2 * 20] = {0};
    struct {
        const char *access, *cred, *sad;
        const uint8_t *hashes;
        size_t n, hlen;
        const char *hash_oid, *algo, *params;
        const char *error, *desc;
    } cases[] = {
        {at1, "no-such", sad, d, 2, 32, SHA256_OID, S256, NULL, "invalid_credential", NULL},
        {at1, user2_cred(), sad, d, 2, 32, SHA256_OID, S256, NULL, "invalid_credential", NULL},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.3.4", NULL, "unsupported_algorithm", "signAlgo"},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.10045.4.3.2", NULL, "unsupported_algorithm",
         "signAlgo"},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.4", NULL, "unsupported_algorithm",
         "signAlgo"}, /* md5WithRSAEncryption */
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.5", NULL, "unsupported_algorithm",
         "implies"},
        {at1, rsa, sad, d, 2, 32, MD5_OID, "1.2.840.113549.1.1.1", NULL, "unsupported_algorithm",
         "MD5"},
        {at1, rsa, sad, d, 2, 32, NULL, "1.2.840.113549.1.1.1", NULL, "invalid_request",
         "hashAlgorithmOID"},
        {at1, rsa, sad, short_hash, 2, 20, SHA256_OID, S256, NULL, "invalid_hash", "hashes[0]"},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.10", NULL, "invalid_request",
         "signAlgoParams"},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.10", "!!!!", "invalid_request",
         "signAlgoParams"},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.10",
         "MAA=", "unsupported_algorithm", "signAlgoParams"}, /* SEQUENCE {}: all defaults, SHA-1 */
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.10", "AAAA", "invalid_request",
         "signAlgoParams"},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.10", pss_mgf_sha1,
         "unsupported_algorithm", "MGF1"},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.10", pss_sha384,
         "unsupported_algorithm", "signAlgoParams"},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.10", pss_big_salt,
         "invalid_request", "salt"},
        {at1, rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.10", pss_trailer2,
         "invalid_request", "trailer"},
        {at1, rsa, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", d, 2, 32, SHA256_OID, S256, NULL,
         "invalid_sad", NULL},
        {at1, rsa, sad, other, 2, 32, SHA256_OID, S256, NULL, "invalid_sad", "hashes"},
        {at1, rsa, sad, swapped, 2, 32, SHA256_OID, S256, NULL, "invalid_sad", "hashes"},
        {at1, rsa, sad, d, 1, 32, SHA256_OID, S256, NULL, "invalid_sad", "hashes"},
        {at1, rsa3072(), sad, d, 2, 32, SHA256_OID, S256, NULL, "invalid_sad", "credential"},
        {at1, p256(), sad, d, 2, 32, SHA256_OID, "1.2.840.10045.4.3.2", NULL, "invalid_sad",
         "credential"},
        {at2, user2_cred(), sad, d, 2, 32, SHA256_OID, S256, NULL, "invalid_sad", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *body =
            tsf_sign_body(cases[i].cred, cases[i].sad, cases[i].hashes, cases[i].n, cases[i].hlen,
                          cases[i].hash_oid, cases[i].algo, cases[i].params);
        tsf_resp r;
        tsf_post_json("/csc/v2/signatures/signHash", cases[i].access, body, &r);
        free(body);
        if (r.r.status != 400 || strcmp(tsf_str(r.json, "error"), cases[i].error) != 0)
            fail_msg("case %zu: want %s, got %d %s", i, cases[i].error, r.r.status, r.r.body);
        tsf_expect_error(&r, 400, cases[i].error, cases[i].desc);
    }
    /* missing fields */
    static const char *const missing[] = {"credentialID", "SAD", "hashes", "signAlgo"};
    for (size_t i = 0; i < 4; i++) {
        char *body = tsf_sign_body(rsa, sad, d, 2, 32, SHA256_OID, S256, NULL);
        cJSON *j = cJSON_Parse(body);
        free(body);
        cJSON_DeleteItemFromObject(j, missing[i]);
        body = cJSON_PrintUnformatted(j);
        cJSON_Delete(j);
        tsf_resp r;
        tsf_post_json("/csc/v2/signatures/signHash", at1, body, &r);
        free(body);
        tsf_expect_error(&r, 400, "invalid_request", missing[i]);
    }
    /* after all these failures the SAD still signs, once, with PSS */
    char *body = tsf_sign_body(rsa, sad, d, 2, 32, SHA256_OID, "1.2.840.113549.1.1.10", pss_ok);
    cJSON *sigs = sign_ok(at1, body);
    assert_true(verify(rsa, CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32, d + 32,
                       cJSON_GetArrayItem(sigs, 1)->valuestring, NULL));
    cJSON_Delete(sigs);
    tsf_resp r;
    tsf_post_json("/csc/v2/signatures/signHash", at1, body, &r);
    tsf_expect_error(&r, 400, "invalid_sad", "already used");
    free(body);
    free(pss_ok);
    free(pss_mgf_sha1);
    free(pss_big_salt);
    free(pss_trailer2);
    free(pss_sha384);
}

/* ---- concurrency
 * ----------------------------------------------------------------------------------- */

#define NTHREADS 8
#define NROUNDS  4

typedef struct {
    const char *access, *cred;
    int failures;
    char why[256];
} worker;

static cJSON *raw_post(const char *path, const char *access, const char *body, int *status)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", access);
    rsspd_request req = {"POST",      path, NULL, auth, "application/json", (const uint8_t *)body,
                         strlen(body)};
    rsspd_response rsp;
    rsspd_service_handle(tsf_svc, &req, &rsp);
    *status = rsp.status;
    cJSON *j = rsp.body ? cJSON_ParseWithLength(rsp.body, rsp.body_len) : NULL;
    rsspd_response_free(&rsp);
    return j;
}

static void *worker_main(void *p)
{
    worker *w = p;
    for (int round = 0; round < NROUNDS; round++) {
        uint8_t d[32];
        RAND_bytes(d, sizeof d); /* no cmocka asserts outside the main thread */
        char *b = b64_encode_alloc(d, 32);
        char body[512];
        snprintf(body, sizeof body,
                 "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"%s\"],"
                 "\"hashAlgorithmOID\":\"" SHA256_OID "\"," GB "}",
                 w->cred, b);
        int st;
        cJSON *j = raw_post("/csc/v2/credentials/authorize", w->access, body, &st);
        const char *h = j ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "handle")) : NULL;
        if (st != 202 || !h) {
            snprintf(w->why, sizeof w->why, "authorize %d", st);
            w->failures++;
            cJSON_Delete(j);
            free(b);
            continue;
        }
        snprintf(body, sizeof body, "{\"handle\":\"%s\",\"wait\":5}", h);
        cJSON_Delete(j);
        j = raw_post("/csc/v2/credentials/authorizeCheck", w->access, body, &st);
        const char *sad = j ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "SAD")) : NULL;
        if (st != 200 || !sad) {
            snprintf(w->why, sizeof w->why, "check %d", st);
            w->failures++;
            cJSON_Delete(j);
            free(b);
            continue;
        }
        snprintf(body, sizeof body,
                 "{\"credentialID\":\"%s\",\"SAD\":\"%s\",\"hashes\":[\"%s\"],"
                 "\"signAlgo\":\"1.2.840.113549.1.1.11\"}",
                 w->cred, sad, b);
        cJSON_Delete(j);
        free(b);
        j = raw_post("/csc/v2/signatures/signHash", w->access, body, &st);
        if (st != 200) {
            snprintf(w->why, sizeof w->why, "signHash %d", st);
            w->failures++;
        }
        cJSON_Delete(j);
    }
    return NULL;
}

static void concurrent_requests_from_many_threads_all_succeed(void **state)
{
    (void)state;
    tsf_teardown(state);
    assert_int_equal(csc_setup_auto(100), 0);
    pthread_t th[NTHREADS];
    worker w[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        w[i] = (worker){i % 2 ? at1 : at2, i % 2 ? rsa2048() : user2_cred(), 0, ""};
        assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    /* the fake clock moves for auto-approval meanwhile */
    for (int k = 0; k < 40; k++) {
        sleep_ms(25);
        tsf_clock_advance(100);
    }
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        if (w[i].failures)
            fail_msg("worker %d: %d failures (%s)", i, w[i].failures, w[i].why);
    }
}

#define T(f) cmocka_unit_test_setup_teardown(f, csc_setup, tsf_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(info_without_token_describes_service_and_limits),
        T(info_wrong_typed_lang_or_bad_json_is_invalid_request),
        T(credentials_list_returns_only_the_callers_credentials),
        T(credentials_list_max_results_and_cred_info),
        T(credentials_info_cert_info_has_dn_serial_validity_and_chain),
        T(credentials_info_ec_key_reports_curve_and_certificates_none),
        T(credentials_info_other_users_credential_looks_missing),
        T(authorize_returns_202_with_code_expiry_and_interval),
        T(authorize_body_errors_name_the_field),
        T(authorize_description_limit_is_256_bytes),
        T(oversized_field_values_are_refused_without_crashing),
        T(approval_codes_are_unique_among_pending),
        T(check_pending_then_slow_down_when_polled_faster_than_interval),
        T(check_body_errors_and_unknown_or_foreign_handle),
        T(denied_approval_checks_access_denied_and_cannot_be_decided_again),
        T(approval_expires_after_approval_ttl),
        T(approved_check_returns_same_sad_until_used_then_consumed),
        T(sad_expires_after_sad_ttl),
        T(long_poll_answers_promptly_when_the_app_approves),
        T(long_poll_answers_access_denied_when_the_app_denies),
        T(long_poll_answers_expired_token_when_the_approval_expires),
        T(long_poll_without_change_answers_pending_after_wait),
        T(long_poll_returns_at_once_on_shutdown),
        T(auto_approve_approves_ms_after_authorize),
        T(auto_approve_zero_approves_at_once_and_app_can_deny_before),
        T(pending_approval_survives_restart_and_signs),
        T(admin_commands_exit_codes),
        T(rsa2048_pkcs1_sha256_signature_verifies),
        T(rsa2048_pss_sha256_signature_verifies),
        T(rsa3072_pss_sha384_and_pkcs1_sha512_signatures_verify),
        T(ecdsa_p256_sha256_der_signature_verifies),
        T(batch_signatures_keep_order_and_write_one_audit_row_each),
        T(sign_hash_errors_do_not_consume_the_sad),
        T(concurrent_requests_from_many_threads_all_succeed),
    };
    return cmocka_run_group_tests_name("rsspd csc", tests, tsf_group_setup, tsf_group_teardown);
}
