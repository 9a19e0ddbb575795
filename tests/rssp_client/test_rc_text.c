/* The client's pure text helpers: service URL and redirect URI checks, the
 * authorization response, form encoding, UTF-8, proxy choice, the
 * RSASSA-PSS parameters and signAlgo OIDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alg/alg.h"
#include "rc_proxy.h"
#include "rc_sign.h"
#include "rc_url.h"
#include "rc_util.h"

static char err[256];

static void service_url_https_only_normalized(void **state)
{
    (void)state;
    char *base, *host;
    assert_int_equal(rc_service_url_parse("https://localhost:8443", &base, &host, err, sizeof err),
                     0);
    assert_string_equal(base, "https://localhost:8443");
    assert_string_equal(host, "localhost");
    free(base);
    free(host);
    assert_int_equal(
        rc_service_url_parse("HTTPS://rssp.example.jp/", &base, &host, err, sizeof err), 0);
    assert_string_equal(base, "https://rssp.example.jp");
    assert_string_equal(host, "rssp.example.jp");
    free(base);
    free(host);
    assert_int_equal(rc_service_url_parse("https://[::1]:443/api//", &base, &host, err, sizeof err),
                     0);
    assert_string_equal(base, "https://[::1]:443/api");
    assert_string_equal(host, "::1");
    free(base);
    free(host);

    assert_int_equal(rc_service_url_parse("http://localhost:8443", &base, &host, err, sizeof err),
                     -1);
    assert_string_equal(err, "service_url: must be https://");
    assert_null(base);
    static const char *const BAD[] = {
        NULL,
        "",
        "localhost:8443",
        "ftp://x",
        "https://",
        "https://:443",
        "https://user:pw@host",
        "https://host:0",
        "https://host:65536",
        "https://host:08443",
        "https://host:443x",
        "https://host/path?q=1",
        "https://host/path#frag",
        "https://host/pa th",
        "https://[::1",
        "https://ho\nst",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        if (rc_service_url_parse(BAD[i], &base, &host, err, sizeof err) != -1)
            fail_msg("accepted service_url \"%s\"", BAD[i] ? BAD[i] : "(null)");
        assert_null(base);
        assert_null(host);
    }
}

static void redirect_uri_must_be_loopback_http_with_port_and_path(void **state)
{
    (void)state;
    assert_true(rc_redirect_uri_ok("http://127.0.0.1:53123/callback"));
    assert_true(rc_redirect_uri_ok("http://localhost:1/"));
    assert_true(rc_redirect_uri_ok("http://[::1]:65535/cb?x=1"));
    assert_true(rc_redirect_uri_ok("http://127.0.0.1:8080/a%20b"));
    assert_false(rc_redirect_uri_ok(NULL));
    assert_false(rc_redirect_uri_ok("https://127.0.0.1:53123/callback"));
    assert_false(rc_redirect_uri_ok("http://127.0.0.2:53123/callback"));
    assert_false(rc_redirect_uri_ok("http://example.com:80/"));
    assert_false(rc_redirect_uri_ok("http://127.0.0.1/callback"));
    assert_false(rc_redirect_uri_ok("http://127.0.0.1:0/"));
    assert_false(rc_redirect_uri_ok("http://127.0.0.1:65536/"));
    assert_false(rc_redirect_uri_ok("http://127.0.0.1:53123"));
    assert_false(rc_redirect_uri_ok("http://127.0.0.1:53123/cb#f"));
    assert_false(rc_redirect_uri_ok("http://127.0.0.1:53123/c b"));
    assert_false(rc_redirect_uri_ok("http://127.0.0.1:53123/%zz"));
    assert_false(rc_redirect_uri_ok("http://127.0.0.1:53123/?a?b"));
    assert_false(rc_redirect_uri_ok("http://localhost.evil.com:80/"));
}

static void authorization_response_from_url_or_query(void **state)
{
    (void)state;
    rc_authz_response r;
    assert_int_equal(rc_authz_response_parse("http://127.0.0.1:5/cb?code=a%2Bb&state=s+1#frag", &r,
                                             err, sizeof err),
                     0);
    assert_string_equal(r.code, "a+b");
    assert_string_equal(r.state, "s 1");
    assert_null(r.error);
    rc_authz_response_free(&r);
    assert_int_equal(
        rc_authz_response_parse("error=access_denied&state=xyz&other=1", &r, err, sizeof err), 0);
    assert_string_equal(r.error, "access_denied");
    assert_string_equal(r.state, "xyz");
    assert_null(r.code);
    rc_authz_response_free(&r);
    static const char *const BAD[] = {
        "",
        "http://127.0.0.1:5/cb",
        "code=a&code=b&state=s",
        "code=a&state=s&state=t",
        "code=%zz&state=s",
        "code=%2&state=s",
        "code=a%00b&state=s",
        "code&state=s",
        "code=a&&state=s",
        "code=a&state=s&",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        if (rc_authz_response_parse(BAD[i], &r, err, sizeof err) != -1)
            fail_msg("accepted redirect \"%s\"", BAD[i]);
        assert_null(r.code);
        assert_null(r.state);
    }
    assert_int_equal(rc_authz_response_parse(NULL, &r, err, sizeof err), -1);
}

static void form_encoding_keeps_only_unreserved(void **state)
{
    (void)state;
    strbuf b = {0};
    rc_put_param(&b, "redirect_uri", "http://127.0.0.1:5/cb?x=1&y=2");
    rc_put_param(&b, "s", "a b+c~d.e_f-g\xe6\x97\xa5");
    assert_false(b.oom);
    assert_string_equal(b.p, "redirect_uri=http%3A%2F%2F127.0.0.1%3A5%2Fcb%3Fx%3D1%26y%3D2"
                             "&s=a%20b%2Bc~d.e_f-g%E6%97%A5");
    strbuf_free(&b);
    assert_null(b.p);
}

static void url_decode_is_strict(void **state)
{
    (void)state;
    int oom;
    char *s = rc_url_decode("a+b%41%7e", 9, &oom);
    assert_string_equal(s, "a bA~");
    free(s);
    assert_null(rc_url_decode("%4", 2, &oom));
    assert_false(oom);
    assert_null(rc_url_decode("%g1", 3, &oom));
    assert_null(rc_url_decode("%00", 3, &oom));
    s = rc_url_decode("", 0, &oom);
    assert_string_equal(s, "");
    free(s);
}

static void printable_tokens_and_constant_time_equality(void **state)
{
    (void)state;
    assert_true(rc_printable_token("abc-1._~"));
    assert_false(rc_printable_token("a b"));
    assert_false(rc_printable_token(""));
    assert_false(rc_printable_token(NULL));
    assert_true(rc_str_equal_ct("abc", "abc"));
    assert_false(rc_str_equal_ct("abc", "abd"));
    assert_false(rc_str_equal_ct("abc", "ab"));
}

static void no_proxy_lists_match_hosts_and_subdomains(void **state)
{
    (void)state;
    assert_true(rc_noproxy_match("rssp.example.jp", "example.jp"));
    assert_true(rc_noproxy_match("rssp.example.jp", ".example.jp"));
    assert_true(rc_noproxy_match("example.jp", "example.jp"));
    assert_true(rc_noproxy_match("RSSP.Example.JP", "other, example.jp"));
    assert_true(rc_noproxy_match("anything", "*"));
    assert_false(rc_noproxy_match("badexample.jp", "example.jp"));
    assert_false(rc_noproxy_match("example.jp", "rssp.example.jp"));
    assert_false(rc_noproxy_match("example.jp", ""));
    assert_false(rc_noproxy_match("example.jp", NULL));
}

static void wininet_bypass_and_proxy_list(void **state)
{
    (void)state;
    assert_true(rc_wininet_bypass_match("intranet", "<local>"));
    assert_false(rc_wininet_bypass_match("rssp.example.jp", "<local>"));
    assert_true(rc_wininet_bypass_match("rssp.example.jp", "*.corp;*.EXAMPLE.jp"));
    assert_true(rc_wininet_bypass_match("10.1.2.3", "10.*"));
    assert_false(rc_wininet_bypass_match("110.1.2.3", "10.*"));
    int oom;
    char *p = rc_wininet_pick("proxy.corp:8080", &oom);
    assert_string_equal(p, "http://proxy.corp:8080");
    free(p);
    p = rc_wininet_pick("http=h1:80;https=h2:3128;socks=s:1080", &oom);
    assert_string_equal(p, "http://h2:3128");
    free(p);
    p = rc_wininet_pick("HTTPS=https://h3:443", &oom);
    assert_string_equal(p, "https://h3:443");
    free(p);
    assert_null(rc_wininet_pick("http=h1:80;ftp=f:21", &oom));
    assert_false(oom);
    assert_null(rc_wininet_pick(NULL, &oom));
}

/* The first hop of the route for host ("http://h:p"), malloc'ed; NULL: direct. */
static char *first_hop(const rc_proxy_sources *s, const char *host)
{
    rc_route r;
    char url[300];
    snprintf(url, sizeof url, "https://%s", host);
    assert_int_equal(rc_route_for(s, url, host, &r), 0);
    char *hop = r.n && r.hops[0] ? plat_strdup(r.hops[0]) : NULL;
    rc_route_free(&r);
    return hop;
}

