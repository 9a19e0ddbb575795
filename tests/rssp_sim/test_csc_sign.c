/* The CSC endpoints through rsspd_service_handle: signHash validation and
 * SAD binding, real signatures from the token verified with OpenSSL against
 * the certificates, concurrency. docs/protocol.md "signatures/signHash". */
#define _POSIX_C_SOURCE 200809L

#include "test_csc_common.h"

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
        char *b = base64_encode_alloc(d, 32);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(rsa2048_pkcs1_sha256_signature_verifies),
        T(rsa2048_pss_sha256_signature_verifies),
        T(rsa3072_pss_sha384_and_pkcs1_sha512_signatures_verify),
        T(ecdsa_p256_sha256_der_signature_verifies),
        T(batch_signatures_keep_order_and_write_one_audit_row_each),
        T(sign_hash_errors_do_not_consume_the_sad),
        T(concurrent_requests_from_many_threads_all_succeed),
    };
    return cmocka_run_group_tests_name("rsspd csc: signHash", tests, tsf_group_setup,
                                       tsf_group_teardown);
}
