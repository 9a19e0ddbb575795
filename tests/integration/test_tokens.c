/* Token lifecycle: refresh rotation with theft detection, revocation
 * (logout), access token expiry. docs/protocol.md "POST /oauth2/token",
 * "POST /oauth2/revoke". */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void expect_list(const char *bearer, long want)
{
    h_resp r;
    h_post_json("/csc/v2/credentials/list", "{}", bearer, &r);
    if (want == 401)
        H_EXPECT_ERROR(&r, 401, "invalid_token");
    else
        H_EXPECT_STATUS(&r, want);
    h_resp_free(&r);
}

static void expect_refresh_invalid_grant(const char *refresh)
{
    h_resp r;
    h_refresh(refresh, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_grant");
    h_resp_free(&r);
}

static void refresh(const char *rt, h_tokens *out)
{
    h_resp r;
    h_refresh(rt, &r);
    H_EXPECT_STATUS(&r, 200);
    if (!r.cache_control || !strstr(r.cache_control, "no-store"))
        fail_msg("refresh response Cache-Control %s, want no-store",
                 r.cache_control ? r.cache_control : "(none)");
    h_tokens_from(&r, out);
    h_resp_free(&r);
}

static void revoke(const char *token, const char *hint)
{
    char *t = h_urlencode(token);
    char form[512];
    snprintf(form, sizeof form, "token=%s%s%s&client_id=crpki-driver", t,
             hint ? "&token_type_hint=" : "", hint ? hint : "");
    h_resp r;
    h_post_form("/oauth2/revoke", form, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    if (!cJSON_IsObject(r.json) || cJSON_GetArraySize(r.json) != 0)
        fail_msg("revoke: want {}, got %s", r.body);
    h_resp_free(&r);
    free(t);
}

static void refresh_rotates_and_the_new_tokens_work(void **state)
{
    (void)state;
    h_tokens a, b;
    h_login_ok("user1", &a);
    refresh(a.refresh, &b);
    assert_string_not_equal(a.refresh, b.refresh);
    assert_string_not_equal(a.access, b.access);
    assert_int_equal(b.expires_in, 300);
    expect_list(b.access, 200);
    h_tokens c;
    refresh(b.refresh, &c);
    assert_string_not_equal(b.refresh, c.refresh);
    expect_list(c.access, 200);
    h_tokens_free(&a);
    h_tokens_free(&b);
    h_tokens_free(&c);
}

static void rotated_refresh_token_reuse_is_invalid_grant_and_revokes_the_family(void **state)
{
    (void)state;
    h_tokens a, b;
    h_login_ok("user1", &a);
    refresh(a.refresh, &b);
    expect_list(b.access, 200);
    /* the thief (or a confused second process) presents the old one */
    expect_refresh_invalid_grant(a.refresh);
    /* every token of that login is gone, the newest ones included */
    expect_list(b.access, 401);
    expect_refresh_invalid_grant(b.refresh);
    h_tokens_free(&a);
    h_tokens_free(&b);
}

static void family_revocation_leaves_other_logins_alone(void **state)
{
    (void)state;
    h_tokens a, other, b;
    h_login_ok("user1", &a);
    h_login_ok("user1", &other);
    refresh(a.refresh, &b);
    expect_refresh_invalid_grant(a.refresh);
    expect_list(b.access, 401);
    expect_list(other.access, 200);
    h_tokens o2;
    refresh(other.refresh, &o2);
    expect_list(o2.access, 200);
    h_tokens_free(&a);
    h_tokens_free(&b);
    h_tokens_free(&other);
    h_tokens_free(&o2);
}

static void revoke_access_token_logs_out_the_whole_login(void **state)
{
    (void)state;
    h_tokens a;
    h_login_ok("user1", &a);
    expect_list(a.access, 200);
    revoke(a.access, "access_token");
    expect_list(a.access, 401);
    expect_refresh_invalid_grant(a.refresh);
    h_tokens_free(&a);
}

static void revoke_refresh_token_revokes_its_access_token(void **state)
{
    (void)state;
    h_tokens a;
    h_login_ok("user2", &a);
    expect_list(a.access, 200);
    revoke(a.refresh, NULL);
    expect_list(a.access, 401);
    expect_refresh_invalid_grant(a.refresh);
    h_tokens_free(&a);
}

static void revoke_unknown_token_is_200(void **state)
{
    (void)state;
    revoke("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
    revoke("not even a token", "refresh_token");
}

static void refresh_with_unknown_or_access_token_is_invalid_grant(void **state)
{
    (void)state;
    expect_refresh_invalid_grant("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    h_tokens a;
    h_login_ok("user1", &a);
    expect_refresh_invalid_grant(a.access);
    h_tokens_free(&a);
}

static void malformed_authorization_headers_are_invalid_token(void **state)
{
    (void)state;
    h_tokens a;
    h_login_ok("user1", &a);
    static const char *const bad[] = {"Basic dXNlcjE6eA==", "Bearer", "Bearer  ", "bearer"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        h_resp r;
        h_request_auth("POST", "/csc/v2/credentials/list", "application/json", "{}", 2, bad[i], &r);
        H_EXPECT_ERROR(&r, 401, "invalid_token");
        h_resp_free(&r);
    }
    /* the right token with another scheme name */
    char hdr[128];
    snprintf(hdr, sizeof hdr, "Basic %s", a.access);
    h_resp r;
    h_request_auth("POST", "/csc/v2/credentials/list", "application/json", "{}", 2, hdr, &r);
    H_EXPECT_ERROR(&r, 401, "invalid_token");
    h_resp_free(&r);
    h_tokens_free(&a);
}

static void revoke_without_client_id_or_token_is_rejected(void **state)
{
    (void)state;
    h_resp r;
    h_post_form("/oauth2/revoke", "token=abc", NULL, &r);
    H_EXPECT_ERROR(&r, 401, "invalid_client");
    h_resp_free(&r);
    h_post_form("/oauth2/revoke", "token=abc&client_id=intruder", NULL, &r);
    H_EXPECT_ERROR(&r, 401, "invalid_client");
    h_resp_free(&r);
    h_post_form("/oauth2/revoke", "client_id=crpki-driver", NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    /* refresh without client_id */
    h_tokens a;
    h_login_ok("user1", &a);
    char form[256];
    snprintf(form, sizeof form, "grant_type=refresh_token&refresh_token=%s", a.refresh);
    h_post_form("/oauth2/token", form, NULL, &r);
    H_EXPECT_ERROR(&r, 401, "invalid_client");
    h_resp_free(&r);
    h_tokens_free(&a);
}

/* 1 when needle occurs in DIR/name */
static int file_contains(const char *name, const char *needle)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", h_dir(), name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t cap = 1 << 20, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    size_t nl = strlen(needle);
    int found = 0;
    for (size_t i = 0; !found && nl <= n && i <= n - nl; i++)
        found = memcmp(buf + i, needle, nl) == 0;
    free(buf);
    return found;
}

static void tokens_are_not_stored_in_clear(void **state)
{
    (void)state;
    h_tokens a, b;
    h_login_ok("user1", &a);
    refresh(a.refresh, &b);
    static const char *const files[] = {"state.db", "state.db-wal", "state.db-journal"};
    const char *toks[] = {a.access, a.refresh, b.access, b.refresh};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
        for (size_t t = 0; t < 4; t++)
            if (file_contains(files[f], toks[t]))
                fail_msg("%s holds a token in clear (the service stores only its SHA-256)",
                         files[f]);
    h_tokens_free(&a);
    h_tokens_free(&b);
}

/* last: restarts with --access-ttl 1 */
static void access_ttl_1_expires_the_access_token_and_refresh_still_works(void **state)
{
    (void)state;
    const char *args[] = {"--access-ttl", "1", NULL};
    assert_int_equal(h_server_restart(args), 0);
    h_tokens a;
    h_login_ok("user1", &a);
    assert_int_equal(a.expires_in, 1);
    h_sleep_ms(2100);
    expect_list(a.access, 401);
    h_tokens b;
    refresh(a.refresh, &b);
    expect_list(b.access, 200);
    h_tokens_free(&a);
    h_tokens_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refresh_rotates_and_the_new_tokens_work),
        cmocka_unit_test(rotated_refresh_token_reuse_is_invalid_grant_and_revokes_the_family),
        cmocka_unit_test(family_revocation_leaves_other_logins_alone),
        cmocka_unit_test(revoke_access_token_logs_out_the_whole_login),
        cmocka_unit_test(revoke_refresh_token_revokes_its_access_token),
        cmocka_unit_test(revoke_unknown_token_is_200),
        cmocka_unit_test(refresh_with_unknown_or_access_token_is_invalid_grant),
        cmocka_unit_test(malformed_authorization_headers_are_invalid_token),
        cmocka_unit_test(tokens_are_not_stored_in_clear),
        cmocka_unit_test(revoke_without_client_id_or_token_is_rejected),
        cmocka_unit_test(access_ttl_1_expires_the_access_token_and_refresh_still_works),
    };
    return cmocka_run_group_tests_name("integration: tokens", tests, h_group_setup,
                                       h_group_teardown);
}
