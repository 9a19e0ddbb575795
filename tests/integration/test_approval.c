/* Approvals and SADs: authorize / authorizeCheck / signHash error paths,
 * long polling, slow_down, expiry. docs/protocol.md
 * "credentials/authorize", "credentials/authorizeCheck". */
#include "harness.h"

#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA256_OID "2.16.840.1.101.3.4.2.1"
#define SHA384_OID "2.16.840.1.101.3.4.2.2"
#define MD5_OID    "1.2.840.113549.2.5"
#define SHA256_RSA "1.2.840.113549.1.1.11"
#define SHA384_RSA "1.2.840.113549.1.1.12"

static h_tokens tok1, tok2;

static int teardown(void **state)
{
    h_tokens_free(&tok1);
    h_tokens_free(&tok2);
    return h_group_teardown(state);
}

static const char *t1(void)
{
    if (!tok1.access)
        h_login_ok("user1", &tok1);
    return tok1.access;
}

static const char *t2(void)
{
    if (!tok2.access)
        h_login_ok("user2", &tok2);
    return tok2.access;
}

static const h_cred *cred(const char *user, alg_key_type kt)
{
    const h_user *u = h_user_by_id(user);
    for (size_t i = 0; i < u->ncreds; i++)
        if (u->creds[i].key_type == kt)
            return &u->creds[i];
    fail_msg("no credential of that key type");
    return NULL;
}

static const char *rsa1(void)
{
    return cred("user1", CRPKI_KEY_RSA)->id;
}

/* authorize + approve by code + SAD */
static char *approved_sad(const char *bearer, const char *cred_id, const char *hash_oid,
                          const uint8_t *hashes, size_t n, size_t len, h_approval *a)
{
    h_authorize_ok(bearer, cred_id, hash_oid, hashes, n, len, a);
    int rc = h_approve(a->code);
    if (rc != 0)
        fail_msg("approve --code %s exited %d", a->code, rc);
    return h_wait_sad_ok(bearer, a->handle);
}

static void authorize_returns_202_with_code_expiry_interval_and_is_pending(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    assert_int_equal(a.expires_in, 120);
    assert_int_equal(a.interval, 1);
    cJSON *p = h_pending_json();
    if (!p)
        fail_msg("pending --json did not print JSON");
    if (!h_json_has_string(p, a.code)) {
        char *s = cJSON_PrintUnformatted(p);
        fail_msg("pending --json does not list code %s: %.1000s", a.code, s);
    }
    cJSON_Delete(p);
    h_resp r;
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_STATUS(&r, 202);
    const char *st = h_jstr(r.json, "status");
    if (!st || strcmp(st, "pending") != 0 || h_jnum(r.json, "expiresIn", -1) <= 0 ||
        h_jnum(r.json, "interval", -1) != 1)
        fail_msg("pending check: want {status: pending, expiresIn, interval: 1}, got %s", r.body);
    h_resp_free(&r);
    /* leave nothing pending for later tests */
    assert_int_equal(h_deny(a.code), 0);
    h_approval_free(&a);
}

static void approve_with_unknown_code_exits_3(void **state)
{
    (void)state;
    /* 4-digit code that no pending approval has: make sure none is pending */
    cJSON *p = h_pending_json();
    assert_non_null(p);
    char code[5] = "0000";
    for (int i = 0; i < 10000; i++) {
        snprintf(code, sizeof code, "%04d", (i * 7919) % 10000);
        if (!h_json_has_string(p, code))
            break;
    }
    cJSON_Delete(p);
    assert_int_equal(h_approve(code), 3);
    assert_int_equal(h_deny(code), 3);
}

static void deny_by_code_makes_check_access_denied(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    assert_int_equal(h_deny(a.code), 0);
    h_resp r;
    h_check(t1(), a.handle, 5, &r);
    H_EXPECT_ERROR(&r, 400, "access_denied");
    h_resp_free(&r);
    /* a denied request can no longer be approved */
    assert_int_equal(h_approve(a.code), 3);
    h_approval_free(&a);
}

