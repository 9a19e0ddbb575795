/* Access-token expiry and refresh-token rotation with the real client and,
 * when libcrpki is built (CINT_HAVE_CRPKI), its token store's token source
 * (crpki_auth): refresh during an approval wait, and two processes
 * refreshing at once without presenting a rotated refresh token twice
 * (which would revoke the whole login). docs/protocol.md "/oauth2/token". */
#include "client_harness.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef CINT_HAVE_CRPKI
#include "crpki/auth.h"
#endif

static int setup(void **state)
{
    (void)state;
    if (h_env_init() != 0)
        return -1;
    const char *const args[] = {"--access-ttl", "2", NULL};
    return h_server_start(args);
}

static const h_cred *rsa2048(void)
{
    return ci_cred("user1", CRPKI_KEY_RSA, 2048);
}

/* Signs one hash approved approve_after_ms after the code is shown. */
static void sign_approved_late_ok(rssp_client *c, unsigned approve_after_ms, long *mark)
{
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_APPROVE, approve_after_ms);
    ci_sign_call call;
    ci_sign_prepare(&call, c, rsa2048(), RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1, &app);
    call.req.timeout_ms = 30000;
    *mark = ci_log_mark();
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_OK, &call.ei);
    assert_int_equal(app.ncb, 1);
    X509 *cert = h_load_pem_cert(rsa2048()->cert);
    ci_verify_all_ok(&call, cert, CRPKI_HASH_SHA256);
    X509_free(cert);
    ci_sign_free(&call);
    h_sleep_ms(100);
}

static void access_token_expiring_during_wait_is_refreshed_once_own_source(void **state)
{
    (void)state;
    rssp_client *c = ci_client_ok(NULL);
    rssp_tokens tk;
    ci_login_ok(c, "user1", &tk);
    ci_tokens ts;
    ci_tokens_init(&ts, c, &tk);
    long mark;
    sign_approved_late_ok(c, 4000, &mark);
    int grants = ci_log_count(mark, "POST /oauth2/token 200", NULL);
    int unauth = ci_log_count(mark, " 401 ", NULL);
    print_message("      access-ttl 2, approved after 4 s: %u refresh callback(s), %d refresh "
                  "grant(s), %d 401 answer(s)\n",
                  ts.refreshes, grants, unauth);
    if (ts.refreshes != 1 || grants != 1)
        fail_msg("want one refresh, got %u refresh callbacks and %d refresh grants", ts.refreshes,
                 grants);
    ci_tokens_free(&ts);
    rssp_tokens_free(&tk);
    rssp_client_free(c);
}

static void refused_refresh_token_gives_not_logged_in_without_approval(void **state)
{
    (void)state;
    rssp_client *c = ci_client_ok(NULL);
    rssp_tokens bogus = {.access_token = "bm90LWEtdG9rZW4", .refresh_token = "bm90LWEtdG9rZW4"};
    ci_tokens ts;
    ci_tokens_init(&ts, c, &bogus);
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_MANUAL, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, c, rsa2048(), RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1, &app);
    call.req.timeout_ms = 10000;
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_E_NOT_LOGGED_IN, &call.ei);
    assert_int_equal(app.ncb, 0);
    assert_int_equal(ts.refreshes, 1);
    ci_sign_free(&call);
    ci_tokens_free(&ts);
    rssp_client_free(c);
}

#ifdef CINT_HAVE_CRPKI

