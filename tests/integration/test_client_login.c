/* rssp_client's OAuth 2.0 (PKCE) login, refresh and revoke against
 * crpki-rsspd; the test plays the browser. docs/protocol.md "OAuth 2.0". */
#include "client_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static rssp_client *C;

static int setup(void **state)
{
    if (h_group_setup(state) != 0)
        return -1;
    rssp_options o;
    ci_options(&o);
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err rc = rssp_client_new(&o, &C, &ei);
    if (rc != CRPKI_OK) {
        fprintf(stderr, "rssp_client_new: %s\n", ci_describe(rc, &ei));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    rssp_client_free(C);
    C = NULL;
    return h_group_teardown(state);
}

/* A begun login, and the browser's trip up to the redirect. */
typedef struct {
    rssp_login *login;
    char *location;
    long status;
    char redirect_uri[64];
} flow;

static void flow_begin(flow *f)
{
    memset(f, 0, sizeof *f);
    ci_redirect_uri(f->redirect_uri, sizeof f->redirect_uri);
    crpki_error_info ei;
    crpki_err rc = rssp_login_begin(C, f->redirect_uri, &f->login, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_non_null(f->login);
    assert_non_null(rssp_login_url(f->login));
}

static void flow_browse(flow *f, const char *user, const char *consent)
{
    const h_user *u = h_user_by_id(user);
    f->location = ci_browser(rssp_login_url(f->login), u->id, u->password, consent, &f->status);
    if (!f->location)
        fail_msg("login form (consent=%s): want 302, got %ld", consent, f->status);
    if (strncmp(f->location, f->redirect_uri, strlen(f->redirect_uri)) != 0)
        fail_msg("redirect %s is not to %s", f->location, f->redirect_uri);
}

static void flow_free(flow *f)
{
    rssp_login_free(f->login);
    free(f->location);
    memset(f, 0, sizeof *f);
}

static void expect_param(const char *url, const char *name, const char *want)
{
    char *v = h_query_param(url, name);
    if (!v || (want && strcmp(v, want) != 0))
        fail_msg("authorization URL: %s=%s, want %s (URL %s)", name, v ? v : "(absent)",
                 want ? want : "(present)", url);
    free(v);
}

static void pkce_login_with_full_redirect_url_gives_working_tokens(void **state)
{
    (void)state;
    flow f;
    flow_begin(&f);
    const char *url = rssp_login_url(f.login);
    expect_param(url, "response_type", "code");
    expect_param(url, "client_id", "crpki-driver");
    expect_param(url, "redirect_uri", f.redirect_uri);
    expect_param(url, "code_challenge_method", "S256");
    char *ch = h_query_param(url, "code_challenge");
    assert_non_null(ch);
    assert_int_equal(strlen(ch), 43);
    free(ch);
    expect_param(url, "state", NULL);

    flow_browse(&f, "user1", "approve");
    rssp_tokens t;
    memset(&t, 0, sizeof t);
    crpki_error_info ei;
    crpki_err rc = rssp_login_finish(C, f.login, f.location, &t, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_non_null(t.access_token);
    assert_non_null(t.refresh_token);
    int64_t now = (int64_t)time(NULL);
    if (t.access_expires_at < now + 250 || t.access_expires_at > now + 310)
        fail_msg("access_expires_at %lld, want about now + 300 (%lld)",
                 (long long)t.access_expires_at, (long long)(now + 300));

    /* the tokens work: list the user's credentials with them */
    ci_tokens ts;
    ci_tokens_init(&ts, C, &t);
    char **ids = NULL;
    size_t n = 0;
    rc = rssp_list_credentials(C, &ids, &n, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_int_equal(n, h_user_by_id("user1")->ncreds);
    assert_int_equal(ts.refreshes, 0);
    rssp_free_strings(ids, n);
    ci_tokens_free(&ts);
    rssp_tokens_free(&t);
    flow_free(&f);
}

static void pkce_login_with_query_string_only_gives_tokens(void **state)
{
    (void)state;
    flow f;
    flow_begin(&f);
    flow_browse(&f, "user2", "approve");
    const char *q = strchr(f.location, '?');
    assert_non_null(q);
    rssp_tokens t;
    memset(&t, 0, sizeof t);
    crpki_error_info ei;
    crpki_err rc = rssp_login_finish(C, f.login, q + 1, &t, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_non_null(t.access_token);
    assert_non_null(t.refresh_token);
    rssp_tokens_free(&t);
    flow_free(&f);
}

static void login_state_mismatch_is_refused_without_exchanging_the_code(void **state)
{
    (void)state;
    flow f;
    flow_begin(&f);
    flow_browse(&f, "user1", "approve");
    char *st = h_query_param(f.location, "state");
    char *code = h_query_param(f.location, "code");
    assert_non_null(st);
    assert_non_null(code);
    char *ecode = h_urlencode(code);
    char forged[1024];
    snprintf(forged, sizeof forged, "%s?code=%s&state=forged-%s", f.redirect_uri, ecode, st);
    long mark = ci_log_mark();
    rssp_tokens t;
    memset(&t, 0, sizeof t);
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err rc = rssp_login_finish(C, f.login, forged, &t, &ei);
    if (rc == CRPKI_OK)
        fail_msg("rssp_login_finish with a forged state: OK, want an error");
    print_message("      state mismatch -> %s\n", ci_describe(rc, &ei));
    assert_null(t.access_token);
    assert_null(t.refresh_token);
    h_sleep_ms(100);
    int token_calls = ci_log_count(mark, "/oauth2/token", NULL);
    if (token_calls != 0)
        fail_msg("state mismatch: the client still called /oauth2/token %d time(s)", token_calls);
    /* a redirect without any state is refused the same way */
    snprintf(forged, sizeof forged, "%s?code=%s", f.redirect_uri, ecode);
    rc = rssp_login_finish(C, f.login, forged, &t, &ei);
    if (rc == CRPKI_OK)
        fail_msg("rssp_login_finish without state: OK, want an error");
    assert_null(t.access_token);
    rssp_tokens_free(&t);
    free(ecode);
    free(code);
    free(st);
    flow_free(&f);
}

static void login_finished_with_another_logins_redirect_is_refused(void **state)
{
    (void)state;
    flow a, b;
    flow_begin(&a);
    flow_begin(&b);
    char *sa = h_query_param(rssp_login_url(a.login), "state");
    char *sb = h_query_param(rssp_login_url(b.login), "state");
    char *ca = h_query_param(rssp_login_url(a.login), "code_challenge");
    char *cb = h_query_param(rssp_login_url(b.login), "code_challenge");
    if (strcmp(sa, sb) == 0 || strcmp(ca, cb) == 0)
        fail_msg("two logins share state or code_challenge");
    flow_browse(&b, "user1", "approve");
    rssp_tokens t;
    memset(&t, 0, sizeof t);
    crpki_error_info ei;
    crpki_err rc = rssp_login_finish(C, a.login, b.location, &t, &ei);
    if (rc == CRPKI_OK)
        fail_msg("login A finished with login B's redirect");
    assert_null(t.access_token);
    free(sa);
    free(sb);
    free(ca);
    free(cb);
    flow_free(&a);
    flow_free(&b);
}

static void login_consent_denied_gives_denied(void **state)
{
    (void)state;
    flow f;
    flow_begin(&f);
    flow_browse(&f, "user1", "deny");
    char *err = h_query_param(f.location, "error");
    if (!err || strcmp(err, "access_denied") != 0)
        fail_msg("deny: redirect %s lacks error=access_denied", f.location);
    free(err);
    long mark = ci_log_mark();
    rssp_tokens t;
    memset(&t, 0, sizeof t);
    crpki_error_info ei;
    crpki_err rc = rssp_login_finish(C, f.login, f.location, &t, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_DENIED, &ei);
    assert_null(t.access_token);
    h_sleep_ms(100);
    assert_int_equal(ci_log_count(mark, "/oauth2/token", NULL), 0);
    flow_free(&f);
}

static void refresh_rotates_and_a_reused_refresh_token_is_not_logged_in(void **state)
{
    (void)state;
    rssp_tokens t1, t2, t3;
    ci_login_ok(C, "user1", &t1);
    crpki_error_info ei;
    memset(&t2, 0, sizeof t2);
    crpki_err rc = rssp_refresh(C, t1.refresh_token, &t2, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_non_null(t2.access_token);
    assert_non_null(t2.refresh_token);
    if (strcmp(t2.refresh_token, t1.refresh_token) == 0)
        fail_msg("refresh did not rotate the refresh token");
    if (strcmp(t2.access_token, t1.access_token) == 0)
        fail_msg("refresh returned the same access token");
    /* the rotated-out token again: refused, and the family is revoked */
    memset(&t3, 0, sizeof t3);
    rc = rssp_refresh(C, t1.refresh_token, &t3, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_NOT_LOGGED_IN, &ei);
    assert_null(t3.access_token);
    rc = rssp_refresh(C, t2.refresh_token, &t3, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_NOT_LOGGED_IN, &ei);
    rssp_tokens_free(&t3);
    rssp_tokens_free(&t2);
    rssp_tokens_free(&t1);
}

static void revoke_logs_out_and_csc_calls_become_not_logged_in(void **state)
{
    (void)state;
    rssp_tokens t;
    ci_login_ok(C, "user2", &t);
    crpki_error_info ei;
    crpki_err rc = rssp_revoke(C, t.access_token, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    ci_tokens ts;
    ci_tokens_init(&ts, C, &t);
    char **ids = NULL;
    size_t n = 0;
    rc = rssp_list_credentials(C, &ids, &n, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_NOT_LOGGED_IN, &ei);
    assert_null(ids);
    assert_int_equal(ts.refreshes, 1);
    ci_tokens_free(&ts);
    /* revoking an unknown token is fine (RFC 7009) */
    rc = rssp_revoke(C, "not-a-token", &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    rssp_tokens_free(&t);
}

static void info_without_login_names_the_service(void **state)
{
    (void)state;
    rssp_service_info i;
    memset(&i, 0, sizeof i);
    crpki_error_info ei;
    crpki_err rc = rssp_info(C, &i, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_non_null(i.name);
    assert_string_equal(i.name, "crpki-rsspd");
    assert_non_null(i.specs);
    assert_string_equal(i.specs, "2.0.0.0");
    assert_non_null(i.region);
    assert_string_equal(i.region, "JP");
    assert_int_equal(i.max_signatures, 64);
    if (!(i.latency_ms > 0 && i.latency_ms < 5000))
        fail_msg("info latency_ms %.3f", i.latency_ms);
    rssp_service_info_free(&i);
}

static crpki_err no_token(void *ctx, char *buf, size_t n)
{
    (void)ctx;
    (void)buf;
    (void)n;
    return CRPKI_E_NOT_LOGGED_IN;
}

static crpki_err no_refresh(void *ctx, const char *refused, char *buf, size_t n)
{
    (void)ctx;
    (void)refused;
    (void)buf;
    (void)n;
    return CRPKI_E_NOT_LOGGED_IN;
}

static void csc_call_with_no_stored_token_is_not_logged_in(void **state)
{
    (void)state;
    rssp_client *c = ci_client_ok(NULL);
    rssp_token_source src = {NULL, no_token, no_refresh};
    rssp_client_set_token_source(c, &src);
    long mark = ci_log_mark();
    char **ids = NULL;
    size_t n = 0;
    crpki_error_info ei;
    crpki_err rc = rssp_list_credentials(c, &ids, &n, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_NOT_LOGGED_IN, &ei);
    h_sleep_ms(100);
    assert_int_equal(ci_log_count(mark, "/csc/v2/credentials/list", NULL), 0);
    rssp_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pkce_login_with_full_redirect_url_gives_working_tokens),
        cmocka_unit_test(pkce_login_with_query_string_only_gives_tokens),
        cmocka_unit_test(login_state_mismatch_is_refused_without_exchanging_the_code),
        cmocka_unit_test(login_finished_with_another_logins_redirect_is_refused),
        cmocka_unit_test(login_consent_denied_gives_denied),
        cmocka_unit_test(refresh_rotates_and_a_reused_refresh_token_is_not_logged_in),
        cmocka_unit_test(revoke_logs_out_and_csc_calls_become_not_logged_in),
        cmocka_unit_test(info_without_login_names_the_service),
        cmocka_unit_test(csc_call_with_no_stored_token_is_not_logged_in),
    };
    return cmocka_run_group_tests_name("client_login", tests, setup, teardown);
}
