/* Bad input from the network: oversized, malformed and mistyped bodies,
 * unknown paths and methods, and TLS verification. docs/protocol.md
 * "Conventions", "Error codes". */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static h_tokens tok;

static const char *bearer(void)
{
    if (!tok.access)
        h_login_ok("user1", &tok);
    return tok.access;
}

static int teardown(void **state)
{
    h_tokens_free(&tok);
    return h_group_teardown(state);
}

static char *json_of_size(size_t n)
{
    /* {"lang":"ja-JP","pad":"xxxx...x"} exactly n bytes */
    static const char head[] = "{\"lang\":\"ja-JP\",\"pad\":\"";
    char *s = malloc(n + 1);
    assert_non_null(s);
    size_t hl = sizeof head - 1;
    memcpy(s, head, hl);
    memset(s + hl, 'x', n - hl - 2);
    memcpy(s + n - 2, "\"}", 2);
    s[n] = 0;
    return s;
}

static void body_over_1mib_is_413_request_too_large(void **state)
{
    (void)state;
    const char *t = bearer();
    char *big = json_of_size(2 * 1024 * 1024);
    static const char *const paths[] = {"/csc/v2/info", "/csc/v2/credentials/list",
                                        "/csc/v2/signatures/signHash"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        h_resp r;
        h_post_json(paths[i], big, i ? t : NULL, &r);
        H_EXPECT_ERROR(&r, 413, "request_too_large");
        h_resp_free(&r);
    }
    /* 1 MiB + 1 is over too */
    free(big);
    big = json_of_size(1024 * 1024 + 1);
    h_resp r;
    h_post_json("/csc/v2/info", big, NULL, &r);
    H_EXPECT_ERROR(&r, 413, "request_too_large");
    h_resp_free(&r);
    free(big);
    /* the service is still fine afterwards */
    h_post_json("/csc/v2/info", "{}", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
}

static void body_of_exactly_1mib_is_accepted(void **state)
{
    (void)state;
    char *big = json_of_size(1024 * 1024);
    h_resp r;
    h_post_json("/csc/v2/info", big, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(big);
}

static void malformed_json_is_400_invalid_request(void **state)
{
    (void)state;
    const char *t = bearer();
    static const char *const bad[] = {"{",     "not json",   "{\"credentialID\":}", "[]",
                                      "\"x\"", "{\"a\":1}}", "{\"a\":1,}",          "\xff\xfe{}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        h_resp r;
        h_post_json("/csc/v2/credentials/info", bad[i], t, &r);
        H_EXPECT_ERROR(&r, 400, "invalid_request");
        h_resp_free(&r);
        h_post_json("/csc/v2/credentials/list", bad[i], t, &r);
        H_EXPECT_ERROR(&r, 400, "invalid_request");
        h_resp_free(&r);
    }
    h_resp r;
    h_post_json("/csc/v2/info", "{", NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
}

static void wrong_json_types_are_400_naming_the_field(void **state)
{
    (void)state;
    const char *t = bearer();
    const char *cred = h_user_by_id("user1")->creds[0].id;
    char b1[256], b2[256], b3[512];
    snprintf(b1, sizeof b1, "{\"credentialID\":\"%s\",\"certInfo\":\"yes\"}", cred);
    snprintf(b2, sizeof b2, "{\"credentialID\":\"%s\",\"certificates\":true}", cred);
    char b4[256];
    snprintf(b4, sizeof b4, "{\"credentialID\":\"%s\",\"authInfo\":1}", cred);
    snprintf(b3, sizeof b3,
             "{\"credentialID\":\"%s\",\"SAD\":42,\"hashes\":[\"AAAAAAAAAAAAAAAAAAAAAAAAAAA="
             "\"],\"signAlgo\":\"" CRPKI_OID_RSA_ENCRYPTION "\"}",
             cred);
    struct {
        const char *path, *body, *field;
    } cases[] = {
        {"/csc/v2/credentials/list", "{\"credInfo\":\"yes\"}", "credInfo"},
        {"/csc/v2/credentials/list", "{\"maxResults\":\"1\"}", "maxResults"},
        {"/csc/v2/credentials/list", "{\"maxResults\":0}", "maxResults"},
        {"/csc/v2/credentials/list", "{\"maxResults\":1001}", "maxResults"},
        {"/csc/v2/credentials/list", "{\"maxResults\":1.5}", "maxResults"},
        {"/csc/v2/credentials/list", "{\"credInfo\":true,\"certificates\":\"all\"}",
         "certificates"},
        {"/csc/v2/credentials/info", "{\"credentialID\":5}", "credentialID"},
        {"/csc/v2/credentials/info", "{\"credentialID\":null}", "credentialID"},
        {"/csc/v2/credentials/info", b1, "certInfo"},
        {"/csc/v2/credentials/info", b2, "certificates"},
        {"/csc/v2/credentials/info", b4, "authInfo"},
        {"/csc/v2/credentials/authorizeCheck", "{\"handle\":1}", "handle"},
        {"/csc/v2/credentials/authorizeCheck", "{}", "handle"},
        {"/csc/v2/credentials/authorizeCheck", "{\"handle\":\"x\",\"wait\":\"5\"}", "wait"},
        {"/csc/v2/credentials/authorizeCheck", "{\"handle\":\"x\",\"wait\":-1}", "wait"},
        {"/csc/v2/signatures/signHash", b3, "SAD"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h_resp r;
        h_post_json(cases[i].path, cases[i].body, t, &r);
        if (r.status != 400 || !h_jstr(r.json, "error") ||
            strcmp(h_jstr(r.json, "error"), "invalid_request") != 0 ||
            !h_jstr(r.json, "error_description") ||
            !strstr(h_jstr(r.json, "error_description"), cases[i].field))
            fail_msg("POST %s %s: want 400 invalid_request naming %s, got %ld %s", cases[i].path,
                     cases[i].body, cases[i].field, r.status, r.body);
        h_resp_free(&r);
    }
}

static void unknown_request_fields_are_ignored(void **state)
{
    (void)state;
    h_resp r;
    h_post_json("/csc/v2/credentials/list", "{\"clientData\":\"x\",\"future\":{\"a\":[1,2]}}",
                bearer(), &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
}

static void form_errors_at_token_endpoint_are_invalid_request(void **state)
{
    (void)state;
    h_resp r;
    h_post_form("/oauth2/token", "client_id=crpki-driver&code=x", NULL, &r); /* no grant_type */
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    h_post_form("/oauth2/token", "grant_type=authorization_code&client_id=crpki-driver", NULL,
                &r); /* no code, redirect_uri, verifier */
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    h_post_form("/oauth2/token",
                "grant_type=authorization_code&code=x&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2F"
                "&client_id=crpki-driver&code_verifier=short",
                NULL, &r); /* verifier < 43 chars */
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "code_verifier"))
        fail_msg("short code_verifier: error_description does not name it: %s", r.body);
    h_resp_free(&r);
}

static void unknown_path_is_404_not_found(void **state)
{
    (void)state;
    static const char *const paths[] = {"/csc/v2/nothing", "/csc/v1/info", "/", "/oauth2/userinfo",
                                        "/csc/v2/info/extra"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        h_resp r;
        h_post_json(paths[i], "{}", bearer(), &r);
        H_EXPECT_ERROR(&r, 404, "not_found");
        h_resp_free(&r);
        h_get(paths[i], NULL, &r);
        H_EXPECT_ERROR(&r, 404, "not_found");
        h_resp_free(&r);
    }
}

static void wrong_method_on_known_path_is_405(void **state)
{
    (void)state;
    struct {
        const char *method, *path;
    } cases[] = {
        {"GET", "/csc/v2/info"},
        {"GET", "/csc/v2/credentials/list"},
        {"GET", "/csc/v2/signatures/signHash"},
        {"GET", "/oauth2/token"},
        {"GET", "/oauth2/revoke"},
        {"PUT", "/csc/v2/credentials/info"},
        {"DELETE", "/csc/v2/credentials/authorize"},
        {"DELETE", "/oauth2/authorize"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h_resp r;
        h_request(cases[i].method, cases[i].path, NULL, NULL, 0, bearer(), &r);
        H_EXPECT_ERROR(&r, 405, "method_not_allowed");
        /* RFC 9110 15.5.6: a 405 lists the allowed methods */
        if (!r.allow ||
            !strstr(r.allow, strcmp(cases[i].path, "/oauth2/authorize") ? "POST" : "GET"))
            fail_msg("%s %s: 405 with Allow %s", cases[i].method, cases[i].path,
                     r.allow ? r.allow : "(none)");
        h_resp_free(&r);
    }
}

static void responses_are_json_utf8(void **state)
{
    (void)state;
    h_resp r;
    h_post_json("/csc/v2/credentials/list", "{}", bearer(), &r);
    H_EXPECT_STATUS(&r, 200);
    if (!r.content_type || !strstr(r.content_type, "application/json"))
        fail_msg("Content-Type %s, want application/json; charset=utf-8",
                 r.content_type ? r.content_type : "(none)");
    h_resp_free(&r);
    h_post_json("/csc/v2/credentials/info", "{}", bearer(), &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!r.content_type || !strstr(r.content_type, "application/json"))
        fail_msg("error Content-Type %s, want application/json",
                 r.content_type ? r.content_type : "(none)");
    h_resp_free(&r);
}

/* A fresh handle (no pooled session) to host:port with cainfo (NULL:
 * curl's default bundle). */
static CURLcode tls_probe(const char *host, const char *cainfo)
{
    CURL *c = curl_easy_init();
    char url[128], res[64];
    snprintf(url, sizeof url, "https://%s:%d/csc/v2/info", host, h_port());
    snprintf(res, sizeof res, "localhost:%d:127.0.0.1", h_port());
    struct curl_slist *rs = curl_slist_append(NULL, res);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_RESOLVE, rs);
    if (cainfo)
        curl_easy_setopt(c, CURLOPT_CAINFO, cainfo);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    FILE *devnull = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
    CURLcode cc = curl_easy_perform(c);
    fclose(devnull);
    curl_easy_cleanup(c);
    curl_slist_free_all(rs);
    return cc;
}

static void tls_without_the_test_ca_fails_verification(void **state)
{
    (void)state;
    CURLcode cc = tls_probe("localhost", NULL);
    if (cc != CURLE_PEER_FAILED_VERIFICATION)
        fail_msg("default CA bundle: want CURLE_PEER_FAILED_VERIFICATION, got %d (%s)", (int)cc,
                 curl_easy_strerror(cc));
    cc = tls_probe("localhost", h_sim_data()->registrar_ca);
    if (cc != CURLE_PEER_FAILED_VERIFICATION)
        fail_msg("registrar CA as trust anchor: want CURLE_PEER_FAILED_VERIFICATION, got %d (%s)",
                 (int)cc, curl_easy_strerror(cc));
}

static void tls_with_the_test_ca_verifies_localhost_and_127_0_0_1(void **state)
{
    (void)state;
    CURLcode cc = tls_probe("localhost", h_sim_data()->tls_ca);
    if (cc != CURLE_OK)
        fail_msg("https://localhost with tls/ca.pem: curl %d (%s)", (int)cc,
                 curl_easy_strerror(cc));
    cc = tls_probe("127.0.0.1", h_sim_data()->tls_ca);
    if (cc != CURLE_OK)
        fail_msg("https://127.0.0.1 with tls/ca.pem: curl %d (%s)", (int)cc,
                 curl_easy_strerror(cc));
}

static void plain_http_is_not_served(void **state)
{
    (void)state;
    CURL *c = curl_easy_init();
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/csc/v2/info", h_port());
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    FILE *devnull = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
    CURLcode cc = curl_easy_perform(c);
    long st = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    fclose(devnull);
    curl_easy_cleanup(c);
    if (cc == CURLE_OK && st >= 200 && st < 300)
        fail_msg("plain HTTP answered %ld", st);
    /* and the HTTPS side still works after the garbage handshake */
    h_resp r;
    h_post_json("/csc/v2/info", "{}", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
}

static void every_response_kind_has_cache_control_no_store(void **state)
{
    (void)state;
    const char *t = bearer();
    struct {
        const char *method, *path, *ctype, *body, *auth;
        long status;
    } cases[] = {
        {"POST", "/csc/v2/info", "application/json", "{}", NULL, 200},
        {"POST", "/csc/v2/credentials/list", "application/json", "{}", t, 200},
        {"POST", "/csc/v2/credentials/list", "application/json", "{}", NULL, 401},
        {"POST", "/csc/v2/credentials/info", "application/json", "{}", t, 400},
        {"POST", "/csc/v2/nothing", "application/json", "{}", t, 404},
        {"GET", "/csc/v2/info", NULL, NULL, NULL, 405},
        {"POST", "/oauth2/token", "application/x-www-form-urlencoded", "grant_type=x", NULL, 401},
        {"POST", "/oauth2/revoke", "application/x-www-form-urlencoded",
         "token=x&client_id=crpki-driver", NULL, 200},
        {"GET", "/oauth2/authorize?client_id=nobody", NULL, NULL, NULL, 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h_resp r;
        h_request(cases[i].method, cases[i].path, cases[i].ctype, cases[i].body,
                  cases[i].body ? strlen(cases[i].body) : 0, cases[i].auth, &r);
        H_EXPECT_STATUS(&r, cases[i].status);
        if (!r.cache_control || !strstr(r.cache_control, "no-store"))
            fail_msg("%s %s (%ld): Cache-Control %s, want no-store on every response",
                     cases[i].method, cases[i].path, r.status,
                     r.cache_control ? r.cache_control : "(none)");
        h_resp_free(&r);
    }
    /* the login form and its redirect */
    h_pkce p;
    h_pkce_new(&p);
    char *q = h_authorize_query(&p);
    char path[1024];
    snprintf(path, sizeof path, "/oauth2/authorize?%s", q);
    h_resp r;
    h_get(path, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    if (!r.cache_control || !strstr(r.cache_control, "no-store"))
        fail_msg("login form: Cache-Control %s", r.cache_control ? r.cache_control : "(none)");
    h_resp_free(&r);
    free(q);
    const h_user *u = h_user_by_id("user1");
    h_login_form(&p, u->id, u->password, "approve", &r);
    H_EXPECT_STATUS(&r, 302);
    if (!r.cache_control || !strstr(r.cache_control, "no-store"))
        fail_msg("login redirect: Cache-Control %s", r.cache_control ? r.cache_control : "(none)");
    h_resp_free(&r);
}

static void body_without_json_content_type_is_invalid_request(void **state)
{
    (void)state;
    static const char *const types[] = {"text/plain", "application/x-www-form-urlencoded", NULL};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        h_resp r;
        h_request("POST", "/csc/v2/credentials/list", types[i], "{}", 2, bearer(), &r);
        H_EXPECT_ERROR(&r, 400, "invalid_request");
        h_resp_free(&r);
    }
    static const char *const ok[] = {"application/json", "application/json; charset=utf-8",
                                     "application/json;charset=UTF-8"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        h_resp r;
        h_request("POST", "/csc/v2/credentials/list", ok[i], "{}", 2, bearer(), &r);
        H_EXPECT_STATUS(&r, 200);
        h_resp_free(&r);
    }
}

static void strict_json_rejects_duplicates_nul_surrogates_and_deep_nesting(void **state)
{
    (void)state;
    char deep[200];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "{\"x\":");
    for (int i = 0; i < 40; i++)
        deep[n++] = '[';
    for (int i = 0; i < 40; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = 0;
    const char *bad[] = {
        "{\"credInfo\":true,\"credInfo\":false}",
        "{\"x\":\"a\\u0000b\"}",
        "{\"x\":\"\\ud800\"}",
        "{\"x\":\"\\udc00x\"}",
        deep,
        "{\"x\":\"\xc3\x28\"}", /* invalid UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        h_resp r;
        h_post_json("/csc/v2/credentials/list", bad[i], bearer(), &r);
        if (r.status != 400 || !h_jstr(r.json, "error") ||
            strcmp(h_jstr(r.json, "error"), "invalid_request") != 0)
            fail_msg("body %s: want 400 invalid_request, got %ld %s", bad[i], r.status, r.body);
        h_resp_free(&r);
    }
    /* a valid surrogate pair and 30 levels of nesting are fine */
    char ok[200];
    n = (size_t)snprintf(ok, sizeof ok, "{\"x\":\"\\ud83d\\ude00\",\"y\":");
    for (int i = 0; i < 30; i++)
        ok[n++] = '[';
    for (int i = 0; i < 30; i++)
        ok[n++] = ']';
    ok[n++] = '}';
    ok[n] = 0;
    h_resp r;
    h_post_json("/csc/v2/credentials/list", ok, bearer(), &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
}

static void strict_forms_reject_bad_escapes_and_duplicates(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "grant_type=refresh_token&grant_type=refresh_token&refresh_token=x&client_id=crpki-driver",
        "grant_type=refresh_token&refresh_token=%zz&client_id=crpki-driver",
        "grant_type=refresh_token&refresh_token=%4&client_id=crpki-driver",
        "grant_type=refresh_token&refresh_token=a%00b&client_id=crpki-driver",
        "grant_type=refresh_token&refresh_token=a%0Ab&client_id=crpki-driver",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        h_resp r;
        h_post_form("/oauth2/token", bad[i], NULL, &r);
        if (r.status != 400 || !h_jstr(r.json, "error") ||
            strcmp(h_jstr(r.json, "error"), "invalid_request") != 0)
            fail_msg("form %s: want 400 invalid_request, got %ld %s", bad[i], r.status, r.body);
        h_resp_free(&r);
    }
    /* the authorize query: 400 HTML page, never a redirect */
    h_pkce p;
    h_pkce_new(&p);
    char *ru = h_urlencode(p.redirect_uri);
    char q[1024];
    snprintf(q, sizeof q,
             "/oauth2/authorize?response_type=code&client_id=crpki-driver&redirect_uri=%s"
             "&code_challenge=%s&code_challenge_method=S256&state=a&state=b",
             ru, p.challenge);
    h_resp r;
    h_get(q, NULL, &r);
    H_EXPECT_STATUS(&r, 400);
    if (r.location)
        fail_msg("duplicate state redirected to %s", r.location);
    h_resp_free(&r);
    snprintf(q, sizeof q,
             "/oauth2/authorize?response_type=code&client_id=crpki-driver&redirect_uri=%s"
             "&code_challenge=%s&code_challenge_method=S256&state=%%zz",
             ru, p.challenge);
    h_get(q, NULL, &r);
    H_EXPECT_STATUS(&r, 400);
    if (r.location)
        fail_msg("bad %% escape redirected to %s", r.location);
    h_resp_free(&r);
    free(ru);
}

static void info_with_empty_body_counts_as_empty_object(void **state)
{
    (void)state;
    h_resp r;
    h_request("POST", "/csc/v2/info", NULL, NULL, 0, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    assert_non_null(h_jstr(r.json, "name"));
    h_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(body_over_1mib_is_413_request_too_large),
        cmocka_unit_test(body_of_exactly_1mib_is_accepted),
        cmocka_unit_test(malformed_json_is_400_invalid_request),
        cmocka_unit_test(wrong_json_types_are_400_naming_the_field),
        cmocka_unit_test(unknown_request_fields_are_ignored),
        cmocka_unit_test(form_errors_at_token_endpoint_are_invalid_request),
        cmocka_unit_test(unknown_path_is_404_not_found),
        cmocka_unit_test(wrong_method_on_known_path_is_405),
        cmocka_unit_test(responses_are_json_utf8),
        cmocka_unit_test(tls_without_the_test_ca_fails_verification),
        cmocka_unit_test(tls_with_the_test_ca_verifies_localhost_and_127_0_0_1),
        cmocka_unit_test(plain_http_is_not_served),
        cmocka_unit_test(every_response_kind_has_cache_control_no_store),
        cmocka_unit_test(body_without_json_content_type_is_invalid_request),
        cmocka_unit_test(strict_json_rejects_duplicates_nul_surrogates_and_deep_nesting),
        cmocka_unit_test(strict_forms_reject_bad_escapes_and_duplicates),
        cmocka_unit_test(info_with_empty_body_counts_as_empty_object),
    };
    return cmocka_run_group_tests_name("integration: robustness", tests, h_group_setup, teardown);
}