static crpki_auth *auth_ok(const char *home, rssp_client *c)
{
    crpki_auth *a = NULL;
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err rc = crpki_auth_new(home, c, &a, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_non_null(a);
    return a;
}

static void access_token_expiring_during_wait_is_refreshed_once_crpki_auth(void **state)
{
    (void)state;
    char *home = ci_tempdir();
    rssp_client *c = ci_client_ok(NULL);
    crpki_auth *a = auth_ok(home, c);
    rssp_tokens tk;
    ci_login_ok(c, "user1", &tk);
    crpki_error_info ei;
    CI_EXPECT_RC(crpki_auth_save_login(a, &tk, &ei), CRPKI_OK, &ei);
    crpki_auth_status st0, st1;
    CI_EXPECT_RC(crpki_auth_get_status(a, &st0, &ei), CRPKI_OK, &ei);
    assert_true(st0.logged_in);
    assert_int_equal(st0.access_expires_at, tk.access_expires_at);
    /* the store is the user's alone */
    char path[4096];
    snprintf(path, sizeof path, "%s/tokens.dat", home);
    struct stat sb;
    if (stat(path, &sb) != 0)
        fail_msg("no %s after crpki_auth_save_login", path);
    if ((sb.st_mode & 0777) != 0600)
        fail_msg("%s has mode %o, want 0600", path, (unsigned)(sb.st_mode & 0777));

    long mark;
    sign_approved_late_ok(c, 4000, &mark);
    int grants = ci_log_count(mark, "POST /oauth2/token 200", NULL);
    int refused = ci_log_count(mark, "POST /oauth2/token 400", NULL);
    print_message("      crpki_auth: access-ttl 2, approved after 4 s: %d refresh grant(s)\n",
                  grants);
    if (grants != 1 || refused != 0)
        fail_msg("want one refresh grant, got %d (and %d refused)", grants, refused);
    CI_EXPECT_RC(crpki_auth_get_status(a, &st1, &ei), CRPKI_OK, &ei);
    assert_true(st1.logged_in);
    if (st1.access_expires_at <= st0.access_expires_at)
        fail_msg("the refreshed tokens were not stored (access_expires_at %lld -> %lld)",
                 (long long)st0.access_expires_at, (long long)st1.access_expires_at);
    crpki_auth_free(a);
    rssp_tokens_free(&tk);
    rssp_client_free(c);
    ci_rm_tree(home);
    free(home);
}

/* Child: a separate application on the same CRPKI_HOME. Waits for the go
 * (EOF on fd), then lists credentials. Exit 0 on success. */
static void child_list(const char *home, int go_fd, size_t want)
{
    rssp_options o;
    ci_options(&o);
    rssp_client *c = NULL;
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    if (rssp_client_new(&o, &c, &ei) != CRPKI_OK)
        _exit(20);
    crpki_auth *a = NULL;
    if (crpki_auth_new(home, c, &a, &ei) != CRPKI_OK)
        _exit(21);
    char b;
    while (read(go_fd, &b, 1) < 0 && errno == EINTR)
        ;
    char **ids = NULL;
    size_t n = 0;
    crpki_err rc = rssp_list_credentials(c, &ids, &n, &ei);
    if (rc != CRPKI_OK) {
        fprintf(stderr, "child %d: rssp_list_credentials: %s\n", (int)getpid(),
                ci_describe(rc, &ei));
        _exit(30 + (int)rc);
    }
    rssp_free_strings(ids, n);
    crpki_auth_free(a);
    rssp_client_free(c);
    _exit(n == want ? 0 : 22);
}

static void two_processes_refreshing_at_once_both_succeed_and_the_login_survives(void **state)
{
    (void)state;
    char *home = ci_tempdir();
    rssp_client *c = ci_client_ok(NULL);
    crpki_auth *a = auth_ok(home, c);
    rssp_tokens tk;
    ci_login_ok(c, "user1", &tk);
    crpki_error_info ei;
    CI_EXPECT_RC(crpki_auth_save_login(a, &tk, &ei), CRPKI_OK, &ei);
    size_t want = h_user_by_id("user1")->ncreds;
    long mark = ci_log_mark();
    const int rounds = 3, nchild = 2;
    for (int r = 0; r < rounds; r++) {
        int go[2];
        assert_int_equal(pipe(go), 0);
        pid_t pids[2];
        fflush(NULL);
        for (int i = 0; i < nchild; i++) {
            pids[i] = fork();
            assert_true(pids[i] >= 0);
            if (pids[i] == 0) {
                close(go[1]);
                child_list(home, go[0], want);
            }
        }
        close(go[0]);
        h_sleep_ms(2000); /* --access-ttl 1: the stored access token has expired */
        close(go[1]);     /* go: both at once */
        for (int i = 0; i < nchild; i++) {
            int st;
            while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
                ;
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                fail_msg("round %d: child %d failed (wait status 0x%x, exit %d: 30+crpki_err "
                         "of rssp_list_credentials)",
                         r, i, (unsigned)st, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        }
    }
    /* the family survived: this process still works with the store */
    h_sleep_ms(1100);
    char **ids = NULL;
    size_t n = 0;
    crpki_err rc = rssp_list_credentials(c, &ids, &n, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_int_equal(n, want);
    rssp_free_strings(ids, n);
    h_sleep_ms(100);
    int grants = ci_log_count(mark, "POST /oauth2/token 200", NULL);
    int refused = ci_log_count(mark, "POST /oauth2/token 400", NULL);
    int unauth = ci_log_count(mark, "/csc/v2/credentials/list 401", NULL);
    print_message("      %d rounds x %d processes: %d refresh grants, %d refused, %d list 401s\n",
                  rounds, nchild, grants, refused, unauth);
    if (refused != 0)
        fail_msg("%d refresh grant(s) refused: a rotated refresh token was presented again "
                 "(the service revoked the login)",
                 refused);
    crpki_auth_status st;
    CI_EXPECT_RC(crpki_auth_get_status(a, &st, &ei), CRPKI_OK, &ei);
    assert_true(st.logged_in);
    crpki_auth_free(a);
    rssp_tokens_free(&tk);
    rssp_client_free(c);
    ci_rm_tree(home);
    free(home);
}

static int ttl1_setup(void **state)
{
    (void)state;
    const char *const args[] = {"--access-ttl", "1", NULL};
    return h_server_restart_same_port(args);
}

static int ttl2_teardown(void **state)
{
    (void)state;
    const char *const args[] = {"--access-ttl", "2", NULL};
    return h_server_restart_same_port(args);
}

static void after_logout_sign_gives_not_logged_in(void **state)
{
    (void)state;
    char *home = ci_tempdir();
    rssp_client *c = ci_client_ok(NULL);
    crpki_auth *a = auth_ok(home, c);
    rssp_tokens tk;
    ci_login_ok(c, "user2", &tk);
    crpki_error_info ei;
    CI_EXPECT_RC(crpki_auth_save_login(a, &tk, &ei), CRPKI_OK, &ei);
    CI_EXPECT_RC(crpki_auth_logout(a, &ei), CRPKI_OK, &ei);
    crpki_auth_status st;
    CI_EXPECT_RC(crpki_auth_get_status(a, &st, &ei), CRPKI_OK, &ei);
    assert_false(st.logged_in);
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_MANUAL, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, c, &h_user_by_id("user2")->creds[0], RSSP_SIG_RSA_PKCS1,
                    CRPKI_HASH_SHA256, hash, 1, &app);
    call.req.timeout_ms = 10000;
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_E_NOT_LOGGED_IN, &call.ei);
    assert_int_equal(app.ncb, 0);
    /* and the login was revoked at the service too */
    rssp_tokens t2;
    memset(&t2, 0, sizeof t2);
    CI_EXPECT_RC(rssp_refresh(c, tk.refresh_token, &t2, &ei), CRPKI_E_NOT_LOGGED_IN, &ei);
    ci_sign_free(&call);
    crpki_auth_free(a);
    rssp_tokens_free(&tk);
    rssp_client_free(c);
    ci_rm_tree(home);
    free(home);
}

#endif /* CINT_HAVE_CRPKI */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(access_token_expiring_during_wait_is_refreshed_once_own_source),
        cmocka_unit_test(refused_refresh_token_gives_not_logged_in_without_approval),
#ifdef CINT_HAVE_CRPKI
        cmocka_unit_test(access_token_expiring_during_wait_is_refreshed_once_crpki_auth),
        cmocka_unit_test_setup_teardown(
            two_processes_refreshing_at_once_both_succeed_and_the_login_survives, ttl1_setup,
            ttl2_teardown),
        cmocka_unit_test(after_logout_sign_gives_not_logged_in),
#endif
    };
    return cmocka_run_group_tests_name("client_tokens", tests, setup, h_group_teardown);
}
