/* authorize's requestID (docs/protocol.md, "credentials/authorize"): the
 * service answers a repeated requestID with the approval it already created
 * (same handle, code and expiry) and refuses it for a different request; the
 * client, having learnt the capability from /csc/v2/info, sends authorize on
 * its kept-alive connection and repeats it after a drop or a timeout without
 * the user ever getting a second approval. Approvals are counted with
 * `crpki-rsspd pending --json` and the service's log. */
#include "client_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rc_client.h" /* rc_client_authz_idem: what the client learnt */

#define SHA256_OID "2.16.840.1.101.3.4.2.1"
#define AUTHZ      "POST /csc/v2/credentials/authorize "
#define REPEATED   "requestID repeated"

static h_tokens U1, U2;

static int setup(void **state)
{
    if (h_group_setup(state) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    h_tokens_free(&U1);
    h_tokens_free(&U2);
    return h_group_teardown(state);
}

/* Back to a service with default options and fresh logins. */
static int fresh_service(void **state)
{
    (void)state;
    if (h_server_restart_same_port(NULL) != 0)
        return -1;
    return 0;
}

static void login_both(void)
{
    h_tokens_free(&U1);
    h_tokens_free(&U2);
    h_login_ok("user1", &U1);
    h_login_ok("user2", &U2);
}

static int pending_count(void)
{
    cJSON *p = h_pending_json();
    assert_non_null(p);
    const cJSON *arr = NULL;
    int n = h_json_records(p, &arr);
    cJSON_Delete(p);
    assert_true(n >= 0);
    return n;
}

/* authorize of n SHA-256 hashes; rid NULL: no requestID. */
static void authz(const char *bearer, const char *cred, const uint8_t *hashes, size_t n,
                  const char *rid, const char *description, h_resp *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *ad = cJSON_CreateArray(), *id = cJSON_CreateObject();
    assert_non_null(j);
    cJSON_AddStringToObject(j, "credentialID", cred);
    cJSON_AddNumberToObject(j, "numSignatures", (double)n);
    cJSON_AddItemToObject(j, "hashes", h_hashes_json(hashes, n, 32));
    cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
    if (description)
        cJSON_AddStringToObject(j, "description", description);
    cJSON_AddStringToObject(id, "id", "gbizid_app");
    cJSON_AddItemToArray(ad, id);
    cJSON_AddItemToObject(j, "authData", ad);
    if (rid)
        cJSON_AddStringToObject(j, "requestID", rid);
    h_post_cjson("/csc/v2/credentials/authorize", j, bearer, r);
}

static void random_id(char out[40])
{
    uint8_t b[16];
    h_random(b, sizeof b);
    assert_int_equal(base64url_encode(b, sizeof b, out, 40), 22);
}

/* ---- the service ----------------------------------------------------------------- */

static void info_advertises_authorize_idempotency(void **state)
{
    (void)state;
    h_resp r;
    h_post_json("/csc/v2/info", "{}", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r.json, "authorizeIdempotency");
    assert_true(cJSON_IsTrue(v));
    h_resp_free(&r);
}

static void repeated_request_id_gets_the_same_approval_and_a_new_id_a_new_one(void **state)
{
    (void)state;
    login_both();
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    char rid[40], rid2[40];
    random_id(rid);
    random_id(rid2);
    int before = pending_count();
    long mark = ci_log_mark();

    h_resp a, b, c;
    authz(U1.access, cred->id, hash, 1, rid, "idempotency", &a);
    H_EXPECT_STATUS(&a, 202);
    h_sleep_ms(1100); /* expiresIn of the repeat counts down */
    authz(U1.access, cred->id, hash, 1, rid, "idempotency", &b);
    H_EXPECT_STATUS(&b, 202);
    assert_string_equal(h_jstr(a.json, "handle"), h_jstr(b.json, "handle"));
    assert_string_equal(h_jstr(a.json, "approvalCode"), h_jstr(b.json, "approvalCode"));
    double ea = h_jnum(a.json, "expiresIn", -1), eb = h_jnum(b.json, "expiresIn", -1);
    print_message("      expiresIn %.0f, then %.0f for the repeat\n", ea, eb);
    assert_true(eb >= 1 && eb < ea);
    assert_int_equal(pending_count(), before + 1);
    assert_int_equal(ci_log_count(mark, REPEATED, NULL), 1);

    /* the same request under a new requestID is a new approval */
    authz(U1.access, cred->id, hash, 1, rid2, "idempotency", &c);
    H_EXPECT_STATUS(&c, 202);
    assert_string_not_equal(h_jstr(a.json, "handle"), h_jstr(c.json, "handle"));
    assert_string_not_equal(h_jstr(a.json, "approvalCode"), h_jstr(c.json, "approvalCode"));
    assert_int_equal(pending_count(), before + 2);

    /* the repeated answer's handle completes the signature */
    assert_int_equal(h_approve(h_jstr(b.json, "approvalCode")), 0);
    char *sad = h_wait_sad_ok(U1.access, h_jstr(b.json, "handle"));
    h_resp s;
    h_sign_hash(U1.access, cred->id, sad, SHA256_OID, hash, 1, 32, CRPKI_OID_RSA_ENCRYPTION, NULL,
                &s);
    H_EXPECT_STATUS(&s, 200);
    /* once used, a repeat still names that approval (never a new one) */
    h_resp_free(&s);
    h_resp d;
    authz(U1.access, cred->id, hash, 1, rid, "idempotency", &d);
    H_EXPECT_STATUS(&d, 202);
    assert_string_equal(h_jstr(a.json, "handle"), h_jstr(d.json, "handle"));
    h_check(U1.access, h_jstr(d.json, "handle"), 0, &s);
    H_EXPECT_ERROR(&s, 400, "invalid_request");
    assert_int_equal(pending_count(), before + 1); /* rid2's */
    free(sad);
    h_resp_free(&a);
    h_resp_free(&b);
    h_resp_free(&c);
    h_resp_free(&d);
    h_resp_free(&s);
}

static void expect_refused(h_resp *r)
{
    H_EXPECT_ERROR(r, 400, "invalid_request");
    const char *d = h_jstr(r->json, "error_description");
    assert_non_null(d);
    assert_non_null(strstr(d, "requestID"));
    h_resp_free(r);
}

static void reused_request_id_for_another_request_is_refused(void **state)
{
    (void)state;
    login_both();
    const h_cred *c2048 = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    const h_cred *c3072 = ci_cred("user1", CRPKI_KEY_RSA, 3072);
    const h_cred *other = ci_cred("user2", CRPKI_KEY_RSA, 2048);
    uint8_t hashes[64];
    h_random(hashes, sizeof hashes);
    char rid[40];
    random_id(rid);
    int before = pending_count();
    h_resp r;
    authz(U1.access, c2048->id, hashes, 1, rid, "first", &r);
    H_EXPECT_STATUS(&r, 202);
    h_resp_free(&r);

    authz(U1.access, c2048->id, hashes + 32, 1, rid, "first", &r); /* other hash */
    expect_refused(&r);
    authz(U1.access, c2048->id, hashes, 2, rid, "first", &r); /* more hashes */
    expect_refused(&r);
    authz(U1.access, c3072->id, hashes, 1, rid, "first", &r); /* other credential */
    expect_refused(&r);
    authz(U1.access, c2048->id, hashes, 1, rid, "second", &r); /* other description */
    expect_refused(&r);
    authz(U1.access, c2048->id, hashes, 1, rid, NULL, &r);
    expect_refused(&r);
    authz(U2.access, other->id, hashes, 1, rid, "first", &r); /* another user */
    expect_refused(&r);
    assert_int_equal(pending_count(), before + 1);
}

static void malformed_request_id_is_refused(void **state)
{
    (void)state;
    login_both();
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    int before = pending_count();
    static const char *const BAD[] = {"short", "abcdefghijklmnop+",
                                      "abcdefghijklmnop/=", "abcdefghijklmnop qrst", ""};
    h_resp r;
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        authz(U1.access, cred->id, hash, 1, BAD[i], NULL, &r);
        expect_refused(&r);
    }
    char longid[130];
    memset(longid, 'a', 129);
    longid[129] = '\0';
    authz(U1.access, cred->id, hash, 1, longid, NULL, &r);
    expect_refused(&r);
    longid[128] = '\0'; /* 128: the longest */
    authz(U1.access, cred->id, hash, 1, longid, NULL, &r);
    H_EXPECT_STATUS(&r, 202);
    h_resp_free(&r);
    /* a number instead of a string */
    char body[512], *hb = NULL;
    cJSON *ha = h_hashes_json(hash, 1, 32);
    hb = cJSON_PrintUnformatted(ha);
    snprintf(body, sizeof body,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":%s,"
             "\"hashAlgorithmOID\":\"" SHA256_OID "\",\"authData\":[{\"id\":\"gbizid_app\"}],"
             "\"requestID\":1234567890123456789}",
             cred->id, hb);
    free(hb);
    cJSON_Delete(ha);
    h_post_json("/csc/v2/credentials/authorize", body, U1.access, &r);
    expect_refused(&r);
    assert_int_equal(pending_count(), before + 1);
}