static void system_proxy_prefers_environment_and_never_proxies_loopback(void **state)
{
    (void)state;
    char *p;
    rc_proxy_sources s = {.env_proxy = "http://envproxy:3128",
                          .env_no_proxy = "internal.example",
                          .win_proxy = "winproxy:8080"};
    p = first_hop(&s, "rssp.example.jp");
    assert_string_equal(p, "http://envproxy:3128");
    free(p);
    assert_null(first_hop(&s, "a.internal.example"));
    assert_null(first_hop(&s, "localhost"));
    assert_null(first_hop(&s, "127.0.0.1"));
    assert_null(first_hop(&s, "::1"));
    rc_proxy_sources w = {.win_proxy = "http=a:1;https=b:2", .win_bypass = "*.example.jp"};
    p = first_hop(&w, "rssp.example.com");
    assert_string_equal(p, "http://b:2");
    free(p);
    assert_null(first_hop(&w, "rssp.example.jp"));
    rc_proxy_sources none = {0};
    assert_null(first_hop(&none, "rssp.example.jp"));
    assert_true(rc_host_is_loopback("LOCALHOST"));
    assert_true(rc_host_is_loopback("127.1.2.3"));
    assert_false(rc_host_is_loopback("127.example.com"));
}

/* A script runner that answers from a table: WPAD (pac_url NULL) and one PAC. */
typedef struct {
    int wpad_rc, pac_rc;
    const char *wpad_list, *pac_list;
    int calls;
    char last_url[128];
} fake_scripts;

