/* The approval flow: authorize, the code, approve / deny by code, long
 * polling, slow_down, pending requests, expiry, auto-approval, the
 * signature limit. docs/protocol.md "credentials/authorize",
 * "credentials/authorizeCheck". */
#include "approval_common.h"

#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    /* the longest hold: a poll that missed the approval would end at 30 s,
       so the bounds below leave a busy machine 10 s and still tell */
    h_check(t1(), a.handle, 30, &r);
    double done = h_now();
    pthread_join(th, NULL);
    assert_int_equal(ap.rc, 0);
    H_EXPECT_STATUS(&r, 200);
    assert_non_null(h_jstr(r.json, "SAD"));
    assert_string_equal(h_jstr(r.json, "status"), "approved");
    long sad_ttl = (long)h_jnum(r.json, "expiresIn", -1);
    assert_int_equal(sad_ttl, 60);
    if (done - t0 > 15.0)
        fail_msg("authorizeCheck wait 30 returned %.2f s after the request, approval came "
                 "after ~1 s",
                 done - t0);
    print_message("long poll: answered %.0f ms after the approve command started, %.0f ms "
                  "after it finished\n",
                  (done - ap.at) * 1000, (done - ap.done) * 1000);
    /* the approve command has committed before it exits, so the answer comes
     * as soon as the state changes (50 ms on an idle machine, as printed) */
    if (done - ap.done > 10.0)
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
    h_check(t1(), a.handle, 2, &r);
    H_EXPECT_STATUS(&r, 202);
    /* held for the wait (never less), and then answered (a busy machine may
       add seconds; a hold that never ended would take the client timeout) */
    if (r.elapsed_s < 1.95 || r.elapsed_s > 12.0)
        fail_msg("authorizeCheck wait 2 with no change took %.2f s, want 2 s", r.elapsed_s);
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
    /* an interval of 4 s: the "too soon" checks below have seconds to spare
       on a busy machine (the default 1 s left a few hundred ms) */
    const char *args[] = {"--interval", "4", NULL};
    assert_int_equal(h_server_restart(args), 0);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_STATUS(&r, 202);
    assert_int_equal((int)h_jnum(r.json, "interval", -1), 4);
    h_resp_free(&r);
    double first = h_now();
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "slow_down");
    h_resp_free(&r);
    /* a slow_down answer does not restart the interval: 1 s later it is
     * still too soon, 4.2 s after the answered check it is fine */
    h_sleep_ms(1000);
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "slow_down");
    h_resp_free(&r);
    double left = 4.2 - (h_now() - first);
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
        p[i] = (struct poller){.bearer = t1(), .handle = a[i].handle, .wait = 20};
        assert_int_equal(pthread_create(&th[i], NULL, long_poll_thread, &p[i]), 0);
    }
    h_sleep_ms(300); /* the polls are now held */
    for (int k = 0; k < 3; k++) {
        h_resp r;
        h_post_json("/csc/v2/info", "{}", NULL, &r);
        H_EXPECT_STATUS(&r, 200);
        /* a server the polls held up would answer when they end (20 s) */
        if (r.elapsed_s > 8.0)
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
    /* not at the end of the 10 s hold: approved when the 200 ms were up */
    if (r.elapsed_s > 6.0)
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
        cmocka_unit_test(long_poll_returns_promptly_when_approved_during_wait),
        cmocka_unit_test(long_poll_without_change_returns_202_after_wait),
        cmocka_unit_test(approval_codes_are_unique_among_pending),
        cmocka_unit_test(concurrent_long_polls_do_not_hold_up_other_requests),
        cmocka_unit_test(admin_cli_usage_errors_exit_2),
        cmocka_unit_test(pending_json_describes_each_request),
        /* these restart the server with other options */
        cmocka_unit_test(rapid_wait0_polling_gets_slow_down),
        cmocka_unit_test(approval_ttl_2_expires_and_check_is_expired_token),
        cmocka_unit_test(auto_approve_200_approves_without_the_app),
        cmocka_unit_test(max_signatures_2_limits_num_signatures),
    };
    return cmocka_run_group_tests_name("integration: approvals", tests, h_group_setup, teardown);
}