static void repeat_after_the_approval_expired_is_expired_token(void **state)
{
    (void)state;
    const char *const args[] = {"--approval-ttl", "1", NULL};
    assert_int_equal(h_server_restart_same_port(args), 0);
    login_both();
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    char rid[40];
    random_id(rid);
    h_resp r;
    authz(U1.access, cred->id, hash, 1, rid, NULL, &r);
    H_EXPECT_STATUS(&r, 202);
    h_resp_free(&r);
    h_sleep_ms(1300);
    authz(U1.access, cred->id, hash, 1, rid, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "expired_token");
    h_resp_free(&r);
}

/* ---- the client ------------------------------------------------------------------- */

static rssp_client *client_for(const char *user, unsigned request_timeout_ms, ci_tokens *t)
{
    rssp_options o;
    ci_options(&o);
    o.request_timeout_ms = request_timeout_ms;
    rssp_client *c = ci_client_ok(&o);
    rssp_tokens tk;
    ci_login_ok(c, user, &tk);
    ci_tokens_init(t, c, &tk);
    rssp_tokens_free(&tk);
    return c;
}

typedef struct {
    crpki_err rc;
    int authz_sent, authz_dropped, repeated, ncb;
} sign_result;

/* One rssp_sign of a fresh hash, approved by the app as soon as the code is
 * shown; settle_ms lets requests still hung in the service finish. */