static void sad_reuse_is_invalid_sad_and_check_says_consumed(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    /* the same SAD is returned by further checks until used (wait out the
     * interval: a wait:0 check right after another one is slow_down) */
    h_sleep_ms(1100);
    h_resp r;
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_STATUS(&r, 200);
    assert_non_null(h_jstr(r.json, "SAD"));
    assert_string_equal(h_jstr(r.json, "SAD"), sad);
    h_resp_free(&r);

    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    h_sleep_ms(1100); /* interval */
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void sad_with_other_hashes_is_invalid_sad_and_still_works_after(void **state)
{
    (void)state;
    uint8_t d[2 * 32], other[2 * 32], swapped[2 * 32];
    h_random(d, sizeof d);
    h_random(other, sizeof other);
    memcpy(swapped, d + 32, 32);
    memcpy(swapped + 32, d, 32);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 2, 32, &a);
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, other, 2, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, swapped, 2, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad"); /* a subset of the approved list */
    h_resp_free(&r);
    /* a hash algorithm other than the approved one, same bytes */
    uint8_t d48[2 * 48];
    h_random(d48, sizeof d48);
    h_sign_hash(t1(), rsa1(), sad, SHA384_OID, d48, 2, 48, SHA384_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    /* failed signHash calls did not consume the SAD */
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 2, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    uint8_t *sigs[2];
    size_t lens[2];
    h_resp_signatures_ok(&r, 2, sigs, lens);
    X509 *cert = h_cred_cert_ok(t1(), cred("user1", CRPKI_KEY_RSA));
    for (int i = 0; i < 2; i++) {
        assert_true(h_verify_sig(cert, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, d + 32 * i, 32,
                                 sigs[i], lens[i]));
        free(sigs[i]);
    }
    X509_free(cert);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void sad_for_another_credential_is_invalid_sad(void **state)
{
    (void)state;
    const h_user *u = h_user_by_id("user1");
    assert_true(u->ncreds >= 2);
    const char *c0 = u->creds[0].id, *c1 = NULL;
    for (size_t i = 1; i < u->ncreds; i++)
        if (u->creds[i].key_type == u->creds[0].key_type)
            c1 = u->creds[i].id;
    assert_non_null(c1);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), c0, SHA256_OID, d, 1, 32, &a);
    const char *algo =
        u->creds[0].key_type == CRPKI_KEY_RSA ? CRPKI_OID_RSA_ENCRYPTION : CRPKI_OID_EC_PUBLIC_KEY;
    h_resp r;
    h_sign_hash(t1(), c1, sad, SHA256_OID, d, 1, 32, algo, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    /* another user presenting the SAD on their own credential */
    h_sign_hash(t2(), cred("user2", CRPKI_KEY_RSA)->id, sad, SHA256_OID, d, 1, 32,
                CRPKI_OID_RSA_ENCRYPTION, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    /* and still good for the approved credential */
    h_sign_hash(t1(), c0, sad, SHA256_OID, d, 1, 32, algo, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void unknown_sad_is_invalid_sad(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_resp r;
    h_sign_hash(t1(), rsa1(), "bm90LWEtc2Fk", SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
}

static void other_user_checking_a_handle_is_invalid_request(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_check(t2(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "handle"))
        fail_msg("another user's handle: error_description does not name handle: %s", r.body);
    h_resp_free(&r);
    h_check(t1(), "no-such-handle", 0, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "handle"))
        fail_msg("unknown handle: error_description does not name handle: %s", r.body);
    h_resp_free(&r);
    assert_int_equal(h_deny(a.code), 0);
    h_approval_free(&a);
}

static void md5_is_unsupported_algorithm(void **state)
{
    (void)state;
    uint8_t d[16];
    h_random(d, sizeof d);
    h_resp r;
    h_authorize(t1(), rsa1(), MD5_OID, d, 1, 16, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    h_authorize(t1(), rsa1(), "1.2.3.4", d, 1, 16, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
}

static void wrong_hash_length_or_count_is_invalid_hash(void **state)
{
    (void)state;
    uint8_t d[64];
    h_random(d, sizeof d);
    h_resp r;
    h_authorize(t1(), rsa1(), SHA256_OID, d, 1, 20, &r); /* 20 bytes for SHA-256 */
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
    h_authorize(t1(), rsa1(), SHA256_OID, d, 1, 48, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
    /* numSignatures 2 with one hash */
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", rsa1());
    cJSON_AddNumberToObject(j, "numSignatures", 2);
    cJSON_AddItemToObject(j, "hashes", h_hashes_json(d, 1, 32));
    cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
    cJSON_AddItemToObject(j, "authData", cJSON_Parse("[{\"id\":\"gbizid_app\"}]"));
    h_post_cjson("/csc/v2/credentials/authorize", j, t1(), &r);
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
}

static void authorize_field_errors_are_invalid_request_naming_the_field(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    char *hash = b64_encode_alloc(d, 32);
    char body[1024];
    /* a valid request with one member replaced (NULL: removed) */
    struct {
        const char *field, *value;
    } cases[] = {
        {"authData", NULL},
        {"authData", "[{\"id\":\"password\"}]"},
        {"authData", "{\"id\":\"gbizid_app\"}"},
        {"numSignatures", "\"1\""},
        {"numSignatures", NULL},
        {"hashes", "\"AAAA\""},
        {"hashes", NULL},
        {"hashAlgorithmOID", NULL},
        {"hashAlgorithmOID", "2"},
        {"credentialID", NULL},
        {"description", "7"},
        {"description", "\"line\\nbreak\""},
        {"description", "\"tab\\there\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "credentialID", rsa1());
        cJSON_AddNumberToObject(j, "numSignatures", 1);
        cJSON_AddItemToObject(j, "hashes", h_hashes_json(d, 1, 32));
        cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
        cJSON_AddStringToObject(j, "description", "x");
        cJSON_AddItemToObject(j, "authData", cJSON_Parse("[{\"id\":\"gbizid_app\"}]"));
        cJSON_DeleteItemFromObjectCaseSensitive(j, cases[i].field);
        if (cases[i].value)
            cJSON_AddItemToObject(j, cases[i].field, cJSON_Parse(cases[i].value));
        char *txt = cJSON_PrintUnformatted(j);
        h_resp r;
        h_post_cjson("/csc/v2/credentials/authorize", j, t1(), &r);
        H_EXPECT_ERROR(&r, 400, "invalid_request");
        if (!strstr(h_jstr(r.json, "error_description"), cases[i].field))
            fail_msg("%s\n-> error_description does not name %s: %s", txt, cases[i].field, r.body);
        free(txt);
        h_resp_free(&r);
    }
    /* numSignatures 0 with no hashes: out of range */
    {
        h_resp r;
        h_authorize(t1(), rsa1(), SHA256_OID, d, 0, 32, &r);
        H_EXPECT_ERROR(&r, 400, "invalid_request");
        if (!strstr(h_jstr(r.json, "error_description"), "numSignatures"))
            fail_msg("numSignatures 0: error_description does not name it: %s", r.body);
        h_resp_free(&r);
    }
    /* description over 256 bytes */
    {
        char longdesc[300];
        memset(longdesc, 'a', 257);
        longdesc[257] = 0;
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "credentialID", rsa1());
        cJSON_AddNumberToObject(j, "numSignatures", 1);
        cJSON_AddItemToObject(j, "hashes", h_hashes_json(d, 1, 32));
        cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
        cJSON_AddStringToObject(j, "description", longdesc);
        cJSON_AddItemToObject(j, "authData", cJSON_Parse("[{\"id\":\"gbizid_app\"}]"));
        h_resp r;
        h_post_cjson("/csc/v2/credentials/authorize", j, t1(), &r);
        H_EXPECT_ERROR(&r, 400, "invalid_request");
        if (!strstr(h_jstr(r.json, "error_description"), "description"))
            fail_msg("257-byte description: error_description does not name it: %s", r.body);
        h_resp_free(&r);
    }
    /* a hash that is not strict base64 */
    snprintf(body, sizeof body,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"%.42s\"],"
             "\"hashAlgorithmOID\":\"" SHA256_OID "\",\"authData\":[{\"id\":\"gbizid_app\"}]}",
             rsa1(), hash); /* padding cut off */
    h_resp r;
    h_post_json("/csc/v2/credentials/authorize", body, t1(), &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    /* more than maxSignatures */
    uint8_t many[65 * 32];
    h_random(many, sizeof many);
    h_authorize(t1(), rsa1(), SHA256_OID, many, 65, 32, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    free(hash);
}

static void authorize_other_users_credential_is_invalid_credential(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_resp r;
    h_authorize(t2(), rsa1(), SHA256_OID, d, 1, 32, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_credential");
    h_resp_free(&r);
}

static void signhash_algorithm_mismatches_are_unsupported_algorithm(void **state)
{
    (void)state;
    const h_cred *ec = cred("user1", CRPKI_KEY_EC);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), ec->id, SHA256_OID, d, 1, 32, &a);
    h_resp r;
    /* an RSA algorithm on an EC key */
    h_sign_hash(t1(), ec->id, sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    /* ecdsa-with-SHA384 while the hash is SHA-256 */
    h_sign_hash(t1(), ec->id, sad, SHA256_OID, d, 1, 32, "1.2.840.10045.4.3.3", NULL, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    /* still unconsumed */
    h_sign_hash(t1(), ec->id, sad, SHA256_OID, d, 1, 32, "1.2.840.10045.4.3.2", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void signhash_pss_without_params_is_invalid_request(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "signAlgoParams"))
        fail_msg("error_description does not name signAlgoParams: %s", r.body);
    h_resp_free(&r);
    /* PSS params with SHA-384 while the hash is SHA-256 */
    char *p384 = h_pss_params_b64(CRPKI_HASH_SHA384, 48);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, p384, &r);
    if (r.status != 400)
        fail_msg("PSS params with another hash: want 400, got %ld %s", r.status, r.body);
    h_resp_free(&r);
    free(p384);
    char *p256 = h_pss_params_b64(CRPKI_HASH_SHA256, 32);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, p256, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(p256);
    free(sad);
    h_approval_free(&a);
}

struct approver {
    char code[8];
    unsigned delay_ms;
    int rc;
    double at, done;
};

static void *approve_later(void *arg)
{
    struct approver *ap = arg;
    h_sleep_ms(ap->delay_ms);
    ap->at = h_now();
    ap->rc = h_approve(ap->code);
    ap->done = h_now();
    return NULL;
}

static void long_poll_returns_promptly_when_approved_during_wait(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    struct approver ap = {.delay_ms = 1000};
    snprintf(ap.code, sizeof ap.code, "%s", a.code);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, approve_later, &ap), 0);
    double t0 = h_now();
    h_resp r;
    h_check(t1(), a.handle, 10, &r);
    double done = h_now();
    pthread_join(th, NULL);
    assert_int_equal(ap.rc, 0);
    H_EXPECT_STATUS(&r, 200);
    assert_non_null(h_jstr(r.json, "SAD"));
    assert_string_equal(h_jstr(r.json, "status"), "approved");
    long sad_ttl = (long)h_jnum(r.json, "expiresIn", -1);
    assert_int_equal(sad_ttl, 60);
    if (done - t0 > 4.0)
        fail_msg("authorizeCheck wait 10 returned %.2f s after the request, approval came "
                 "after ~1 s",
                 done - t0);
    print_message("long poll: answered %.0f ms after the approve command started\n",
                  (done - ap.at) * 1000);
    /* "as soon as the state changes (within 50 ms)": the approve command has
     * committed before it exits, so the answer cannot come much later */
    if (done - ap.done > 1.0)
        fail_msg("long poll answered %.0f ms after the approve command had finished",
                 (done - ap.done) * 1000);
    h_resp_free(&r);
    h_approval_free(&a);
}

static void long_poll_without_change_returns_202_after_wait(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_check(t1(), a.handle, 1, &r);
    H_EXPECT_STATUS(&r, 202);
    if (r.elapsed_s < 0.9 || r.elapsed_s > 3.0)
        fail_msg("authorizeCheck wait 1 with no change took %.2f s, want ~1 s", r.elapsed_s);
    assert_string_equal(h_jstr(r.json, "status"), "pending");
    h_resp_free(&r);
    h_check(t1(), a.handle, 31, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "wait"))
        fail_msg("error_description does not name wait: %s", r.body);
    h_resp_free(&r);
    assert_int_equal(h_deny(a.code), 0);
    h_approval_free(&a);
}

static void rapid_wait0_polling_gets_slow_down(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_STATUS(&r, 202);
    h_resp_free(&r);
    double first = h_now();
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "slow_down");
    h_resp_free(&r);
    /* a slow_down answer does not restart the interval: 0.6 s later it is
     * still too soon, 1.1 s after the answered check it is fine */
    h_sleep_ms(600);
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "slow_down");
    h_resp_free(&r);
    double left = 1.1 - (h_now() - first);
    if (left > 0)
        h_sleep_ms((unsigned)(left * 1000));
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_STATUS(&r, 202);
    h_resp_free(&r);
    /* only a pending approval is answered slow_down */
    assert_int_equal(h_approve(a.code), 0);
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    h_approval_free(&a);

    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    assert_int_equal(h_deny(a.code), 0);
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "access_denied");
    h_resp_free(&r);
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "access_denied");
    h_resp_free(&r);
    h_approval_free(&a);
}

static void approval_codes_are_unique_among_pending(void **state)
{
    (void)state;
    enum { N = 12 };
    h_approval a[N];
    for (int i = 0; i < N; i++) {
        uint8_t d[32];
        h_random(d, sizeof d);
        h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a[i]);
        for (int k = 0; k < i; k++) {
            if (strcmp(a[k].code, a[i].code) == 0)
                fail_msg("two pending approvals share the code %s", a[i].code);
            if (strcmp(a[k].handle, a[i].handle) == 0)
                fail_msg("two approvals share the handle %s", a[i].handle);
        }
    }
    cJSON *p = h_pending_json();
    assert_non_null(p);
    for (int i = 0; i < N; i++)
        if (!h_json_has_string(p, a[i].code))
            fail_msg("pending --json lacks code %s", a[i].code);
    cJSON_Delete(p);
    /* an approved or denied request leaves the pending list */
    assert_int_equal(h_approve(a[0].code), 0);
    for (int i = 1; i < N; i++)
        assert_int_equal(h_deny(a[i].code), 0);
    p = h_pending_json();
    assert_non_null(p);
    for (int i = 0; i < N; i++)
        if (h_json_has_string(p, a[i].code))
            fail_msg("pending --json still lists %s after approve/deny", a[i].code);
    cJSON_Delete(p);
    for (int i = 0; i < N; i++)
        h_approval_free(&a[i]);
}

/* base64 of n bytes whose last character has unused bits set (same bytes
 * for a lenient decoder; the protocol's decoding is strict) */
static char *non_canonical_b64(const uint8_t *d, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *b = b64_encode_alloc(d, n);
    size_t len = strlen(b), last = len - 1;
    while (b[last] == '=')
        last--;
    int v = (int)(strchr(A, b[last]) - A);
    b[last] = A[(v & ~3) | 1];
    return b;
}

static void non_canonical_or_spaced_base64_hash_is_rejected_and_sad_survives(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    char *good = b64_encode_alloc(d, 32);
    char *nc = non_canonical_b64(d, 32);
    char spaced[64];
    snprintf(spaced, sizeof spaced, "%.20s %s", good, good + 20);
    char unpadded[64];
    snprintf(unpadded, sizeof unpadded, "%.43s", good);
    const char *bad[] = {nc, spaced, unpadded};
    for (size_t i = 0; i < 3; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "credentialID", rsa1());
        cJSON_AddStringToObject(j, "SAD", sad);
        cJSON *hs = cJSON_AddArrayToObject(j, "hashes");
        cJSON_AddItemToArray(hs, cJSON_CreateString(bad[i]));
        cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
        cJSON_AddStringToObject(j, "signAlgo", SHA256_RSA);
        h_resp r;
        h_post_cjson("/csc/v2/signatures/signHash", j, t1(), &r);
        const char *e = h_jstr(r.json, "error"), *desc = h_jstr(r.json, "error_description");
        if (r.status != 400 || !e || strcmp(e, "invalid_request") != 0 || !desc ||
            !strstr(desc, "hashes"))
            fail_msg("signHash with hash \"%s\" (approved: \"%s\"): want 400 "
                     "invalid_request naming hashes, got %ld %s",
                     bad[i], good, r.status, r.body);
        h_resp_free(&r);
    }
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    /* authorize refuses the same encodings */
    for (size_t i = 0; i < 3; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "credentialID", rsa1());
        cJSON_AddNumberToObject(j, "numSignatures", 1);
        cJSON *hs = cJSON_AddArrayToObject(j, "hashes");
        cJSON_AddItemToArray(hs, cJSON_CreateString(bad[i]));
        cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
        cJSON_AddItemToObject(j, "authData", cJSON_Parse("[{\"id\":\"gbizid_app\"}]"));
        h_post_cjson("/csc/v2/credentials/authorize", j, t1(), &r);
        const char *e = h_jstr(r.json, "error"), *desc = h_jstr(r.json, "error_description");
        if (r.status != 400 || !e || strcmp(e, "invalid_request") != 0 || !desc ||
            !strstr(desc, "hashes"))
            fail_msg("authorize with hash \"%s\": want 400 invalid_request naming hashes, got "
                     "%ld %s",
                     bad[i], r.status, r.body);
        h_resp_free(&r);
    }
    free(good);
    free(nc);
    free(sad);
    h_approval_free(&a);
}

