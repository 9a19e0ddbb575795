/* OAuth 2.0 login (gBizID stand-in): authorization code + PKCE S256,
 * docs/protocol.md "OAuth 2.0". */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET /oauth2/authorize with the given raw query string. */
static void get_authorize(const char *query, h_resp *r)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "/oauth2/authorize?%s", query);
    assert_true(n > 0 && (size_t)n < sizeof path); /* a cut query would test something else */
    h_get(path, NULL, r);
}

/* A 302 to p's redirect_uri carrying error=want and state echoed. */
static void expect_error_redirect(const h_resp *r, const h_pkce *p, const char *want)
{
    H_EXPECT_STATUS(r, 302);
    if (!r->location || strncmp(r->location, p->redirect_uri, strlen(p->redirect_uri)) != 0)
        fail_msg("%s: Location %s, want a redirect to %s", r->what,
                 r->location ? r->location : "(none)", p->redirect_uri);
    char *err = h_query_param(r->location, "error");
    char *state = h_query_param(r->location, "state");
    char *code = h_query_param(r->location, "code");
    if (!err || strcmp(err, want) != 0)
        fail_msg("%s: Location %s, want error=%s", r->what, r->location, want);
    if (!state || strcmp(state, p->state) != 0)
        fail_msg("%s: Location %s does not echo state %s", r->what, r->location, p->state);
    if (code)
        fail_msg("%s: error redirect carries a code: %s", r->what, r->location);
    free(err);
    free(state);
}

static void expect_400_html_no_redirect(const h_resp *r)
{
    H_EXPECT_STATUS(r, 400);
    if (r->location)
        fail_msg("%s: redirected to %s; must never redirect to an unvalidated URI", r->what,
                 r->location);
    if (!r->content_type || strncmp(r->content_type, "text/html", 9) != 0)
        fail_msg("%s: Content-Type %s, want an HTML error page", r->what,
                 r->content_type ? r->content_type : "(none)");
}

/* One authorization request, member by member over the defaults a correct
 * request has (response_type=code, client_id=crpki-driver, p's loopback
 * redirect_uri, p's challenge, S256, p's state): NULL keeps the default,
 * OMIT leaves the parameter out, any other value is sent as it is (already
 * URL-encoded). */
#define OMIT ""
typedef struct {
    const char *response_type, *client_id, *redirect_uri, *challenge, *method, *state;
} authz_query;

static void authorize_as(const authz_query *a, const h_pkce *p, h_resp *r)
{
    char *ru = h_urlencode(p->redirect_uri);
    const char *names[] = {"response_type",         "client_id", "redirect_uri", "code_challenge",
                           "code_challenge_method", "state"};
    const char *given[] = {a->response_type, a->client_id, a->redirect_uri,
                           a->challenge,     a->method,    a->state};
    const char *dflt[] = {"code", "crpki-driver", ru, p->challenge, "S256", p->state};
    char q[2048] = "";
    size_t len = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = given[i] ? given[i] : dflt[i];
        if (!v[0]) /* OMIT */
            continue;
        int n = snprintf(q + len, sizeof q - len, "%s%s=%s", len ? "&" : "", names[i], v);
        assert_true(n > 0 &&
                    (size_t)n < sizeof q - len); /* a cut query would test something else */
        len += (size_t)n;
    }
    get_authorize(q, r);
    free(ru);
}

/* The request is refused with an HTML page and no redirect. */
static void expect_authorize_refused(authz_query a)
{
    h_pkce p;
    h_pkce_new(&p);
    h_resp r;
    authorize_as(&a, &p, &r);
    expect_400_html_no_redirect(&r);
    h_resp_free(&r);
}

/* The request redirects to the client with error=want (state echoed). */
static void expect_authorize_error(authz_query a, const char *want)
{
    h_pkce p;
    h_pkce_new(&p);
    h_resp r;
    authorize_as(&a, &p, &r);
    expect_error_redirect(&r, &p, want);
    h_resp_free(&r);
}

