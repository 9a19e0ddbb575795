/* rssp_sign's ways to end without a signature, against crpki-rsspd: the
 * representative denies, the approval expires, the user cancels in the
 * middle of the long poll, the caller's deadline passes; and a long poll in
 * one thread does not hold up another thread's signature. */
#include "client_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rssp_client *C;
static ci_tokens T;

static int setup(void **state)
{
    if (h_group_setup(state) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    if (C) {
        rssp_client_free(C);
        ci_tokens_free(&T);
    }
    return h_group_teardown(state);
}

static rssp_client *client(void)
{
    if (!C) {
        C = ci_client_ok(NULL);
        rssp_tokens tk;
        ci_login_ok(C, "user1", &tk);
        ci_tokens_init(&T, C, &tk);
        rssp_tokens_free(&tk);
    }
    return C;
}

static const h_cred *rsa2048(void)
{
    return ci_cred("user1", CRPKI_KEY_RSA, 2048);
}

static int pending_with_code(const char *code)
{
    cJSON *p = h_pending_json();
    int found = 0;
    const cJSON *arr = NULL, *rec;
    h_json_records(p, &arr);
    cJSON_ArrayForEach(rec, arr)
    {
        const char *c = h_jstr(rec, "approvalCode");
        if (c && strcmp(c, code) == 0)
            found = 1;
    }
    cJSON_Delete(p);
    return found;
}

static void sign_denied_in_app_gives_denied(void **state)
{
    (void)state;
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_DENY, 300);
    ci_sign_call call;
    ci_sign_prepare(&call, client(), rsa2048(), RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1,
                    &app);
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_E_DENIED, &call.ei);
    assert_int_equal(app.ncb, 1);
    assert_int_equal(app.act_rc, 0);
    assert_int_equal(call.out.n, 0);
    double after = call.t_end - app.t_act_end;
    print_message("      denied: returned %.0f ms after `deny` exited\n", after * 1e3);
    /* the long poll is held 30 s: 10 s tells "at the denial" from "at the
       end of the hold" and leaves a busy machine room */
    if (after > 10.0)
        fail_msg("rssp_sign returned %.2f s after the denial", after);
    ci_sign_free(&call);
}

static void approval_not_given_within_its_ttl_gives_approval_expired(void **state)
{
    (void)state;
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_MANUAL, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, client(), rsa2048(), RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1,
                    &app);
    call.req.timeout_ms = 30000;
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_E_APPROVAL_EXPIRED, &call.ei);
    assert_int_equal(app.ncb, 1);
    if (app.expires_in_s < 1 || app.expires_in_s > 2)
        fail_msg("callback expires_in_s %u with --approval-ttl 2", app.expires_in_s);
    double el = call.t_end - call.t_start;
    print_message("      expired after %.0f ms (approval-ttl 2 s)\n", el * 1e3);
    if (el < 1.5 || el > 15.0)
        fail_msg("CRPKI_E_APPROVAL_EXPIRED after %.2f s with a 2 s approval", el);
    ci_sign_free(&call);
}

static int ttl2_setup(void **state)
{
    (void)state;
    const char *const args[] = {"--approval-ttl", "2", NULL};
    return h_server_restart_same_port(args);
}

static int default_teardown(void **state)
{
    (void)state;
    return h_server_restart_same_port(NULL);
}

static void cancel_during_long_poll_gives_cancelled_within_500ms(void **state)
{
    (void)state;
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_MANUAL, 0);
    rssp_cancel *cn = rssp_cancel_new();
    assert_non_null(cn);
    assert_false(rssp_cancel_is_triggered(cn));
    ci_sign_call call;
    ci_sign_prepare(&call, client(), rsa2048(), RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1,
                    &app);
    call.req.cancel = cn;
    ci_sign_start(&call);
    if (!ci_app_wait_code(&app, 10000))
        fail_msg("no approval code within 10 s");
    h_sleep_ms(1500); /* the long poll is held by now */
    if (!pending_with_code(app.code))
        fail_msg("approval %s is not pending before the cancel", app.code);
    double t_trigger = h_now();
    rssp_cancel_trigger(cn);
    rssp_cancel_trigger(cn); /* idempotent */
    assert_true(rssp_cancel_is_triggered(cn));
    ci_sign_join(&call);
    ci_app_stop(&app);
    double lat = call.t_end - t_trigger;
    CI_EXPECT_RC(call.rc, CRPKI_E_CANCELLED, &call.ei);
    print_message("      cancel -> CRPKI_E_CANCELLED after %.1f ms (header promises ~100 ms)\n",
                  lat * 1e3);
    /* printed above: ~100 ms on an idle machine; the bound tells a cancel
       heard at once from a poll held to its 30 s end, with room for load */
    if (lat > 3.0)
        fail_msg("cancel took %.0f ms, want < 3 s", lat * 1e3);
    assert_int_equal(call.out.n, 0);
    ci_sign_free(&call);
    rssp_cancel_free(cn);
}

static void cancel_triggered_before_the_call_gives_cancelled_at_once(void **state)
{
    (void)state;
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_MANUAL, 0);
    rssp_cancel *cn = rssp_cancel_new();
    rssp_cancel_trigger(cn);
    ci_sign_call call;
    ci_sign_prepare(&call, client(), rsa2048(), RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1,
                    &app);
    call.req.cancel = cn;
    call.req.timeout_ms = 10000;
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_E_CANCELLED, &call.ei);
    double el = call.t_end - call.t_start;
    print_message("      pre-triggered cancel -> returned in %.1f ms, %u callbacks\n", el * 1e3,
                  app.ncb);
    if (el > 5.0) /* without the cancel it would wait the 10 s timeout */
        fail_msg("a pre-triggered cancel took %.2f s", el);
    ci_sign_free(&call);
    rssp_cancel_free(cn);
}