static void signhash_rsa_encryption_without_hash_oid_is_invalid_request(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, NULL, d, 1, 32, CRPKI_OID_RSA_ENCRYPTION, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "hashAlgorithmOID"))
        fail_msg("error_description does not name hashAlgorithmOID: %s", r.body);
    h_resp_free(&r);
    /* missing signAlgo */
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", rsa1());
    cJSON_AddStringToObject(j, "SAD", sad);
    cJSON_AddItemToObject(j, "hashes", h_hashes_json(d, 1, 32));
    cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
    h_post_cjson("/csc/v2/signatures/signHash", j, t1(), &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "signAlgo"))
        fail_msg("error_description does not name signAlgo: %s", r.body);
    h_resp_free(&r);
    /* an unknown signAlgo */
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, "1.2.840.113549.1.1.4", NULL, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

/* RSASSA-PSS-params DER with explicit members (base64) */
static char *pss_der(const char *hash_alg_hex, const char *mgf_hash_hex, int salt, int trailer)
{
    uint8_t der[256];
    size_t n = 0;
    uint8_t inner[200];
    size_t in = 0;
    uint8_t ha[32], mh[32];
    size_t hal = strlen(hash_alg_hex) / 2, mhl = strlen(mgf_hash_hex) / 2;
    for (size_t i = 0; i < hal; i++)
        sscanf(hash_alg_hex + 2 * i, "%2hhx", &ha[i]);
    for (size_t i = 0; i < mhl; i++)
        sscanf(mgf_hash_hex + 2 * i, "%2hhx", &mh[i]);
    static const uint8_t mgf1[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                   0xf7, 0x0d, 0x01, 0x01, 0x08};
    inner[in++] = 0xa0;
    inner[in++] = (uint8_t)hal;
    memcpy(inner + in, ha, hal);
    in += hal;
    inner[in++] = 0xa1;
    inner[in++] = (uint8_t)(2 + sizeof mgf1 + mhl);
    inner[in++] = 0x30;
    inner[in++] = (uint8_t)(sizeof mgf1 + mhl);
    memcpy(inner + in, mgf1, sizeof mgf1);
    in += sizeof mgf1;
    memcpy(inner + in, mh, mhl);
    in += mhl;
    /* minimal DER INTEGER of salt (< 32768) */
    uint8_t sb[3];
    size_t sn = 0;
    if (salt > 0x7f)
        sb[sn++] = (uint8_t)(salt >> 8);
    sb[sn++] = (uint8_t)salt;
    if (sb[0] == 0 && sn == 2 && !(sb[1] & 0x80)) {
        sb[0] = sb[1];
        sn = 1;
    }
    inner[in++] = 0xa2;
    inner[in++] = (uint8_t)(2 + sn);
    inner[in++] = 0x02;
    inner[in++] = (uint8_t)sn;
    memcpy(inner + in, sb, sn);
    in += sn;
    if (trailer != 1) {
        inner[in++] = 0xa3;
        inner[in++] = 0x03;
        inner[in++] = 0x02;
        inner[in++] = 0x01;
        inner[in++] = (uint8_t)trailer;
    }
    der[n++] = 0x30;
    der[n++] = (uint8_t)in;
    memcpy(der + n, inner, in);
    n += in;
    return b64_encode_alloc(der, n);
}

