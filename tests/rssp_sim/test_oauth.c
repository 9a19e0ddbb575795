/* The gBizID stand-in through rsspd_service_handle: login form, PKCE,
 * redirect rules, codes, token rotation and family revocation, bearer
 * checks, routing. docs/protocol.md "OAuth 2.0". */
#define _POSIX_C_SOURCE 200809L

#include "test_svc_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

#define AUTHZ_QUERY_BASE                                                                           \
    "client_id=crpki-driver&code_challenge=" PKCE_CHALLENGE "&code_challenge_method=S256"

static void get_authorize(const char *query, tsf_resp *r)
{
    tsf_call("GET", "/oauth2/authorize", query, NULL, NULL, NULL, 0, r);
}

static char *token_body(const char *code, const char *redirect, const char *verifier,
                        const char *client)
{
    char *e1 = req_pct_encode(redirect);
    size_t n = strlen(code) + strlen(e1) + strlen(verifier) + strlen(client) + 128;
    char *b = malloc(n);
    snprintf(b, n,
             "grant_type=authorization_code&code=%s&redirect_uri=%s&client_id=%s&code_verifier=%s",
             code, e1, client, verifier);
    free(e1);
    return b;
}

static void exchange(const char *code, tsf_resp *r)
{
    char *b = token_body(code, REDIRECT_URI, PKCE_VERIFIER, "crpki-driver");
    tsf_post_form("/oauth2/token", b, r);
    free(b);
}

static void refresh(const char *rt, tsf_resp *r)
{
    char b[256];
    snprintf(b, sizeof b, "grant_type=refresh_token&refresh_token=%s&client_id=crpki-driver", rt);
    tsf_post_form("/oauth2/token", b, r);
}

/* 200 from credentials/list with this access token, else the status */
static int list_status(const char *access)
{
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/list", access, "{}", &r);
    int st = r.r.status;
    if (st == 401) {
        assert_non_null(r.r.www_authenticate);
        assert_non_null(strstr(r.r.www_authenticate, "invalid_token"));
        assert_string_equal(tsf_str(r.json, "error"), "invalid_token");
    }
    tsf_resp_free(&r);
    return st;
}

static void expect_redirect_error(tsf_resp *r, const char *error, const char *state)
{
    if (r->r.status != 302 || !r->r.location)
        fail_msg("want 302 error=%s, got %d %s", error, r->r.status,
                 r->r.location ? r->r.location : "");
    char want[256];
    snprintf(want, sizeof want, REDIRECT_URI "?error=%s&", error);
    if (strncmp(r->r.location, want, strlen(want)) != 0)
        fail_msg("Location %s does not start with %s", r->r.location, want);
    if (state) {
        char s[128];
        snprintf(s, sizeof s, "&state=%s", state);
        assert_non_null(strstr(r->r.location, s));
    } else {
        assert_null(strstr(r->r.location, "state="));
    }
    tsf_resp_free(r);
}

static void expect_html(tsf_resp *r, int status)
{
    if (r->r.status != status)
        fail_msg("want %d HTML, got %d %.300s", status, r->r.status, r->r.body ? r->r.body : "");
    assert_string_equal(r->r.content_type, "text/html; charset=utf-8");
    assert_null(r->r.location);
    assert_non_null(r->r.body);
    assert_true(req_utf8_valid((const uint8_t *)r->r.body, r->r.body_len));
}

/* ---- /oauth2/authorize ------------------------------------------------------------- */

static void authorize_get_valid_request_shows_japanese_login_form(void **state)
{
    (void)state;
    tsf_resp r;
    get_authorize("response_type=code&" AUTHZ_QUERY_BASE
                  "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&state=a%3Cb%22c",
                  &r);
    expect_html(&r, 200);
    assert_true(r.r.no_store);
    assert_non_null(strstr(r.r.body, "パスワード"));
    assert_non_null(strstr(r.r.body, "name=\"code_challenge\" value=\"" PKCE_CHALLENGE "\""));
    assert_non_null(strstr(r.r.body, "name=\"state\" value=\"a&lt;b&quot;c\""));
    assert_non_null(strstr(r.r.body, "name=\"username\""));
    assert_non_null(strstr(r.r.body, "name=\"consent\" value=\"approve\""));
    assert_null(strstr(r.r.body, "a<b")); /* escaped */
    tsf_resp_free(&r);
}