static int fake_ask(void *ctx, const char *url, const char *pac_url, char **list, char **found,
                    char **why)
{
    fake_scripts *f = ctx;
    f->calls++;
    snprintf(f->last_url, sizeof f->last_url, "%s", url);
    int rc = pac_url ? f->pac_rc : f->wpad_rc;
    const char *l = pac_url ? f->pac_list : f->wpad_list;
    *list = rc == 0 && l ? plat_strdup(l) : NULL;
    /* WPAD tells where it found the script */
    *found = rc == 0 && !pac_url ? plat_strdup("http://wpad.corp.example/wpad.dat") : NULL;
    *why =
        rc == 1 ? plat_strdup(pac_url ? "the script could not be downloaded" : "none found") : NULL;
    return rc;
}

static void system_proxy_follows_wpad_then_pac_then_the_fixed_proxy(void **state)
{
    (void)state;
    fake_scripts f = {0, 0, "p1:8080;PROXY p2:8080; DIRECT", "p3:3128", 0, ""};
    rc_proxy_sources s = {NULL,     NULL, "fixed:80", NULL, 1, "http://wpad.corp/proxy.pac",
                          fake_ask, &f};
    rc_route r;
    /* auto-detection answers: its list, in order, DIRECT kept as a hop */
    assert_int_equal(rc_route_for(&s, "https://rssp.example.jp", "rssp.example.jp", &r), 0);
    assert_int_equal(r.from, RSSP_ROUTE_WPAD);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.hops[0], "http://p1:8080");
    assert_string_equal(r.hops[1], "http://p2:8080");
    assert_null(r.hops[2]);
    assert_null(r.note);
    assert_string_equal(r.script, "http://wpad.corp.example/wpad.dat");
    assert_string_equal(f.last_url, "https://rssp.example.jp");
    rc_route_free(&r);
    /* no WPAD answer: the setup script, and a note of why WPAD was passed over */
    f.wpad_rc = 1;
    assert_int_equal(rc_route_for(&s, "https://rssp.example.jp", "rssp.example.jp", &r), 0);
    assert_int_equal(r.from, RSSP_ROUTE_PAC);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hops[0], "http://p3:3128");
    assert_string_equal(r.script, "http://wpad.corp/proxy.pac");
    assert_string_equal(r.note, "automatic detection: none found");
    rc_route_free(&r);
    /* neither script answers: the fixed proxy, both noted */
    f.pac_rc = 1;
    assert_int_equal(rc_route_for(&s, "https://rssp.example.jp", "rssp.example.jp", &r), 0);
    assert_int_equal(r.from, RSSP_ROUTE_STATIC);
    assert_string_equal(r.hops[0], "http://fixed:80");
    assert_non_null(strstr(r.note, "setup script http://wpad.corp/proxy.pac: the script could"));
    rc_route_free(&r);
    /* a script that says DIRECT: direct, by the script's word */
    f.pac_rc = 0;
    f.pac_list = NULL;
    assert_int_equal(rc_route_for(&s, "https://rssp.example.jp", "rssp.example.jp", &r), 0);
    assert_int_equal(r.from, RSSP_ROUTE_PAC);
    assert_int_equal(r.n, 0);
    rc_route_free(&r);
    f.pac_list = "DIRECT";
    assert_int_equal(rc_route_for(&s, "https://rssp.example.jp", "rssp.example.jp", &r), 0);
    assert_int_equal(r.from, RSSP_ROUTE_PAC);
    assert_int_equal(r.n, 0);
    rc_route_free(&r);
    /* the environment and loopback never run a script */
    f.calls = 0;
    rc_proxy_sources e = s;
    e.env_proxy = "http://envproxy:3128";
    assert_int_equal(rc_route_for(&e, "https://rssp.example.jp", "rssp.example.jp", &r), 0);
    assert_int_equal(r.from, RSSP_ROUTE_ENVIRONMENT);
    rc_route_free(&r);
    assert_int_equal(rc_route_for(&s, "https://127.0.0.1:8443", "127.0.0.1", &r), 0);
    assert_int_equal(r.from, RSSP_ROUTE_DIRECT);
    assert_int_equal(r.n, 0);
    rc_route_free(&r);
    assert_int_equal(f.calls, 0);
    /* running out of memory in the runner is an error, nothing half-made */
    f.wpad_rc = -1;
    assert_int_equal(rc_route_for(&s, "https://rssp.example.jp", "rssp.example.jp", &r), -1);
    assert_int_equal(r.n, 0);
    assert_null(r.hops);
}