#define ALG_SHA256 "300d06096086480165030402010500"
#define ALG_SHA512 "300d06096086480165030402030500"

static void pss_params_with_other_mgf1_hash_big_salt_or_trailer_are_rejected(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    /* rsa1 is RSA-2048: emLen 256 >= 32 + salt + 2 allows salts up to 222 */
    char *bad[] = {
        pss_der(ALG_SHA256, ALG_SHA512, 32, 1),                   /* MGF1 with another hash */
        pss_der(ALG_SHA256, ALG_SHA256, 223, 1),                  /* salt too long for the key */
        pss_der(ALG_SHA256, ALG_SHA256, 32, 2),                   /* trailer field 2 */
        b64_encode_alloc((const uint8_t *)"\x30\x03\x02\x01", 4), /* truncated DER */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (i < 3) { /* the first three are well-formed DER, only their values are wrong */
            uint8_t der[128];
            size_t dl;
            assert_int_equal(b64_decode(bad[i], strlen(bad[i]), der, sizeof der, &dl), 0);
            const unsigned char *pp = der;
            RSA_PSS_PARAMS *pp_params = d2i_RSA_PSS_PARAMS(NULL, &pp, (long)dl);
            if (!pp_params || pp != der + dl)
                fail_msg("harness: PSS params %zu are not DER", i);
            RSA_PSS_PARAMS_free(pp_params);
        }
        h_resp r;
        h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, bad[i], &r);
        const char *e = h_jstr(r.json, "error");
        if (r.status != 400 || !e ||
            (strcmp(e, "invalid_request") != 0 && strcmp(e, "unsupported_algorithm") != 0))
            fail_msg("signHash PSS params %s: want 400 invalid_request/unsupported_algorithm, "
                     "got %ld %s",
                     bad[i], r.status, r.body);
        h_resp_free(&r);
        free(bad[i]);
    }
    /* the largest salt the key allows, in explicit DER, works */
    char *ok = pss_der(ALG_SHA256, ALG_SHA256, 222, 1);
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, ok, &r);
    H_EXPECT_STATUS(&r, 200);
    uint8_t *sig;
    size_t sl;
    h_resp_signatures_ok(&r, 1, &sig, &sl);
    X509 *cert = h_cred_cert_ok(t1(), cred("user1", CRPKI_KEY_RSA));
    if (!h_verify_sig(cert, CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 222, d, 32, sig, sl))
        fail_msg("PSS signature with salt 222 does not verify");
    X509_free(cert);
    free(sig);
    h_resp_free(&r);
    free(ok);
    free(sad);
    h_approval_free(&a);
}

