/* OAuth pieces that need no network: the PKCE S256 challenge (RFC 7636
 * Appendix B), the login URL, and rssp_login_begin / rssp_login_finish up
 * to the code exchange (state checks, denial, malformed redirects). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crpki/rssp_client.h"
#include "rc_oauth.h"
#include "rc_url.h"

/* A service nobody listens on: these tests must never reach the network. */
#define NOWHERE "https://127.0.0.1:9"

static void pkce_challenge_of_rfc7636_appendix_b(void **state)
{
    (void)state;
    char ch[44];
    assert_int_equal(rc_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", ch), 0);
    assert_string_equal(ch, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    assert_int_equal(rc_pkce_challenge(NULL, ch), -1);
}

static void login_url_encodes_every_parameter(void **state)
{
    (void)state;
    char *u = rc_login_url_build("https://rssp.example.jp:8443", "crpki-driver",
                                 "http://127.0.0.1:53123/cb?x=1", "E9Melhoa2Ow-_", "st/+=");
    assert_non_null(u);
    assert_string_equal(u, "https://rssp.example.jp:8443/oauth2/authorize?response_type=code"
                           "&client_id=crpki-driver"
                           "&redirect_uri=http%3A%2F%2F127.0.0.1%3A53123%2Fcb%3Fx%3D1"
                           "&code_challenge=E9Melhoa2Ow-_&code_challenge_method=S256"
                           "&state=st%2F%2B%3D&scope=service");
    free(u);
}

static rssp_client *offline_client(void)
{
    rssp_options o;
    memset(&o, 0, sizeof o);
    o.service_url = NOWHERE;
    o.connect_timeout_ms = 200;
    rssp_client *c = NULL;
    crpki_error_info ei;
    assert_int_equal(rssp_client_new(&o, &c, &ei), CRPKI_OK);
    return c;
}

/* value of a query parameter of url (malloc'ed) */
static char *param(const char *url, const char *name)
{
    rc_authz_response r;
    char err[128];
    (void)name;
    if (rc_authz_response_parse(url, &r, err, sizeof err) < 0)
        return NULL;
    char *v = NULL;
    if (strcmp(name, "state") == 0) {
        v = r.state;
        r.state = NULL;
    }
    rc_authz_response_free(&r);
    return v;
}

static const char *find(const char *url, const char *key)
{
    const char *p = strstr(url, key);
    assert_non_null(p);
    return p + strlen(key);
}

static void login_begin_makes_a_fresh_verifier_state_and_url(void **state)
{
    (void)state;
    rssp_client *c = offline_client();
    rssp_login *a = NULL, *b = NULL;
    crpki_error_info ei;
    assert_int_equal(rssp_login_begin(c, "http://127.0.0.1:53123/callback", &a, &ei), CRPKI_OK);
    assert_int_equal(rssp_login_begin(c, "http://localhost:1/", &b, &ei), CRPKI_OK);
    const char *ua = rssp_login_url(a), *ub = rssp_login_url(b);
    assert_non_null(ua);
    static const char PREFIX[] = NOWHERE "/oauth2/authorize?response_type=code"
                                         "&client_id=crpki-driver"
                                         "&redirect_uri=http%3A%2F%2F127.0.0.1%3A53123%2Fcallback"
                                         "&code_challenge=";
    assert_true(strncmp(ua, PREFIX, strlen(PREFIX)) == 0);
    /* 43-character challenge of base64url, S256 */
    const char *ch = find(ua, "code_challenge=");
    assert_int_equal(strcspn(ch, "&"), 43);
    assert_int_equal(strspn(ch, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                     43);
    assert_non_null(strstr(ua, "&code_challenge_method=S256&state="));
    /* two logins never share a challenge or a state */
    assert_true(strncmp(ch, find(ub, "code_challenge="), 43) != 0);
    char *sa = param(ua, "state"), *sb = param(ub, "state");
    assert_non_null(sa);
    assert_non_null(sb);
    assert_true(strlen(sa) >= 22);
    assert_string_not_equal(sa, sb);
    free(sa);
    free(sb);
    rssp_login_free(a);
    rssp_login_free(b);
    assert_null(rssp_login_url(NULL));
    rssp_client_free(c);
}

static void login_begin_refuses_non_loopback_redirects(void **state)
{
    (void)state;
    rssp_client *c = offline_client();
    rssp_login *l = (rssp_login *)1;
    crpki_error_info ei;
    assert_int_equal(rssp_login_begin(c, "https://127.0.0.1:5/cb", &l, &ei), CRPKI_E_INVALID_ARG);
    assert_null(l);
    assert_int_equal(ei.code, CRPKI_E_INVALID_ARG);
    assert_non_null(strstr(ei.detail, "redirect_uri"));
    assert_int_equal(rssp_login_begin(c, "http://evil.example:5/cb", &l, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_login_begin(c, NULL, &l, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_login_begin(NULL, "http://127.0.0.1:5/cb", &l, &ei), CRPKI_E_INVALID_ARG);
    rssp_client_free(c);
}

static void login_finish_checks_state_before_anything_else(void **state)
{
    (void)state;
    rssp_client *c = offline_client();
    rssp_login *l = NULL;
    crpki_error_info ei;
    rssp_tokens t;
    assert_int_equal(rssp_login_begin(c, "http://127.0.0.1:5/cb", &l, &ei), CRPKI_OK);
    /* wrong and missing state: refused without any exchange (which would
     * fail with CRPKI_E_NETWORK here) */
    assert_int_equal(rssp_login_finish(c, l, "http://127.0.0.1:5/cb?code=abc&state=wrong", &t, &ei),
                     CRPKI_E_INVALID_ARG);
    assert_non_null(strstr(ei.detail, "state"));
    assert_null(t.access_token);
    assert_int_equal(rssp_login_finish(c, l, "code=abc", &t, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_login_finish(c, l, "http://127.0.0.1:5/cb", &t, &ei),
                     CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_login_finish(c, l, "code=a&code=b", &t, &ei), CRPKI_E_INVALID_ARG);
    /* the right state but no code */
    char *st = param(rssp_login_url(l), "state");
    char q[256];
    snprintf(q, sizeof q, "state=%s", st);
    assert_int_equal(rssp_login_finish(c, l, q, &t, &ei), CRPKI_E_PROTOCOL);
    /* the right state and a code: the exchange is attempted, and nobody listens */
    snprintf(q, sizeof q, "code=abc&state=%s", st);
    crpki_err e = rssp_login_finish(c, l, q, &t, &ei);
    assert_int_equal(e, CRPKI_E_NETWORK);
    assert_null(t.access_token);
    /* a code was sent (or may have been): the login is over */
    assert_int_equal(rssp_login_finish(c, l, q, &t, &ei), CRPKI_E_INVALID_ARG);
    free(st);
    rssp_login_free(l);
    rssp_client_free(c);
}

/* The listener asks this of every request; only this login's
 * answer (its state, and its issuer when named: RFC 9207) passes, and asking
 * changes nothing. */
static void check_redirect_takes_only_this_logins_answer(void **state)
{
    (void)state;
    rssp_client *c = offline_client();
    rssp_login *l = NULL;
    crpki_error_info ei;
    assert_int_equal(rssp_login_begin(c, "http://127.0.0.1:5/callback", &l, &ei), CRPKI_OK);
    char *st = param(rssp_login_url(l), "state");
    char q[512];
    snprintf(q, sizeof q, "/callback?code=abc&state=%s", st);
    assert_int_equal(rssp_login_check_redirect(l, q, &ei), CRPKI_OK);
    snprintf(q, sizeof q, "/callback?error=access_denied&state=%s", st);
    assert_int_equal(rssp_login_check_redirect(l, q, &ei), CRPKI_OK); /* the real refusal */
    assert_int_equal(rssp_login_check_redirect(l, "/callback?code=abc&state=forged", &ei),
                     CRPKI_E_INVALID_ARG);
    assert_non_null(strstr(ei.detail, "state"));
    assert_int_equal(rssp_login_check_redirect(l, "/callback?code=abc", &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_login_check_redirect(l, "/callback?error=access_denied", &ei),
                     CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_login_check_redirect(l, "/callback", &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_login_check_redirect(NULL, q, &ei), CRPKI_E_INVALID_ARG);
    /* iss: the service (the only authorization server) or absent */
    char iss[256];
    snprintf(iss, sizeof iss, "%s", NOWHERE);
    snprintf(q, sizeof q, "/callback?code=abc&state=%s&iss=%s", st, iss);
    assert_int_equal(rssp_login_check_redirect(l, q, &ei), CRPKI_OK);
    snprintf(q, sizeof q, "/callback?code=abc&state=%s&iss=https%%3A%%2F%%2Fidp.attacker.example",
             st);
    assert_int_equal(rssp_login_check_redirect(l, q, &ei), CRPKI_E_INVALID_ARG);
    assert_non_null(strstr(ei.detail, "iss"));
    snprintf(q, sizeof q, "/callback?code=abc&state=%s&iss=a&iss=b", st);
    assert_int_equal(rssp_login_check_redirect(l, q, &ei), CRPKI_E_INVALID_ARG);
    /* finish refuses a mixed-up issuer before any exchange, and the login
     * stays usable (nothing was sent) */
    rssp_tokens t;
    snprintf(q, sizeof q, "/callback?code=abc&state=%s&iss=https%%3A%%2F%%2Fidp.attacker.example",
             st);
    assert_int_equal(rssp_login_finish(c, l, q, &t, &ei), CRPKI_E_INVALID_ARG);
    snprintf(q, sizeof q, "/callback?code=abc&state=%s", st);
    assert_int_equal(rssp_login_check_redirect(l, q, &ei), CRPKI_OK);
    free(st);
    rssp_login_free(l);
    rssp_client_free(c);
}

static void login_finish_access_denied_gives_denied(void **state)
{
    (void)state;
    rssp_client *c = offline_client();
    rssp_login *l = NULL;
    crpki_error_info ei;
    rssp_tokens t;
    assert_int_equal(rssp_login_begin(c, "http://[::1]:5/cb", &l, &ei), CRPKI_OK);
    char *st = param(rssp_login_url(l), "state");
    char q[256];
    snprintf(q, sizeof q, "http://[::1]:5/cb?error=access_denied&state=%s", st);
    assert_int_equal(rssp_login_finish(c, l, q, &t, &ei), CRPKI_E_DENIED);
    assert_string_equal(ei.service_error, "access_denied");
    rssp_login_free(l);
    /* another error from the authorization server */
    assert_int_equal(rssp_login_begin(c, "http://[::1]:5/cb", &l, &ei), CRPKI_OK);
    free(st);
    st = param(rssp_login_url(l), "state");
    snprintf(q, sizeof q, "error=invalid_request&error_description=x&state=%s", st);
    assert_int_equal(rssp_login_finish(c, l, q, &t, &ei), CRPKI_E_SERVICE);
    assert_string_equal(ei.service_error, "invalid_request");
    free(st);
    rssp_login_free(l);
    rssp_login_free(NULL);
    rssp_client_free(c);
}

static void refresh_and_revoke_check_their_arguments_offline(void **state)
{
    (void)state;
    rssp_client *c = offline_client();
    crpki_error_info ei;
    rssp_tokens t;
    assert_int_equal(rssp_refresh(c, NULL, &t, &ei), CRPKI_E_NOT_LOGGED_IN);
    assert_int_equal(rssp_refresh(c, "", &t, &ei), CRPKI_E_NOT_LOGGED_IN);
    assert_int_equal(rssp_refresh(c, "a b", &t, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_refresh(NULL, "x", &t, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_revoke(c, NULL, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_revoke(c, "a\nb", &ei), CRPKI_E_INVALID_ARG);
    rssp_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pkce_challenge_of_rfc7636_appendix_b),
        cmocka_unit_test(login_url_encodes_every_parameter),
        cmocka_unit_test(login_begin_makes_a_fresh_verifier_state_and_url),
        cmocka_unit_test(login_begin_refuses_non_loopback_redirects),
        cmocka_unit_test(login_finish_checks_state_before_anything_else),
        cmocka_unit_test(check_redirect_takes_only_this_logins_answer),
        cmocka_unit_test(login_finish_access_denied_gives_denied),
        cmocka_unit_test(refresh_and_revoke_check_their_arguments_offline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
