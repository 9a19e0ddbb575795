/* State survives a restart of the service (DIR/state.db), and SIGTERM stops
 * it cleanly, even with a long poll in flight. docs/protocol.md "The
 * reference service". */
#include "harness.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define SHA256_OID "2.16.840.1.101.3.4.2.1"

static void expect_clean_exit(int st)
{
    if (st == -2)
        fail_msg("crpki-rsspd ignored SIGTERM for 5 s and was killed");
    if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("crpki-rsspd did not exit 0 on SIGTERM (wait status 0x%x)", (unsigned)st);
}

static const h_cred *rsa_cred(void)
{
    const h_user *u = h_user_by_id("user1");
    for (size_t i = 0; i < u->ncreds; i++)
        if (u->creds[i].key_type == CRPKI_KEY_RSA)
            return &u->creds[i];
    return NULL;
}

static void pending_approval_survives_restart_and_signs(void **state)
{
    (void)state;
    h_tokens t;
    h_login_ok("user1", &t);
    const h_cred *c = rsa_cred();
    X509 *cert = h_cred_cert_ok(t.access, c);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t.access, c->id, SHA256_OID, d, 1, 32, &a);

    expect_clean_exit(h_server_stop());
    assert_int_equal(h_server_start(NULL), 0);

    assert_int_equal(h_approve(a.code), 0);
    char *sad = h_wait_sad_ok(t.access, a.handle);
    h_resp r;
    h_sign_hash(t.access, c->id, sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSA_ENCRYPTION, NULL, &r);
    uint8_t *sig;
    size_t sl;
    h_resp_signatures_ok(&r, 1, &sig, &sl);
    if (!h_verify_sig(cert, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, d, 32, sig, sl))
        fail_msg("signature after restart does not verify");
    free(sig);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
    X509_free(cert);
    h_tokens_free(&t);
}

static void approved_sad_survives_restart(void **state)
{
    (void)state;
    h_tokens t;
    h_login_ok("user1", &t);
    const h_cred *c = rsa_cred();
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t.access, c->id, SHA256_OID, d, 1, 32, &a);
    assert_int_equal(h_approve(a.code), 0);
    char *sad = h_wait_sad_ok(t.access, a.handle);

    expect_clean_exit(h_server_stop());
    assert_int_equal(h_server_start(NULL), 0);

    h_resp r;
    h_sign_hash(t.access, c->id, sad, SHA256_OID, d, 1, 32, "1.2.840.113549.1.1.11", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    /* and it stays single use across the restart */
    h_sign_hash(t.access, c->id, sad, SHA256_OID, d, 1, 32, "1.2.840.113549.1.1.11", NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
    h_tokens_free(&t);
}

static void login_survives_restart(void **state)
{
    (void)state;
    h_tokens t;
    h_login_ok("user2", &t);
    expect_clean_exit(h_server_stop());
    assert_int_equal(h_server_start(NULL), 0);
    h_resp r;
    h_post_json("/csc/v2/credentials/list", "{}", t.access, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    h_refresh(t.refresh, &r);
    h_tokens n;
    h_tokens_from(&r, &n);
    h_resp_free(&r);
    h_post_json("/csc/v2/credentials/list", "{}", n.access, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    h_tokens_free(&n);
    h_tokens_free(&t);
}

static void audit_survives_restart(void **state)
{
    (void)state;
    /* the signatures of the tests above are still in the audit log */
    cJSON *j = h_audit_json();
    if (!j)
        fail_msg("audit --json did not print JSON");
    int n = h_json_records(j, NULL);
    if (n < 2)
        fail_msg("audit --json has %d records after restarts, want >= 2", n);
    cJSON_Delete(j);
}

struct killer {
    pid_t pid;
    double at;
};

static void *sigterm_later(void *arg)
{
    struct killer *k = arg;
    h_sleep_ms(1000);
    k->at = h_now();
    kill(k->pid, SIGTERM);
    return NULL;
}

static void sigterm_during_long_poll_stops_within_5s(void **state)
{
    (void)state;
    h_tokens t;
    h_login_ok("user1", &t);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t.access, rsa_cred()->id, SHA256_OID, d, 1, 32, &a);
    struct killer k = {.pid = h_server_pid()};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, sigterm_later, &k), 0);
    h_resp r;
    h_check(t.access, a.handle, 30, &r); /* held open until the stop */
    pthread_join(th, NULL);
    double answered = h_now() - k.at;
    h_resp_free(&r);
    expect_clean_exit(h_server_stop());
    if (answered > 10.0) /* it would be held to its 30 s end */
        fail_msg("the long poll was held %.1f s after SIGTERM", answered);
    assert_int_equal(h_server_start(NULL), 0);
    /* and the approval is still there afterwards */
    assert_int_equal(h_deny(a.code), 0);
    h_check(t.access, a.handle, 5, &r);
    H_EXPECT_ERROR(&r, 400, "access_denied");
    h_resp_free(&r);
    h_approval_free(&a);
    h_tokens_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pending_approval_survives_restart_and_signs),
        cmocka_unit_test(approved_sad_survives_restart),
        cmocka_unit_test(login_survives_restart),
        cmocka_unit_test(audit_survives_restart),
        cmocka_unit_test(sigterm_during_long_poll_stops_within_5s),
    };
    return cmocka_run_group_tests_name("integration: restart", tests, h_group_setup,
                                       h_group_teardown);
}