struct poller {
    const char *bearer;
    char *handle;
    int wait;
    long status;
    double elapsed;
};

static void *long_poll_thread(void *arg)
{
    struct poller *p = arg;
    h_thread_begin();
    h_resp r;
    h_check(p->bearer, p->handle, p->wait, &r);
    p->status = r.status;
    p->elapsed = r.elapsed_s;
    h_resp_free(&r);
    h_thread_done();
    return NULL;
}

static void concurrent_long_polls_do_not_hold_up_other_requests(void **state)
{
    (void)state;
    enum { N = 6 };
    h_approval a[N];
    struct poller p[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        uint8_t d[32];
        h_random(d, sizeof d);
        h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a[i]);
        p[i] = (struct poller){.bearer = t1(), .handle = a[i].handle, .wait = 4};
        assert_int_equal(pthread_create(&th[i], NULL, long_poll_thread, &p[i]), 0);
    }
    h_sleep_ms(300); /* the polls are now held */
    for (int k = 0; k < 3; k++) {
        h_resp r;
        h_post_json("/csc/v2/info", "{}", NULL, &r);
        H_EXPECT_STATUS(&r, 200);
        if (r.elapsed_s > 2.0)
            fail_msg("/csc/v2/info took %.2f s while %d long polls were held", r.elapsed_s, N);
        h_resp_free(&r);
    }
    /* approving them one by one answers each poll */
    for (int i = 0; i < N; i++)
        assert_int_equal(h_approve(a[i].code), 0);
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        if (p[i].status != 200)
            fail_msg("long poll %d: HTTP %ld after %.2f s, want 200 on approval", i, p[i].status,
                     p[i].elapsed);
        h_approval_free(&a[i]);
    }
}