static void sign_once(rssp_client *c, unsigned settle_ms, sign_result *out)
{
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    X509 *cert = h_load_pem_cert(cred->cert);
    assert_non_null(cert);
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    long mark = ci_log_mark();
    ci_app app;
    ci_app_start(&app, CI_APPROVE, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, c, cred, RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1, &app);
    call.req.timeout_ms = 30000;
    ci_sign_run(&call);
    ci_app_stop(&app);
    h_sleep_ms(settle_ms);
    out->rc = call.rc;
    out->ncb = (int)app.ncb;
    out->authz_sent = ci_log_count(mark, AUTHZ, NULL);
    out->authz_dropped = ci_log_count(mark, AUTHZ, "(dropped)", NULL);
    out->repeated = ci_log_count(mark, REPEATED, NULL);
    print_message("      %-22s %5.0f ms  authorize sent %d (dropped %d), answered as a repeat %d\n",
                  crpki_err_name(call.rc), (call.t_end - call.t_start) * 1e3, out->authz_sent,
                  out->authz_dropped, out->repeated);
    if (call.rc == CRPKI_OK)
        ci_verify_all_ok(&call, cert, CRPKI_HASH_SHA256);
    ci_sign_free(&call);
    X509_free(cert);
}

/* No network at creation; the first rssp_sign learns the capability. */
static void client_learns_the_capability_at_the_first_sign(void **state)
{
    (void)state;
    ci_tokens t;
    long mark = ci_log_mark();
    rssp_client *c = client_for("user1", 0, &t);
    assert_int_equal(rc_client_authz_idem(c), 0);
    assert_int_equal(ci_log_count(mark, "POST /csc/v2/info ", NULL), 0);
    int before = pending_count();
    sign_result r;
    sign_once(c, 0, &r);
    assert_int_equal(r.rc, CRPKI_OK);
    assert_int_equal(rc_client_authz_idem(c), 1);
    sign_once(c, 0, &r);
    assert_int_equal(r.rc, CRPKI_OK);
    assert_int_equal(r.authz_sent, 1);
    assert_int_equal(ci_log_count(mark, "POST /csc/v2/info ", NULL), 1); /* asked once */
    assert_int_equal(pending_count(), before);
    ci_tokens_free(&t);
    rssp_client_free(c);
}

/* The service is restarted between two signatures: the client's kept-alive
 * connection is dead when the second authorize goes out. */
static void authorize_after_the_kept_alive_connection_died_makes_one_approval(void **state)
{
    (void)state;
    ci_tokens t;
    rssp_client *c = client_for("user1", 0, &t);
    sign_result r;
    sign_once(c, 0, &r);
    assert_int_equal(r.rc, CRPKI_OK);
    assert_int_equal(h_server_restart_same_port(NULL), 0);
    int before = pending_count();
    sign_once(c, 0, &r);
    assert_int_equal(r.rc, CRPKI_OK);
    assert_int_equal(r.ncb, 1);
    assert_true(r.authz_sent >= 1);
    assert_int_equal(pending_count(), before);
    ci_tokens_free(&t);
    rssp_client_free(c);
}