static void pss_params_der_matches_openssl_encoding(void **state)
{
    (void)state;
    /* what OpenSSL writes for SHA-256, MGF1-SHA-256, salt 32 */
    static const uint8_t WANT[] = {0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
                                   0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30,
                                   0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
                                   0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
                                   0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20};
    uint8_t der[128];
    size_t n = rc_pss_params_der("2.16.840.1.101.3.4.2.1", 32, der, sizeof der);
    assert_int_equal(n, sizeof WANT);
    assert_memory_equal(der, WANT, n);
    /* SHA-1 with salt 20: every field is its DEFAULT, so DER omits them all */
    n = rc_pss_params_der("1.3.14.3.2.26", 20, der, sizeof der);
    assert_int_equal(n, 2);
    assert_memory_equal(der, "\x30\x00", 2);
    /* salt 0 and a salt needing a sign byte */
    n = rc_pss_params_der("1.3.14.3.2.26", 0, der, sizeof der);
    assert_int_equal(n, 7);
    assert_memory_equal(der, "\x30\x05\xa2\x03\x02\x01\x00", 7);
    n = rc_pss_params_der("1.3.14.3.2.26", 200, der, sizeof der);
    assert_memory_equal(der, "\x30\x06\xa2\x04\x02\x02\x00\xc8", 8);
    n = rc_pss_params_der("2.16.840.1.101.3.4.2.3", 64, der, sizeof der);
    assert_int_equal(n, sizeof WANT);
    assert_int_equal(der[16], 0x03); /* SHA-512 arc */
    assert_int_equal(rc_pss_params_der("1.2.840.113549.2.5", 16, der, sizeof der), 0); /* MD5 */
    assert_int_equal(rc_pss_params_der("9.9", 16, der, sizeof der), 0);
    assert_int_equal(rc_pss_params_der("2.16.840.1.101.3.4.2.1", 32, der, 10), 0);
}