static void admin_cli_usage_errors_exit_2(void **state)
{
    (void)state;
    const char *const cases[][8] = {
        {"approve", "--dir", h_dir(), NULL},    {"deny", "--dir", h_dir(), "--code", NULL},
        {"approve", "--code", "1234", NULL},    {"pending", "--dir", h_dir(), "--bogus", NULL},
        {"frobnicate", "--dir", h_dir(), NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h_cmd c;
        assert_int_equal(h_run(&c, cases[i]), 0);
        if (c.exit_code != 2)
            fail_msg("crpki-rsspd %s %s %s %s: exit %d, want 2 (usage)", cases[i][0],
                     cases[i][1] ? cases[i][1] : "", cases[i][2] ? cases[i][2] : "",
                     cases[i][3] ? cases[i][3] : "", c.exit_code);
        h_cmd_free(&c);
    }
    /* a directory that is not a crpki-rsspd one: failure, 1 */
    const char *nodir[] = {"pending", "--dir", "/nonexistent/crpki", NULL};
    h_cmd c;
    assert_int_equal(h_run(&c, nodir), 0);
    if (c.exit_code != 1)
        fail_msg("pending --dir /nonexistent: exit %d, want 1", c.exit_code);
    h_cmd_free(&c);
}

static void authorize_validation_order_credential_then_algorithm_then_hashes(void **state)
{
    (void)state;
    uint8_t d[64];
    h_random(d, sizeof d);
    h_resp r;
    /* another user's credential, MD5, wrong length: the credential first */
    h_authorize(t2(), rsa1(), MD5_OID, d, 1, 20, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_credential");
    h_resp_free(&r);
    /* MD5 with a 20-byte hash: the algorithm before the length */
    h_authorize(t1(), rsa1(), MD5_OID, d, 1, 20, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
}

static void signhash_validation_order_credential_algorithm_hashes_then_sad(void **state)
{
    (void)state;
    uint8_t d[64];
    h_random(d, sizeof d);
    const h_cred *ec = cred("user1", CRPKI_KEY_EC);
    h_resp r;
    /* unknown SAD everywhere: it is checked last */
    h_sign_hash(t2(), rsa1(), "bm9wZQ==", SHA256_OID, d, 1, 20, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_credential");
    h_resp_free(&r);
    h_sign_hash(t1(), ec->id, "bm9wZQ==", SHA256_OID, d, 1, 20, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), "bm9wZQ==", SHA256_OID, d, 1, 20, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
    uint8_t many[65 * 32];
    h_random(many, sizeof many);
    h_sign_hash(t1(), rsa1(), "bm9wZQ==", SHA256_OID, many, 65, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
}

static const cJSON *pending_entry(const cJSON *arr, const char *code)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        const char *c = h_jstr(e, "approvalCode");
        if (c && strcmp(c, code) == 0)
            return e;
    }
    return NULL;
}

static void pending_json_describes_each_request(void **state)
{
    (void)state;
    uint8_t d[3 * 48];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA384_OID, d, 3, 48, &a);
    cJSON *p = h_pending_json();
    assert_non_null(p);
    if (!cJSON_IsArray(p))
        fail_msg("pending --json is not an array");
    const cJSON *e = pending_entry(p, a.code);
    if (!e) {
        char *txt = cJSON_PrintUnformatted(p);
        fail_msg("pending --json has no entry with approvalCode %s: %.1000s", a.code, txt);
    }
    assert_string_equal(h_jstr(e, "user"), "user1");
    assert_string_equal(h_jstr(e, "credentialID"), rsa1());
    assert_int_equal((int)h_jnum(e, "numSignatures", -1), 3);
    assert_string_equal(h_jstr(e, "hashAlgorithmOID"), SHA384_OID);
    const char *desc = h_jstr(e, "description");
    assert_non_null(desc);
    assert_string_equal(desc, "統合テスト: 登記申請書.pdf");
    assert_non_null(cJSON_GetObjectItemCaseSensitive(e, "createdAt"));
    double exp = h_jnum(e, "expiresIn", -1);
    if (exp <= 0 || exp > 120)
        fail_msg("pending expiresIn %g, want 0 < expiresIn <= 120", exp);
    cJSON_Delete(p);
    assert_int_equal(h_deny(a.code), 0);
    h_approval_free(&a);
}

static int db_contains(const char *needle)
{
    static const char *const files[] = {"state.db", "state.db-wal", "state.db-journal"};
    int found = 0;
    for (size_t f = 0; f < 3 && !found; f++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", h_dir(), files[f]);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            continue;
        size_t nl = strlen(needle), cap = 1 << 20, n = 0, got;
        char *buf = malloc(cap);
        assert_non_null(buf);
        while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
            n += got;
            if (n == cap) {
                cap *= 2;
                buf = realloc(buf, cap);
                assert_non_null(buf);
            }
        }
        fclose(fp);
        for (size_t i = 0; !found && nl <= n && i <= n - nl; i++)
            found = memcmp(buf + i, needle, nl) == 0;
        free(buf);
    }
    return found;
}

static void sads_and_handles_are_not_stored_in_clear(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    if (db_contains(sad))
        fail_msg("state.db holds a SAD in clear");
    if (db_contains(a.handle))
        fail_msg("state.db holds an approval handle in clear");
    /* sanity: the database is where we look */
    if (!db_contains(rsa1()))
        fail_msg("harness: credential ID not found in state.db, wrong file?");
    free(sad);
    h_approval_free(&a);
}

/* last: restarts the server with --approval-ttl 2 */
static void approval_ttl_2_expires_and_check_is_expired_token(void **state)
{
    (void)state;
    const char *args[] = {"--approval-ttl", "2", "--sad-ttl", "1", NULL};
    assert_int_equal(h_server_restart(args), 0);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    assert_int_equal(a.expires_in, 2);
    h_sleep_ms(2600);
    h_resp r;
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "expired_token");
    h_resp_free(&r);
    assert_int_equal(h_approve(a.code), 3);
    h_approval_free(&a);

    /* a long poll across the expiry ends with expired_token, not a hang */
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_check(t1(), a.handle, 5, &r);
    if (r.status == 202) { /* the hold may end at the deadline: check once more */
        h_resp_free(&r);
        h_sleep_ms(1100);
        h_check(t1(), a.handle, 5, &r);
    }
    H_EXPECT_ERROR(&r, 400, "expired_token");
    h_resp_free(&r);
    h_approval_free(&a);
}