static void client_still_signs_after_a_cancel(void **state)
{
    (void)state;
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_APPROVE, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, client(), rsa2048(), RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1,
                    &app);
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_OK, &call.ei);
    X509 *cert = h_load_pem_cert(rsa2048()->cert);
    ci_verify_all_ok(&call, cert, CRPKI_HASH_SHA256);
    X509_free(cert);
    ci_sign_free(&call);
}

static void deadline_1500ms_never_approved_gives_deadline_in_about_1_5s(void **state)
{
    (void)state;
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_MANUAL, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, client(), rsa2048(), RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1,
                    &app);
    call.req.timeout_ms = 1500;
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_E_DEADLINE, &call.ei);
    assert_int_equal(app.ncb, 1);
    double el = call.t_end - call.t_start;
    print_message("      deadline 1500 ms -> CRPKI_E_DEADLINE after %.1f ms\n", el * 1e3);
    if (el < 1.4 || el > 6.0) /* never early; late only by a busy machine */
        fail_msg("deadline of 1.5 s ended after %.3f s", el);
    ci_sign_free(&call);
}

static void approval_3s_later_is_picked_up_by_the_long_poll_at_once(void **state)
{
    (void)state;
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_APPROVE, 3000);
    ci_sign_call call;
    ci_sign_prepare(&call, client(), rsa2048(), RSSP_SIG_RSA_PSS, CRPKI_HASH_SHA256, hash, 1, &app);
    long mark = ci_log_mark();
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_OK, &call.ei);
    double lat = call.t_end - app.t_act_end;
    double lat0 = call.t_end - app.t_act_start;
    h_sleep_ms(50);
    int checks = ci_log_count(mark, "/csc/v2/credentials/authorizeCheck", NULL);
    print_message("      returned %.1f ms after `approve` exited (%.1f ms after it started), "
                  "%d authorizeCheck requests over 3 s\n",
                  lat * 1e3, lat0 * 1e3, checks);
    if (lat > 5.0) /* the poll would otherwise end at 30 s */
        fail_msg("the signature came %.2f s after the approval", lat);
    if (checks > 4)
        fail_msg("%d authorizeCheck requests in 3 s: not long polling", checks);
    X509 *cert = h_load_pem_cert(rsa2048()->cert);
    ci_verify_all_ok(&call, cert, CRPKI_HASH_SHA256);
    X509_free(cert);
    ci_sign_free(&call);
}

static void long_poll_in_one_thread_does_not_hold_up_another(void **state)
{
    (void)state;
    rssp_client *c = client();
    uint8_t ha[32], hb[48];
    h_random(ha, sizeof ha);
    h_random(hb, sizeof hb);
    ci_app app_a, app_b;
    ci_app_start(&app_a, CI_MANUAL, 0);
    ci_sign_call a, b;
    ci_sign_prepare(&a, c, rsa2048(), RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, ha, 1, &app_a);
    ci_sign_start(&a);
    if (!ci_app_wait_code(&app_a, 10000))
        fail_msg("no approval code for A");
    h_sleep_ms(500); /* A's long poll is in flight */
    ci_app_start(&app_b, CI_APPROVE, 0);
    const h_cred *ec = ci_cred("user1", CRPKI_KEY_EC, 256);
    ci_sign_prepare(&b, c, ec, RSSP_SIG_ECDSA, CRPKI_HASH_SHA384, hb, 1, &app_b);
    ci_sign_run(&b); /* on this thread, while A waits */
    ci_app_stop(&app_b);
    CI_EXPECT_RC(b.rc, CRPKI_OK, &b.ei);
    double b_time = b.t_end - b.t_start;
    if (strcmp(app_a.code, app_b.code) == 0)
        fail_msg("A and B got the same approval code %s", app_a.code);
    /* A is still waiting */
    if (__atomic_load_n(&a.done, __ATOMIC_ACQUIRE))
        fail_msg("A returned (%s) before its approval", crpki_err_name(a.rc));
    assert_int_equal(h_approve(app_a.code), 0);
    ci_sign_join(&a);
    ci_app_stop(&app_a);
    CI_EXPECT_RC(a.rc, CRPKI_OK, &a.ei);
    print_message("      B signed in %.0f ms while A's long poll was held\n", b_time * 1e3);
    if (b_time > 15.0) /* A's poll is held 30 s */
        fail_msg("B took %.1f s while A waited", b_time);
    X509 *ca = h_load_pem_cert(rsa2048()->cert), *cb = h_load_pem_cert(ec->cert);
    ci_verify_all_ok(&a, ca, CRPKI_HASH_SHA256);
    ci_verify_all_ok(&b, cb, CRPKI_HASH_SHA384);
    X509_free(ca);
    X509_free(cb);
    ci_sign_free(&a);
    ci_sign_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sign_denied_in_app_gives_denied),
        cmocka_unit_test_setup_teardown(approval_not_given_within_its_ttl_gives_approval_expired,
                                        ttl2_setup, default_teardown),
        cmocka_unit_test(cancel_during_long_poll_gives_cancelled_within_500ms),
        cmocka_unit_test(cancel_triggered_before_the_call_gives_cancelled_at_once),
        cmocka_unit_test(client_still_signs_after_a_cancel),
        cmocka_unit_test(deadline_1500ms_never_approved_gives_deadline_in_about_1_5s),
        cmocka_unit_test(approval_3s_later_is_picked_up_by_the_long_poll_at_once),
        cmocka_unit_test(long_poll_in_one_thread_does_not_hold_up_another),
    };
    return cmocka_run_group_tests_name("client_approval", tests, setup, teardown);
}