static void list_status(const char *bearer, long want)
{
    h_resp r;
    h_post_json("/csc/v2/credentials/list", "{}", bearer, &r);
    if (want == 401)
        H_EXPECT_ERROR(&r, 401, "invalid_token");
    else
        H_EXPECT_STATUS(&r, want);
    h_resp_free(&r);
}

static void pkce_login_issues_bearer_tokens_with_no_store(void **state)
{
    (void)state;
    h_pkce p;
    char *code = h_login_code_ok("user1", &p);
    h_resp r;
    h_token_exchange(code, p.redirect_uri, p.verifier, &r);
    H_EXPECT_STATUS(&r, 200);
    if (!r.cache_control || !strstr(r.cache_control, "no-store"))
        fail_msg("token response Cache-Control %s, want no-store",
                 r.cache_control ? r.cache_control : "(none)");
    h_tokens t;
    h_tokens_from(&r, &t);
    assert_int_equal(t.expires_in, 300);
    const char *scope = h_jstr(r.json, "scope");
    assert_non_null(scope);
    assert_string_equal(scope, "service");
    /* opaque tokens: base64url of 32 bytes = 43 characters */
    assert_int_equal(strlen(t.access), 43);
    assert_int_equal(strlen(t.refresh), 43);
    assert_string_not_equal(t.access, t.refresh);
    h_resp_free(&r);
    list_status(t.access, 200);
    h_tokens_free(&t);
    free(code);
}

static void authorize_get_shows_utf8_html_login_form(void **state)
{
    (void)state;
    h_pkce p;
    h_pkce_new(&p);
    char *q = h_authorize_query(&p);
    h_resp r;
    get_authorize(q, &r);
    H_EXPECT_STATUS(&r, 200);
    assert_non_null(r.content_type);
    if (strncmp(r.content_type, "text/html", 9) != 0 || !strstr(r.content_type, "utf-8"))
        fail_msg("login form Content-Type %s, want text/html; charset=utf-8", r.content_type);
    if (!strstr(r.body, "<form") || !strstr(r.body, "password") || !strstr(r.body, p.state))
        fail_msg("login form lacks <form>, password or the state hidden field");
    h_resp_free(&r);
    free(q);
}