static void sad_ttl_1_sad_expires_and_is_invalid_sad(void **state)
{
    (void)state;
    /* the server still runs with --sad-ttl 1 */
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    assert_int_equal(h_approve(a.code), 0);
    h_resp r;
    h_check(t1(), a.handle, 5, &r);
    H_EXPECT_STATUS(&r, 200);
    assert_int_equal((int)h_jnum(r.json, "expiresIn", -1), 1);
    char *sad = strdup(h_jstr(r.json, "SAD"));
    h_resp_free(&r);
    h_sleep_ms(2100);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    /* approved, but the SAD expired unused */
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "expired_token");
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void auto_approve_200_approves_without_the_app(void **state)
{
    (void)state;
    const char *args[] = {"--auto-approve", "200", NULL};
    assert_int_equal(h_server_restart(args), 0);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_check(t1(), a.handle, 10, &r);
    H_EXPECT_STATUS(&r, 200);
    if (r.elapsed_s > 2.0)
        fail_msg("--auto-approve 200: approved after %.2f s", r.elapsed_s);
    char *sad = strdup(h_jstr(r.json, "SAD"));
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void max_signatures_2_limits_num_signatures(void **state)
{
    (void)state;
    const char *args[] = {"--max-signatures", "2", NULL};
    assert_int_equal(h_server_restart(args), 0);
    h_resp r;
    h_post_json("/csc/v2/info", "{}", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    assert_int_equal((int)h_jnum(r.json, "maxSignatures", -1), 2);
    h_resp_free(&r);
    uint8_t d[3 * 32];
    h_random(d, sizeof d);
    h_authorize(t1(), rsa1(), SHA256_OID, d, 3, 32, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "numSignatures"))
        fail_msg("error_description does not name numSignatures: %s", r.body);
    h_resp_free(&r);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 2, 32, &a);
    assert_int_equal(h_deny(a.code), 0);
    h_approval_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(authorize_returns_202_with_code_expiry_interval_and_is_pending),
        cmocka_unit_test(approve_with_unknown_code_exits_3),
        cmocka_unit_test(deny_by_code_makes_check_access_denied),
        cmocka_unit_test(sad_reuse_is_invalid_sad_and_check_says_consumed),
        cmocka_unit_test(sad_with_other_hashes_is_invalid_sad_and_still_works_after),
        cmocka_unit_test(sad_for_another_credential_is_invalid_sad),
        cmocka_unit_test(unknown_sad_is_invalid_sad),
        cmocka_unit_test(other_user_checking_a_handle_is_invalid_request),
        cmocka_unit_test(md5_is_unsupported_algorithm),
        cmocka_unit_test(wrong_hash_length_or_count_is_invalid_hash),
        cmocka_unit_test(authorize_field_errors_are_invalid_request_naming_the_field),
        cmocka_unit_test(authorize_other_users_credential_is_invalid_credential),
        cmocka_unit_test(signhash_algorithm_mismatches_are_unsupported_algorithm),
        cmocka_unit_test(signhash_pss_without_params_is_invalid_request),
        cmocka_unit_test(long_poll_returns_promptly_when_approved_during_wait),
        cmocka_unit_test(long_poll_without_change_returns_202_after_wait),
        cmocka_unit_test(rapid_wait0_polling_gets_slow_down),
        cmocka_unit_test(approval_codes_are_unique_among_pending),
        cmocka_unit_test(non_canonical_or_spaced_base64_hash_is_rejected_and_sad_survives),
        cmocka_unit_test(signhash_rsa_encryption_without_hash_oid_is_invalid_request),
        cmocka_unit_test(pss_params_with_other_mgf1_hash_big_salt_or_trailer_are_rejected),
        cmocka_unit_test(concurrent_long_polls_do_not_hold_up_other_requests),
        cmocka_unit_test(admin_cli_usage_errors_exit_2),
        cmocka_unit_test(authorize_validation_order_credential_then_algorithm_then_hashes),
        cmocka_unit_test(signhash_validation_order_credential_algorithm_hashes_then_sad),
        cmocka_unit_test(pending_json_describes_each_request),
        cmocka_unit_test(sads_and_handles_are_not_stored_in_clear),
        /* these restart the server with other options */
        cmocka_unit_test(approval_ttl_2_expires_and_check_is_expired_token),
        cmocka_unit_test(sad_ttl_1_sad_expires_and_is_invalid_sad),
        cmocka_unit_test(auto_approve_200_approves_without_the_app),
        cmocka_unit_test(max_signatures_2_limits_num_signatures),
    };
    return cmocka_run_group_tests_name("integration: approvals", tests, h_group_setup, teardown);
}