static void authorize_unknown_client_is_400_page_never_redirect(void **state)
{
    (void)state;
    tsf_resp r;
    get_authorize("response_type=code&client_id=evil&code_challenge=" PKCE_CHALLENGE
                  "&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2F&state=s",
                  &r);
    expect_html(&r, 400);
    tsf_resp_free(&r);
    get_authorize("response_type=code&code_challenge=" PKCE_CHALLENGE
                  "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2F&state=s",
                  &r);
    expect_html(&r, 400);
    tsf_resp_free(&r);
}

static void authorize_non_loopback_redirect_is_400_page_never_redirect(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "https%3A%2F%2F127.0.0.1%3A8765%2Fcb",
        "http%3A%2F%2Fexample.com%3A80%2Fcb",
        "http%3A%2F%2F127.0.0.1.evil.com%3A80%2F",
        "http%3A%2F%2F127.0.0.1%2Fcb",
        "http%3A%2F%2Flocalhost%40evil.com%3A80%2F",
        "http%3A%2F%2F127.0.0.1%3A8765%2F%23x",
        "http%3A%2F%2F127.0.0.1%3A0%2F",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char q[512];
        snprintf(q, sizeof q, "response_type=code&" AUTHZ_QUERY_BASE "&state=s&redirect_uri=%s",
                 bad[i]);
        tsf_resp r;
        get_authorize(q, &r);
        expect_html(&r, 400);
        tsf_resp_free(&r);
    }
    tsf_resp r;
    get_authorize("response_type=code&" AUTHZ_QUERY_BASE "&state=s", &r); /* missing */
    expect_html(&r, 400);
    tsf_resp_free(&r);
}

static void authorize_malformed_or_duplicate_query_is_400_page(void **state)
{
    (void)state;
    tsf_resp r;
    get_authorize("response_type=code&" AUTHZ_QUERY_BASE
                  "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2F&state=s&state=t",
                  &r);
    expect_html(&r, 400);
    tsf_resp_free(&r);
    get_authorize("response_type=code&" AUTHZ_QUERY_BASE
                  "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2F&state=%zz",
                  &r);
    expect_html(&r, 400);
    tsf_resp_free(&r);
    /* a control character anywhere makes the query malformed */
    get_authorize("response_type=code&" AUTHZ_QUERY_BASE
                  "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2F&state=a%0Ab",
                  &r);
    expect_html(&r, 400);
    tsf_resp_free(&r);
    get_authorize(NULL, &r);
    expect_html(&r, 400);
    tsf_resp_free(&r);
}

/* 513 characters: one too many */
#define S64        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define LONG_STATE S64 S64 S64 S64 S64 S64 S64 S64 "x"

