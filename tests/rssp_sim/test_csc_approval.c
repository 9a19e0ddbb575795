/* The CSC endpoints through rsspd_service_handle: approvals (authorize's
 * checks, the state machine, codes, slow_down, long polling, auto-approve).
 * docs/protocol.md "credentials/authorize", "credentials/authorizeCheck". */
#define _POSIX_C_SOURCE 200809L

#include "test_csc_common.h"

/* ---- credentials/authorize ------------------------------------------------------------------- */

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

int main(void)
{
    const struct CMUnitTest tests[] = {
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
    };
    return cmocka_run_group_tests_name("rsspd csc: approvals", tests, tsf_group_setup,
                                       tsf_group_teardown);
}