static void sign_algo_oids(void **state)
{
    (void)state;
    assert_string_equal(rc_sign_algo_oid(RSSP_SIG_RSA_PKCS1, "2.16.840.1.101.3.4.2.1"),
                        CRPKI_OID_RSA_ENCRYPTION);
    assert_string_equal(rc_sign_algo_oid(RSSP_SIG_RSA_PSS, "2.16.840.1.101.3.4.2.2"),
                        CRPKI_OID_RSASSA_PSS);
    assert_string_equal(rc_sign_algo_oid(RSSP_SIG_ECDSA, "2.16.840.1.101.3.4.2.1"),
                        "1.2.840.10045.4.3.2");
    assert_string_equal(rc_sign_algo_oid(RSSP_SIG_ECDSA, "2.16.840.1.101.3.4.2.3"),
                        "1.2.840.10045.4.3.4");
    assert_string_equal(rc_sign_algo_oid(RSSP_SIG_ECDSA, "1.3.14.3.2.26"), "1.2.840.10045.4.1");
    assert_null(rc_sign_algo_oid(RSSP_SIG_ECDSA, "1.2.3"));
    assert_null(rc_sign_algo_oid((rssp_sig_scheme)99, "1.3.14.3.2.26"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(service_url_https_only_normalized),
        cmocka_unit_test(redirect_uri_must_be_loopback_http_with_port_and_path),
        cmocka_unit_test(authorization_response_from_url_or_query),
        cmocka_unit_test(form_encoding_keeps_only_unreserved),
        cmocka_unit_test(url_decode_is_strict),
        cmocka_unit_test(printable_tokens_and_constant_time_equality),
        cmocka_unit_test(no_proxy_lists_match_hosts_and_subdomains),
        cmocka_unit_test(wininet_bypass_and_proxy_list),
        cmocka_unit_test(system_proxy_prefers_environment_and_never_proxies_loopback),
        cmocka_unit_test(system_proxy_follows_wpad_then_pac_then_the_fixed_proxy),
        cmocka_unit_test(pss_params_der_matches_openssl_encoding),
        cmocka_unit_test(sign_algo_oids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