static void authorize_parameter_errors_redirect_with_error_and_state(void **state)
{
    (void)state;
    const char *ru = "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback";
    struct {
        const char *query;
        const char *error;
        const char *state;
    } cases[] = {
        {"response_type=token&" AUTHZ_QUERY_BASE "&state=s1", "unsupported_response_type", "s1"},
        {AUTHZ_QUERY_BASE "&state=s2", "invalid_request", "s2"},
        {"response_type=code&client_id=crpki-driver&code_challenge=" PKCE_CHALLENGE
         "&code_challenge_method=plain&state=s3",
         "invalid_request", "s3"},
        {"response_type=code&client_id=crpki-driver&code_challenge=" PKCE_CHALLENGE "&state=s4",
         "invalid_request", "s4"},
        {"response_type=code&client_id=crpki-driver&code_challenge=short"
         "&code_challenge_method=S256&state=s5",
         "invalid_request", "s5"},
        {"response_type=code&" AUTHZ_QUERY_BASE, "invalid_request", NULL},
        {"response_type=code&" AUTHZ_QUERY_BASE "&state=" LONG_STATE, "invalid_request", NULL},
        {"response_type=code&" AUTHZ_QUERY_BASE "&state=s8&scope=admin", "invalid_request", "s8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char q[2048];
        snprintf(q, sizeof q, "%s%s", cases[i].query, ru);
        tsf_resp r;
        get_authorize(q, &r);
        expect_redirect_error(&r, cases[i].error, cases[i].state);
    }
}

static void authorize_post_wrong_password_is_401_form_with_message(void **state)
{
    (void)state;
    char body[1024];
    snprintf(body, sizeof body,
             "response_type=code&" AUTHZ_QUERY_BASE
             "&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A8765%%2Fcallback&state=s"
             "&username=user1&password=wrong&consent=approve");
    tsf_resp r;
    tsf_post_form("/oauth2/authorize", body, &r);
    expect_html(&r, 401);
    assert_non_null(strstr(r.r.body, "正しくありません"));
    assert_non_null(strstr(r.r.body, "value=\"user1\""));
    tsf_resp_free(&r);
    /* unknown user: the same */
    snprintf(body, sizeof body,
             "response_type=code&" AUTHZ_QUERY_BASE
             "&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A8765%%2Fcallback&state=s"
             "&username=nobody&password=x&consent=approve");
    tsf_post_form("/oauth2/authorize", body, &r);
    expect_html(&r, 401);
    tsf_resp_free(&r);
}

static void authorize_post_deny_redirects_access_denied_with_state(void **state)
{
    (void)state;
    char body[1024];
    snprintf(body, sizeof body,
             "response_type=code&" AUTHZ_QUERY_BASE
             "&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A8765%%2Fcallback&state=xyz"
             "&username=user1&password=%s&consent=deny",
             tsf_password("user1"));
    tsf_resp r;
    tsf_post_form("/oauth2/authorize", body, &r);
    expect_redirect_error(&r, "access_denied", "xyz");
}

static void authorize_post_wrong_content_type_is_400_page(void **state)
{
    (void)state;
    const char *b = "response_type=code";
    tsf_resp r;
    tsf_call("POST", "/oauth2/authorize", NULL, NULL, "application/json", b, strlen(b), &r);
    expect_html(&r, 400);
    tsf_resp_free(&r);
}

static void authorize_post_valid_login_redirects_code_and_state(void **state)
{
    (void)state;
    char *code = tsf_login_code("user1", tsf_password("user1"), "st ate/+&=");
    assert_int_equal(strlen(code), 43);
    free(code);
}

/* ---- /oauth2/token ------------------------------------------------------------------ */

static void token_code_exchange_returns_bearer_tokens_no_store(void **state)
{
    (void)state;
    char *code = tsf_login_code("user1", tsf_password("user1"), "s");
    tsf_resp r;
    exchange(code, &r);
    free(code);
    assert_int_equal(r.r.status, 200);
    assert_true(r.r.no_store);
    assert_string_equal(tsf_str(r.json, "token_type"), "Bearer");
    assert_true(tsf_num(r.json, "expires_in") == 300);
    assert_string_equal(tsf_str(r.json, "scope"), "service");
    assert_int_equal(strlen(tsf_str(r.json, "access_token")), 43);
    assert_int_equal(strlen(tsf_str(r.json, "refresh_token")), 43);
    assert_int_equal(list_status(tsf_str(r.json, "access_token")), 200);
    tsf_resp_free(&r);
}

static void token_code_used_twice_is_invalid_grant_and_revokes_first_tokens(void **state)
{
    (void)state;
    char *code = tsf_login_code("user1", tsf_password("user1"), "s");
    tsf_resp r;
    exchange(code, &r);
    assert_int_equal(r.r.status, 200);
    char at[64], rt[64];
    snprintf(at, sizeof at, "%s", tsf_str(r.json, "access_token"));
    snprintf(rt, sizeof rt, "%s", tsf_str(r.json, "refresh_token"));
    tsf_resp_free(&r);
    assert_int_equal(list_status(at), 200);
    exchange(code, &r);
    free(code);
    tsf_expect_error(&r, 400, "invalid_grant", "already used");
    assert_int_equal(list_status(at), 401);
    refresh(rt, &r);
    tsf_expect_error(&r, 400, "invalid_grant", NULL);
}

static void token_code_older_than_60s_is_invalid_grant(void **state)
{
    (void)state;
    char *code = tsf_login_code("user1", tsf_password("user1"), "s");
    tsf_clock_advance(60 * 1000);
    tsf_resp r;
    exchange(code, &r);
    free(code);
    tsf_expect_error(&r, 400, "invalid_grant", "expired");
}

static void token_unknown_code_is_invalid_grant(void **state)
{
    (void)state;
    tsf_resp r;
    exchange("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &r);
    tsf_expect_error(&r, 400, "invalid_grant", NULL);
}

static void token_wrong_code_verifier_is_invalid_grant(void **state)
{
    (void)state;
    char *code = tsf_login_code("user1", tsf_password("user1"), "s");
    char *b = token_body(code, REDIRECT_URI, "xBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                         "crpki-driver");
    tsf_resp r;
    tsf_post_form("/oauth2/token", b, &r);
    free(b);
    tsf_expect_error(&r, 400, "invalid_grant", "code_verifier");
    /* the code was spent by that attempt */
    exchange(code, &r);
    free(code);
    tsf_expect_error(&r, 400, "invalid_grant", NULL);
}

static void token_malformed_code_verifier_is_invalid_request(void **state)
{
    (void)state;
    char *code = tsf_login_code("user1", tsf_password("user1"), "s");
    char *b = token_body(code, REDIRECT_URI, "short", "crpki-driver");
    tsf_resp r;
    tsf_post_form("/oauth2/token", b, &r);
    free(b);
    tsf_expect_error(&r, 400, "invalid_request", "code_verifier");
    exchange(code, &r); /* not consumed by a malformed request */
    free(code);
    assert_int_equal(r.r.status, 200);
    tsf_resp_free(&r);
}

static void token_other_redirect_uri_is_invalid_grant(void **state)
{
    (void)state;
    char *code = tsf_login_code("user1", tsf_password("user1"), "s");
    char *b = token_body(code, "http://127.0.0.1:8765/other", PKCE_VERIFIER, "crpki-driver");
    tsf_resp r;
    tsf_post_form("/oauth2/token", b, &r);
    free(b);
    free(code);
    tsf_expect_error(&r, 400, "invalid_grant", "redirect_uri");
}

static void token_unknown_or_missing_client_is_401_invalid_client(void **state)
{
    (void)state;
    char *code = tsf_login_code("user1", tsf_password("user1"), "s");
    char *b = token_body(code, REDIRECT_URI, PKCE_VERIFIER, "other-client");
    tsf_resp r;
    tsf_post_form("/oauth2/token", b, &r);
    free(b);
    free(code);
    tsf_expect_error(&r, 401, "invalid_client", NULL);
    tsf_post_form("/oauth2/token", "grant_type=refresh_token&refresh_token=x", &r);
    tsf_expect_error(&r, 401, "invalid_client", "client_id");
}

static void token_unknown_grant_type_is_unsupported_grant_type(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_form("/oauth2/token", "grant_type=password&client_id=crpki-driver", &r);
    tsf_expect_error(&r, 400, "unsupported_grant_type", NULL);
    tsf_post_form("/oauth2/token", "client_id=crpki-driver", &r);
    tsf_expect_error(&r, 400, "invalid_request", "grant_type");
}

static void token_malformed_form_is_invalid_request(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "grant_type=refresh_token&grant_type=refresh_token&client_id=crpki-driver",
        "grant_type=refresh_token&client_id=crpki-driver&refresh_token=%zz",
        "grant_type=refresh_token&&client_id=crpki-driver",
        "grant_type=refresh_token&client_id=crpki-driver&refresh_token=a%00b",
        "grant_type",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tsf_resp r;
        tsf_post_form("/oauth2/token", bad[i], &r);
        tsf_expect_error(&r, 400, "invalid_request", NULL);
    }
    tsf_resp r;
    const char *b = "grant_type=refresh_token&client_id=crpki-driver&refresh_token=x";
    tsf_call("POST", "/oauth2/token", NULL, NULL, "application/json", b, strlen(b), &r);
    tsf_expect_error(&r, 400, "invalid_request", "Content-Type");
    tsf_call("POST", "/oauth2/token", NULL, NULL, NULL, b, strlen(b), &r);
    tsf_expect_error(&r, 400, "invalid_request", "Content-Type");
}

static void refresh_rotates_tokens_and_old_ones_keep_working_until_reuse(void **state)
{
    (void)state;
    char at[64], rt[64];
    tsf_login("user1", at, rt);
    tsf_resp r;
    refresh(rt, &r);
    assert_int_equal(r.r.status, 200);
    assert_true(r.r.no_store);
    char at2[64], rt2[64];
    snprintf(at2, sizeof at2, "%s", tsf_str(r.json, "access_token"));
    snprintf(rt2, sizeof rt2, "%s", tsf_str(r.json, "refresh_token"));
    tsf_resp_free(&r);
    assert_string_not_equal(rt, rt2);
    assert_string_not_equal(at, at2);
    assert_int_equal(list_status(at2), 200);
    assert_int_equal(list_status(at), 200); /* access tokens live their TTL */
    /* the next rotation works with the new token */
    refresh(rt2, &r);
    assert_int_equal(r.r.status, 200);
    char at3[64], rt3[64];
    snprintf(at3, sizeof at3, "%s", tsf_str(r.json, "access_token"));
    snprintf(rt3, sizeof rt3, "%s", tsf_str(r.json, "refresh_token"));
    tsf_resp_free(&r);
    assert_int_equal(list_status(at3), 200);
    (void)rt3;
}

static void rotated_refresh_token_reuse_revokes_whole_family(void **state)
{
    (void)state;
    char at[64], rt[64];
    tsf_login("user1", at, rt);
    tsf_resp r;
    refresh(rt, &r);
    assert_int_equal(r.r.status, 200);
    char at2[64], rt2[64];
    snprintf(at2, sizeof at2, "%s", tsf_str(r.json, "access_token"));
    snprintf(rt2, sizeof rt2, "%s", tsf_str(r.json, "refresh_token"));
    tsf_resp_free(&r);
    /* another login of the same user is a different family */
    char other[64];
    tsf_login("user1", other, NULL);
    refresh(rt, &r); /* theft detected */
    tsf_expect_error(&r, 400, "invalid_grant", "already used");
    assert_int_equal(list_status(at), 401);
    assert_int_equal(list_status(at2), 401);
    refresh(rt2, &r);
    tsf_expect_error(&r, 400, "invalid_grant", "revoked");
    assert_int_equal(list_status(other), 200);
}

static void access_token_expires_after_access_ttl(void **state)
{
    (void)state;
    char at[64], rt[64];
    tsf_login("user1", at, rt);
    tsf_clock_advance(299 * 1000);
    assert_int_equal(list_status(at), 200);
    tsf_clock_advance(1000);
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/list", at, "{}", &r);
    tsf_expect_error(&r, 401, "invalid_token", "expired");
    refresh(rt, &r); /* the refresh token still works */
    assert_int_equal(r.r.status, 200);
    assert_int_equal(list_status(tsf_str(r.json, "access_token")), 200);
    tsf_resp_free(&r);
}

static void refresh_token_expires_after_30_days(void **state)
{
    (void)state;
    char at[64], rt[64];
    tsf_login("user1", at, rt);
    tsf_clock_advance(30LL * 24 * 3600 * 1000);
    tsf_resp r;
    refresh(rt, &r);
    tsf_expect_error(&r, 400, "invalid_grant", "expired");
}

static void revoke_access_token_logs_out_whole_family(void **state)
{
    (void)state;
    char at[64], rt[64];
    tsf_login("user1", at, rt);
    char b[256];
    snprintf(b, sizeof b, "token=%s&token_type_hint=access_token&client_id=crpki-driver", at);
    tsf_resp r;
    tsf_post_form("/oauth2/revoke", b, &r);
    assert_int_equal(r.r.status, 200);
    assert_string_equal(r.r.body, "{}");
    tsf_resp_free(&r);
    assert_int_equal(list_status(at), 401);
    refresh(rt, &r);
    tsf_expect_error(&r, 400, "invalid_grant", NULL);
}

static void revoke_refresh_token_revokes_access_token_too(void **state)
{
    (void)state;
    char at[64], rt[64];
    tsf_login("user1", at, rt);
    char b[256];
    snprintf(b, sizeof b, "token=%s&client_id=crpki-driver", rt);
    tsf_resp r;
    tsf_post_form("/oauth2/revoke", b, &r);
    assert_int_equal(r.r.status, 200);
    tsf_resp_free(&r);
    assert_int_equal(list_status(at), 401);
}

static void revoke_unknown_token_is_200_and_missing_token_400(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_form("/oauth2/revoke", "token=nonsense&client_id=crpki-driver", &r);
    assert_int_equal(r.r.status, 200);
    tsf_resp_free(&r);
    tsf_post_form("/oauth2/revoke", "client_id=crpki-driver", &r);
    tsf_expect_error(&r, 400, "invalid_request", "token");
    tsf_post_form("/oauth2/revoke", "token=x", &r);
    tsf_expect_error(&r, 401, "invalid_client", NULL);
}

/* ---- bearer, routing ---------------------------------------------------------------- */

static void csc_without_or_with_bad_bearer_is_401_with_www_authenticate(void **state)
{
    (void)state;
    static const char *const auths[] = {NULL, "Basic dXNlcjpwdw==", "Bearer", "Bearer a b",
                                        "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
    for (size_t i = 0; i < sizeof auths / sizeof auths[0]; i++) {
        tsf_resp r;
        tsf_call("POST", "/csc/v2/credentials/list", NULL, auths[i], "application/json", "{}", 2,
                 &r);
        assert_int_equal(r.r.status, 401);
        assert_string_equal(r.r.www_authenticate, "Bearer error=\"invalid_token\"");
        tsf_expect_error(&r, 401, "invalid_token", NULL);
    }
}

static void bearer_scheme_is_case_insensitive(void **state)
{
    (void)state;
    char at[64], auth[128];
    tsf_login("user1", at, NULL);
    snprintf(auth, sizeof auth, "bearer %s", at);
    tsf_resp r;
    tsf_call("POST", "/csc/v2/credentials/list", NULL, auth, "application/json", "{}", 2, &r);
    assert_int_equal(r.r.status, 200);
    tsf_resp_free(&r);
}

static void unknown_path_is_404_and_wrong_method_405_with_allow(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_call("POST", "/csc/v2/nothing", NULL, NULL, "application/json", "{}", 2, &r);
    tsf_expect_error(&r, 404, "not_found", NULL);
    tsf_call("POST", "/csc/v2/info/", NULL, NULL, "application/json", "{}", 2, &r);
    tsf_expect_error(&r, 404, "not_found", NULL);
    tsf_call("GET", "/csc/v2/info", NULL, NULL, NULL, NULL, 0, &r);
    assert_string_equal(r.r.allow, "POST");
    tsf_expect_error(&r, 405, "method_not_allowed", NULL);
    tsf_call("DELETE", "/oauth2/authorize", NULL, NULL, NULL, NULL, 0, &r);
    assert_string_equal(r.r.allow, "GET, POST");
    tsf_expect_error(&r, 405, "method_not_allowed", NULL);
    tsf_call("GET", "/oauth2/token", NULL, NULL, NULL, NULL, 0, &r);
    tsf_expect_error(&r, 405, "method_not_allowed", NULL);
}

static void login_survives_service_restart(void **state)
{
    (void)state;
    char at[64], rt[64];
    tsf_login("user1", at, rt);
    tsf_restart();
    assert_int_equal(list_status(at), 200);
    tsf_resp r;
    refresh(rt, &r);
    assert_int_equal(r.r.status, 200);
    tsf_resp_free(&r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tsf_setup, tsf_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(authorize_get_valid_request_shows_japanese_login_form),
        T(authorize_unknown_client_is_400_page_never_redirect),
        T(authorize_non_loopback_redirect_is_400_page_never_redirect),
        T(authorize_malformed_or_duplicate_query_is_400_page),
        T(authorize_parameter_errors_redirect_with_error_and_state),
        T(authorize_post_wrong_password_is_401_form_with_message),
        T(authorize_post_deny_redirects_access_denied_with_state),
        T(authorize_post_wrong_content_type_is_400_page),
        T(authorize_post_valid_login_redirects_code_and_state),
        T(token_code_exchange_returns_bearer_tokens_no_store),
        T(token_code_used_twice_is_invalid_grant_and_revokes_first_tokens),
        T(token_code_older_than_60s_is_invalid_grant),
        T(token_unknown_code_is_invalid_grant),
        T(token_wrong_code_verifier_is_invalid_grant),
        T(token_malformed_code_verifier_is_invalid_request),
        T(token_other_redirect_uri_is_invalid_grant),
        T(token_unknown_or_missing_client_is_401_invalid_client),
        T(token_unknown_grant_type_is_unsupported_grant_type),
        T(token_malformed_form_is_invalid_request),
        T(refresh_rotates_tokens_and_old_ones_keep_working_until_reuse),
        T(rotated_refresh_token_reuse_revokes_whole_family),
        T(access_token_expires_after_access_ttl),
        T(refresh_token_expires_after_30_days),
        T(revoke_access_token_logs_out_whole_family),
        T(revoke_refresh_token_revokes_access_token_too),
        T(revoke_unknown_token_is_200_and_missing_token_400),
        T(csc_without_or_with_bad_bearer_is_401_with_www_authenticate),
        T(bearer_scheme_is_case_insensitive),
        T(unknown_path_is_404_and_wrong_method_405_with_allow),
        T(login_survives_service_restart),
    };
    return cmocka_run_group_tests_name("rsspd oauth", tests, tsf_group_setup, tsf_group_teardown);
}
