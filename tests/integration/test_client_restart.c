/* The service restarts while rssp_sign waits for the approval: the pending
 * approval survives in DIR/state.db (docs/protocol.md "The reference
 * service"), so the client must ride over the outage, and the sign call
 * completes once the representative approves. */
#include "client_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rssp_client *C;
static ci_tokens T;

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

/* rssp_sign on a thread; restart the service (down for down_ms) in the
 * middle of the long poll; approve; the call completes. */
static void restart_during_wait(unsigned down_ms)
{
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 3072);
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_MANUAL, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, client(), cred, RSSP_SIG_RSA_PSS, CRPKI_HASH_SHA256, hash, 1, &app);
    call.req.timeout_ms = 60000;
    int port = h_port();
    ci_sign_start(&call);
    if (!ci_app_wait_code(&app, 10000))
        fail_msg("no approval code within 10 s");
    h_sleep_ms(1000); /* the long poll is held */
    double t_stop = h_now();
    int st = h_server_stop();
    if (st < 0)
        fail_msg("crpki-rsspd did not stop cleanly (%d)", st);
    h_sleep_ms(down_ms);
    /* same port: the client knows the service by its URL */
    if (h_server_start_on_port(port, NULL) != 0)
        fail_msg("crpki-rsspd did not come back on port %d", port);
    double t_up = h_now();
    assert_int_equal(h_port(), port);
    if (__atomic_load_n(&call.done, __ATOMIC_ACQUIRE))
        fail_msg("rssp_sign gave up during the outage: %s after %.1f s",
                 ci_describe(call.rc, &call.ei), call.t_end - t_stop);
    h_sleep_ms(300);
    double t_approve = h_now();
    int rc = h_approve(app.code);
    if (rc != 0)
        fail_msg("approve --code %s after the restart exited %d", app.code, rc);
    ci_sign_join(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_OK, &call.ei);
    print_message("      down %.0f ms; signature %.0f ms after the approval\n",
                  (t_up - t_stop) * 1e3, (call.t_end - t_approve) * 1e3);
    if (call.t_end - t_approve > 10.0) /* the poll would hold 30 s */
        fail_msg("the signature came %.1f s after the approval", call.t_end - t_approve);
    X509 *cert = h_load_pem_cert(cred->cert);
    ci_verify_all_ok(&call, cert, CRPKI_HASH_SHA256);
    X509_free(cert);
    ci_sign_free(&call);
}

static void service_restarted_while_waiting_sign_completes_after_approval(void **state)
{
    (void)state;
    restart_during_wait(0);
}

static void service_down_3s_while_waiting_sign_completes_after_approval(void **state)
{
    (void)state;
    /* the server is stopped; start it only after 3 s */
    restart_during_wait(3000);
}

static void service_down_past_the_deadline_ends_within_the_deadline(void **state)
{
    (void)state;
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_MANUAL, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, client(), cred, RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1, &app);
    call.req.timeout_ms = 4000;
    ci_sign_start(&call);
    if (!ci_app_wait_code(&app, 4000))
        fail_msg("no approval code");
    h_sleep_ms(500);
    int port = h_port();
    h_server_stop();
    ci_sign_join(&call);
    ci_app_stop(&app);
    double el = call.t_end - call.t_start;
    print_message("      service gone, deadline 4 s -> %s after %.0f ms\n", crpki_err_name(call.rc),
                  el * 1e3);
    if (call.rc != CRPKI_E_DEADLINE && call.rc != CRPKI_E_NETWORK)
        fail_msg("want CRPKI_E_DEADLINE or CRPKI_E_NETWORK, got %s",
                 ci_describe(call.rc, &call.ei));
    /* the last retry is made just before the deadline, not given up early
       (a busy machine may make it return late, never early) */
    if (el < 3.5 || el > 8.0)
        fail_msg("returned after %.2f s with a 4 s deadline, want 3.5-8 s", el);
    ci_sign_free(&call);
    /* bring it back for whoever comes next */
    assert_int_equal(h_server_start_on_port(port, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(service_restarted_while_waiting_sign_completes_after_approval),
        cmocka_unit_test(service_down_3s_while_waiting_sign_completes_after_approval),
        cmocka_unit_test(service_down_past_the_deadline_ends_within_the_deadline),
    };
    return cmocka_run_group_tests_name("client_restart", tests, h_group_setup, teardown);
}