/* Dropped authorize connections (half of them): repeated with the same
 * requestID until one is answered; one code shown, no approval left over. */
static void dropped_authorize_is_repeated_and_makes_one_approval(void **state)
{
    (void)state;
    ci_tokens t;
    rssp_client *c = client_for("user1", 0, &t);
    const char *const args[] = {"--fault-drop",
                                "50",
                                "--fault-path",
                                "/csc/v2/credentials/authorize",
                                "--fault-seed",
                                "5",
                                NULL};
    assert_int_equal(h_server_restart_same_port(args), 0);
    int before = pending_count(), dropped = 0, resent = 0;
    for (int i = 0; i < 6; i++) {
        sign_result r;
        sign_once(c, 0, &r);
        assert_int_equal(r.rc, CRPKI_OK);
        assert_int_equal(r.ncb, 1);
        dropped += r.authz_dropped;
        if (r.authz_dropped > 0 && r.authz_sent > r.authz_dropped)
            resent++;
    }
    print_message("      %d authorize connections dropped, repeated in %d call(s)\n", dropped,
                  resent);
    assert_true(resent > 0);
    assert_int_equal(pending_count(), before);
    ci_tokens_free(&t);
    rssp_client_free(c);
}

/* The first authorize is held 2.5 s, past the client's 1 s request timeout,
 * and then processed by the service (the answer is lost); the repeat is not
 * held (--fault-seed 14: the dice say hang, then no hang). The service
 * creates the approval once and answers the other one as a repeat. */
static const char *const HANG_FIRST[] = {
    "--fault-hang", "2500",         "--fault-hang-pct",
    "50",           "--fault-path", "/csc/v2/credentials/authorize",
    "--fault-seed", "14",           NULL};

static void timed_out_authorize_is_repeated_and_the_service_makes_one_approval(void **state)
{
    (void)state;
    ci_tokens t;
    rssp_client *c = client_for("user1", 1000, &t);
    assert_int_equal(h_server_restart_same_port(HANG_FIRST), 0);
    int before = pending_count();
    sign_result r;
    sign_once(c, 3000, &r);
    assert_int_equal(r.rc, CRPKI_OK);
    assert_int_equal(r.ncb, 1);
    assert_int_equal(r.authz_sent, 2);
    assert_int_equal(r.repeated, 1); /* both processed, one approval */
    assert_int_equal(pending_count(), before);
    ci_tokens_free(&t);
    rssp_client_free(c);
}

/* The same against a client that believes the service has no requestID
 * (the fallback): the timed-out authorize is not repeated. */
static void without_the_capability_a_timed_out_authorize_is_not_repeated(void **state)
{
    (void)state;
    ci_tokens t;
    rssp_client *c = client_for("user1", 1000, &t);
    rc_client_set_authz_idem(c, -1);
    assert_int_equal(h_server_restart_same_port(HANG_FIRST), 0);
    int before = pending_count();
    sign_result r;
    sign_once(c, 3000, &r);
    assert_int_equal(r.rc, CRPKI_E_TIMEOUT);
    assert_int_equal(r.ncb, 0);
    assert_int_equal(r.authz_sent, 1);
    assert_int_equal(r.repeated, 0);
    assert_int_equal(pending_count(), before + 1); /* the orphan no one was shown */
    ci_tokens_free(&t);
    rssp_client_free(c);
}

int main(void)
{
    static const struct CMUnitTest TESTS[] = {
        cmocka_unit_test(info_advertises_authorize_idempotency),
        cmocka_unit_test(repeated_request_id_gets_the_same_approval_and_a_new_id_a_new_one),
        cmocka_unit_test(reused_request_id_for_another_request_is_refused),
        cmocka_unit_test(malformed_request_id_is_refused),
        cmocka_unit_test_teardown(repeat_after_the_approval_expired_is_expired_token,
                                  fresh_service),
        cmocka_unit_test(client_learns_the_capability_at_the_first_sign),
        cmocka_unit_test(authorize_after_the_kept_alive_connection_died_makes_one_approval),
        cmocka_unit_test_teardown(dropped_authorize_is_repeated_and_makes_one_approval,
                                  fresh_service),
        cmocka_unit_test_teardown(
            timed_out_authorize_is_repeated_and_the_service_makes_one_approval, fresh_service),
        cmocka_unit_test_teardown(without_the_capability_a_timed_out_authorize_is_not_repeated,
                                  fresh_service),
    };
    return cmocka_run_group_tests_name("client_idempotency", TESTS, setup, teardown);
}