static void token_with_wrong_verifier_is_invalid_grant(void **state)
{
    (void)state;
    h_pkce p, other;
    char *code = h_login_code_ok("user1", &p);
    h_pkce_new(&other);
    h_resp r;
    h_token_exchange(code, p.redirect_uri, other.verifier, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_grant");
    h_resp_free(&r);
    free(code);
}

static void token_with_other_redirect_uri_is_invalid_grant(void **state)
{
    (void)state;
    h_pkce p;
    char *code = h_login_code_ok("user1", &p);
    h_resp r;
    h_token_exchange(code, "http://127.0.0.1:1/other", p.verifier, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_grant");
    h_resp_free(&r);
    free(code);
}

static void code_reused_is_invalid_grant_and_revokes_first_tokens(void **state)
{
    (void)state;
    h_pkce p;
    char *code = h_login_code_ok("user1", &p);
    h_resp r;
    h_token_exchange(code, p.redirect_uri, p.verifier, &r);
    h_tokens t;
    h_tokens_from(&r, &t);
    h_resp_free(&r);
    list_status(t.access, 200);

    h_token_exchange(code, p.redirect_uri, p.verifier, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_grant");
    h_resp_free(&r);
    /* RFC 6749 4.1.2: the tokens issued for the code are revoked */
    list_status(t.access, 401);
    h_refresh(t.refresh, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_grant");
    h_resp_free(&r);
    h_tokens_free(&t);
    free(code);
}

static void authorize_non_loopback_redirect_uri_is_400_without_redirect(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "https%3A%2F%2Fevil.example%2Fcb",
        "http%3A%2F%2Fevil.example%3A8080%2Fcb",
        "http%3A%2F%2F127.0.0.1.evil.example%3A8080%2Fcb",
        "https%3A%2F%2F127.0.0.1%3A8080%2Fcb",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_authorize_refused((authz_query){.redirect_uri = bad[i]});
}

static void authorize_missing_redirect_uri_is_400_without_redirect(void **state)
{
    (void)state;
    expect_authorize_refused((authz_query){.redirect_uri = OMIT});
}

static void authorize_unknown_client_is_400_without_redirect(void **state)
{
    (void)state;
    expect_authorize_refused((authz_query){.client_id = "someone-else"});
}

static void authorize_missing_code_challenge_redirects_invalid_request(void **state)
{
    (void)state;
    expect_authorize_error((authz_query){.challenge = OMIT}, "invalid_request");
}

static void authorize_plain_challenge_method_redirects_invalid_request(void **state)
{
    (void)state;
    /* plain: the verifier itself as the challenge */
    static const char verifier_like[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    expect_authorize_error((authz_query){.challenge = verifier_like, .method = "plain"},
                           "invalid_request");
}

static void authorize_wrong_response_type_redirects_unsupported_response_type(void **state)
{
    (void)state;
    expect_authorize_error((authz_query){.response_type = "token"}, "unsupported_response_type");
}

static void login_wrong_password_is_401_with_form(void **state)
{
    (void)state;
    h_pkce p;
    h_pkce_new(&p);
    h_resp r;
    h_login_form(&p, "user1", "definitely-not-the-password", "approve", &r);
    H_EXPECT_STATUS(&r, 401);
    if (r.location)
        fail_msg("wrong password redirected to %s", r.location);
    if (!strstr(r.body, "<form"))
        fail_msg("wrong password: want the login form again, got %.300s", r.body);
    h_resp_free(&r);
    /* unknown user: the same */
    h_login_form(&p, "nobody", "x", "approve", &r);
    H_EXPECT_STATUS(&r, 401);
    h_resp_free(&r);
}

static void login_consent_deny_redirects_access_denied(void **state)
{
    (void)state;
    const h_user *u = h_user_by_id("user1");
    h_pkce p;
    h_pkce_new(&p);
    h_resp r;
    h_login_form(&p, u->id, u->password, "deny", &r);
    expect_error_redirect(&r, &p, "access_denied");
    h_resp_free(&r);
}

static void token_unsupported_grant_type_is_rejected(void **state)
{
    (void)state;
    h_resp r;
    h_post_form("/oauth2/token",
                "grant_type=password&username=user1&password=x&client_id=crpki-driver", NULL, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_grant_type");
    h_resp_free(&r);
}

static void token_unknown_client_is_401_invalid_client(void **state)
{
    (void)state;
    h_pkce p;
    char *code = h_login_code_ok("user1", &p);
    char *c = h_urlencode(code), *ru = h_urlencode(p.redirect_uri);
    char form[1024];
    snprintf(form, sizeof form,
             "grant_type=authorization_code&code=%s&redirect_uri=%s&client_id=intruder"
             "&code_verifier=%s",
             c, ru, p.verifier);
    h_resp r;
    h_post_form("/oauth2/token", form, NULL, &r);
    H_EXPECT_ERROR(&r, 401, "invalid_client");
    h_resp_free(&r);
    free(c);
    free(ru);
    free(code);
}

static void user2_login_sees_only_user2_credentials(void **state)
{
    (void)state;
    h_tokens t;
    h_login_ok("user2", &t);
    h_resp r;
    h_post_json("/csc/v2/credentials/list", "{}", t.access, &r);
    H_EXPECT_STATUS(&r, 200);
    const h_user *u = h_user_by_id("user2");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(r.json, "credentialIDs");
    assert_int_equal(cJSON_GetArraySize(ids), (int)u->ncreds);
    h_resp_free(&r);
    h_tokens_free(&t);
}

/* a full login with another loopback redirect_uri spelling */
static void login_with_redirect(const char *redirect_uri)
{
    const h_user *u = h_user_by_id("user1");
    h_pkce p;
    h_pkce_new(&p);
    snprintf(p.redirect_uri, sizeof p.redirect_uri, "%s", redirect_uri);
    h_resp r;
    h_login_form(&p, u->id, u->password, "approve", &r);
    H_EXPECT_STATUS(&r, 302);
    if (!r.location || strncmp(r.location, redirect_uri, strlen(redirect_uri)) != 0)
        fail_msg("redirect_uri %s: Location %s", redirect_uri, r.location ? r.location : "-");
    char *code = h_query_param(r.location, "code");
    assert_non_null(code);
    h_resp_free(&r);
    h_token_exchange(code, redirect_uri, p.verifier, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(code);
}

static void loopback_redirect_uris_localhost_and_ipv6_log_in(void **state)
{
    (void)state;
    login_with_redirect("http://localhost:53682/cb");
    login_with_redirect("http://[::1]:1234/oauth/callback");
    login_with_redirect("http://127.0.0.1:65535/");
}

static void authorize_bad_state_or_challenge_redirects_invalid_request(void **state)
{
    (void)state;
    h_pkce p;
    h_pkce_new(&p);
    char *ru = h_urlencode(p.redirect_uri);
    char longstate[600];
    memset(longstate, 's', 513);
    longstate[513] = 0;
    char q[2048];
    /* state of 513 characters: nothing valid to echo, but still a redirect */
    snprintf(q, sizeof q,
             "response_type=code&client_id=crpki-driver&redirect_uri=%s&code_challenge=%s"
             "&code_challenge_method=S256&state=%s",
             ru, p.challenge, longstate);
    h_resp r;
    get_authorize(q, &r);
    H_EXPECT_STATUS(&r, 302);
    char *err = r.location ? h_query_param(r.location, "error") : NULL;
    if (!err || strcmp(err, "invalid_request") != 0)
        fail_msg("state of 513 characters: Location %s, want error=invalid_request",
                 r.location ? r.location : "(none)");
    free(err);
    char *st = h_query_param(r.location, "state");
    if (st)
        fail_msg("an invalid state was echoed: %s", r.location);
    h_resp_free(&r);
    /* code_challenge of 42 characters */
    snprintf(q, sizeof q,
             "response_type=code&client_id=crpki-driver&redirect_uri=%s&code_challenge=%.42s"
             "&code_challenge_method=S256&state=%s",
             ru, p.challenge, p.state);
    get_authorize(q, &r);
    expect_error_redirect(&r, &p, "invalid_request");
    h_resp_free(&r);
    /* missing state */
    snprintf(q, sizeof q,
             "response_type=code&client_id=crpki-driver&redirect_uri=%s&code_challenge=%s"
             "&code_challenge_method=S256",
             ru, p.challenge);
    get_authorize(q, &r);
    H_EXPECT_STATUS(&r, 302);
    err = r.location ? h_query_param(r.location, "error") : NULL;
    if (!err || strcmp(err, "invalid_request") != 0)
        fail_msg("missing state: Location %s, want error=invalid_request",
                 r.location ? r.location : "(none)");
    free(err);
    h_resp_free(&r);
    free(ru);
}

static void login_post_revalidates_redirect_uri(void **state)
{
    (void)state;
    const h_user *u = h_user_by_id("user1");
    h_pkce p;
    h_pkce_new(&p);
    char *pw = h_urlencode(u->password);
    char form[1024];
    snprintf(form, sizeof form,
             "response_type=code&client_id=crpki-driver&redirect_uri="
             "https%%3A%%2F%%2Fevil.example%%2Fcb&code_challenge=%s&code_challenge_method=S256"
             "&state=%s&username=%s&password=%s&consent=approve",
             p.challenge, p.state, u->id, pw);
    h_resp r;
    h_post_form("/oauth2/authorize", form, NULL, &r);
    expect_400_html_no_redirect(&r);
    h_resp_free(&r);
    free(pw);
}

static void token_without_client_id_is_401_invalid_client(void **state)
{
    (void)state;
    h_pkce p;
    char *code = h_login_code_ok("user1", &p);
    char *c = h_urlencode(code), *ru = h_urlencode(p.redirect_uri);
    char form[1024];
    snprintf(form, sizeof form,
             "grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s", c, ru,
             p.verifier);
    h_resp r;
    h_post_form("/oauth2/token", form, NULL, &r);
    H_EXPECT_ERROR(&r, 401, "invalid_client");
    h_resp_free(&r);
    free(c);
    free(ru);
    free(code);
}

static void consent_deny_does_not_check_the_password(void **state)
{
    (void)state;
    h_pkce p;
    h_pkce_new(&p);
    h_resp r;
    h_login_form(&p, "user1", "wrong-password", "deny", &r);
    expect_error_redirect(&r, &p, "access_denied");
    h_resp_free(&r);
}

static void missing_or_unknown_consent_redirects_invalid_request(void **state)
{
    (void)state;
    const h_user *u = h_user_by_id("user1");
    h_pkce p;
    h_pkce_new(&p);
    h_resp r;
    h_login_form(&p, u->id, u->password, "maybe", &r);
    expect_error_redirect(&r, &p, "invalid_request");
    h_resp_free(&r);
    char *q = h_authorize_query(&p), *pw = h_urlencode(u->password);
    char form[1024];
    snprintf(form, sizeof form, "%s&username=%s&password=%s", q, u->id, pw);
    h_post_form("/oauth2/authorize", form, NULL, &r);
    expect_error_redirect(&r, &p, "invalid_request");
    h_resp_free(&r);
    free(q);
    free(pw);
}

static void failed_redemption_spends_the_code(void **state)
{
    (void)state;
    h_pkce p, other;
    char *code = h_login_code_ok("user1", &p);
    h_pkce_new(&other);
    h_resp r;
    h_token_exchange(code, p.redirect_uri, other.verifier, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_grant");
    h_resp_free(&r);
    h_token_exchange(code, p.redirect_uri, p.verifier, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_grant");
    h_resp_free(&r);
    free(code);
}

static void request_refused_before_lookup_does_not_spend_the_code(void **state)
{
    (void)state;
    h_pkce p;
    char *code = h_login_code_ok("user1", &p);
    h_resp r;
    h_token_exchange(code, p.redirect_uri, "too-short", &r); /* malformed verifier */
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    h_token_exchange(code, p.redirect_uri, p.verifier, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(code);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pkce_login_issues_bearer_tokens_with_no_store),
        cmocka_unit_test(authorize_get_shows_utf8_html_login_form),
        cmocka_unit_test(token_with_wrong_verifier_is_invalid_grant),
        cmocka_unit_test(token_with_other_redirect_uri_is_invalid_grant),
        cmocka_unit_test(code_reused_is_invalid_grant_and_revokes_first_tokens),
        cmocka_unit_test(authorize_non_loopback_redirect_uri_is_400_without_redirect),
        cmocka_unit_test(authorize_missing_redirect_uri_is_400_without_redirect),
        cmocka_unit_test(authorize_unknown_client_is_400_without_redirect),
        cmocka_unit_test(authorize_missing_code_challenge_redirects_invalid_request),
        cmocka_unit_test(authorize_plain_challenge_method_redirects_invalid_request),
        cmocka_unit_test(authorize_wrong_response_type_redirects_unsupported_response_type),
        cmocka_unit_test(login_wrong_password_is_401_with_form),
        cmocka_unit_test(login_consent_deny_redirects_access_denied),
        cmocka_unit_test(token_unsupported_grant_type_is_rejected),
        cmocka_unit_test(token_unknown_client_is_401_invalid_client),
        cmocka_unit_test(user2_login_sees_only_user2_credentials),
        cmocka_unit_test(loopback_redirect_uris_localhost_and_ipv6_log_in),
        cmocka_unit_test(authorize_bad_state_or_challenge_redirects_invalid_request),
        cmocka_unit_test(login_post_revalidates_redirect_uri),
        cmocka_unit_test(token_without_client_id_is_401_invalid_client),
        cmocka_unit_test(consent_deny_does_not_check_the_password),
        cmocka_unit_test(missing_or_unknown_consent_redirects_invalid_request),
        cmocka_unit_test(failed_redemption_spends_the_code),
        cmocka_unit_test(request_refused_before_lookup_does_not_spend_the_code),
    };
    return cmocka_run_group_tests_name("integration: login", tests, h_group_setup,
                                       h_group_teardown);
}
