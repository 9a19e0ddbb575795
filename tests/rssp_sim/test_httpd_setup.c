/* The HTTPS transport (httpd.c) and the serve command line (serve_args.c):
 * listen addresses, TLS (versions, trust, keys), listening. */
#define _POSIX_C_SOURCE 200809L

#include "test_httpd_common.h"

/* ---- listen addresses and command line ---------------------------------- */

static void test_parse_listen(void **state)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char err[160];
    assert_int_equal(rsspd_httpd_parse_listen("127.0.0.1:0", &ss, &len, err, sizeof err), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(rsspd_httpd_parse_listen("127.0.0.1:65535", &ss, &len, err, sizeof err), 0);
    assert_int_equal(rsspd_httpd_parse_listen("localhost:8443", &ss, &len, err, sizeof err), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(rsspd_httpd_parse_listen("[::1]:0", &ss, &len, err, sizeof err), 0);
    assert_int_equal(ss.ss_family, AF_INET6);
    static const char *bad[] = {"",
                                "127.0.0.1",
                                "127.0.0.1:",
                                ":80",
                                "127.0.0.1:65536",
                                "127.0.0.1:-1",
                                "127.0.0.1:8x",
                                "::1:80",
                                "[::1]",
                                "[::1]80",
                                "[]:80",
                                "example.com:80",
                                "1.2.3:80",
                                "[127.0.0.1]:80",
                                "127.0.0.1:123456"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(rsspd_httpd_parse_listen(bad[i], &ss, &len, err, sizeof err), -1);
        assert_true(err[0] != '\0');
    }
}

static int parse(rsspd_serve_args *a, char *err, size_t errsz, ...)
{
    char *argv[40] = {"serve"};
    int argc = 1;
    va_list ap;
    va_start(ap, errsz);
    for (char *s; (s = va_arg(ap, char *)) != NULL && argc < 39;)
        argv[argc++] = s;
    va_end(ap);
    err[0] = '\0';
    return rsspd_serve_parse(argc, argv, a, err, errsz);
}

static void test_serve_args(void **state)
{
    rsspd_serve_args a;
    char err[256];
    assert_int_equal(parse(&a, err, sizeof err, "--dir", "/tmp/d", NULL), 0);
    assert_string_equal(a.dir, "/tmp/d");
    assert_string_equal(a.listen, "127.0.0.1:0");
    assert_int_equal(a.opt.access_ttl_s, 300);
    assert_int_equal(a.opt.approval_ttl_s, 120);
    assert_int_equal(a.opt.sad_ttl_s, 60);
    assert_int_equal(a.opt.interval_s, 1);
    assert_int_equal(a.opt.max_signatures, 64);
    assert_true(a.opt.auto_approve_ms < 0);
    assert_null(a.opt.base_url);
    assert_int_equal(a.faults.pct_503, 0);
    assert_int_equal(a.faults.pct_429, 0);
    assert_int_equal(a.faults.pct_drop, 0);
    assert_int_equal(a.faults.hang_ms, 0);
    assert_int_equal(a.faults.hang_pct, 100);
    assert_int_equal(a.faults.retry_after_s, 1);
    assert_null(a.faults.path_prefix);
    assert_int_equal(a.faults.seed, 1);

    assert_int_equal(parse(&a, err, sizeof err, "--dir=/d", "--listen", "[::1]:8443",
                           "--access-ttl", "5", "--approval-ttl=7", "--sad-ttl", "9", "--interval",
                           "4", "--max-signatures", "1000", "--auto-approve", "0", "--fault-503",
                           "10", "--fault-429", "20", "--retry-after", "3", "--fault-hang", "300",
                           "--fault-hang-pct", "50", "--fault-drop", "100", "--fault-path", "/csc/",
                           "--fault-seed", "18446744073709551615", NULL),
                     0);
    assert_string_equal(a.dir, "/d");
    assert_string_equal(a.listen, "[::1]:8443");
    assert_int_equal(a.opt.access_ttl_s, 5);
    assert_int_equal(a.opt.approval_ttl_s, 7);
    assert_int_equal(a.opt.sad_ttl_s, 9);
    assert_int_equal(a.opt.interval_s, 4);
    assert_int_equal(a.opt.max_signatures, 1000);
    assert_int_equal(a.opt.auto_approve_ms, 0);
    assert_int_equal(a.faults.pct_503, 10);
    assert_int_equal(a.faults.pct_429, 20);
    assert_int_equal(a.faults.retry_after_s, 3);
    assert_int_equal(a.faults.hang_ms, 300);
    assert_int_equal(a.faults.hang_pct, 50);
    assert_int_equal(a.faults.pct_drop, 100);
    assert_string_equal(a.faults.path_prefix, "/csc/");
    assert_true(a.faults.seed == UINT64_MAX);

    assert_int_equal(parse(&a, err, sizeof err, "--help", NULL), 0);
    assert_true(a.help);

    /* Each usage error names the option. */
    static const struct {
        const char *args[4];
        const char *needle;
    } bad[] = {
        {{NULL}, "--dir"},
        {{"--dir", NULL}, "--dir"},
        {{"--dir", "", NULL}, "--dir"},
        {{"--dir", "d", "--dir", "e"}, "--dir"},
        {{"--dir", "d", "--fault-503", "101"}, "--fault-503"},
        {{"--dir", "d", "--fault-429", "-1"}, "--fault-429"},
        {{"--dir", "d", "--fault-drop", "1.5"}, "--fault-drop"},
        {{"--dir", "d", "--fault-hang-pct", "200"}, "--fault-hang-pct"},
        {{"--dir", "d", "--fault-hang", "600001"}, "--fault-hang"},
        {{"--dir", "d", "--retry-after", "0"}, "--retry-after"},
        {{"--dir", "d", "--access-ttl", "0"}, "--access-ttl"},
        {{"--dir", "d", "--approval-ttl", ""}, "--approval-ttl"},
        {{"--dir", "d", "--sad-ttl", "x"}, "--sad-ttl"},
        {{"--dir", "d", "--interval", "61"}, "--interval"},
        {{"--dir", "d", "--interval", "0"}, "--interval"},
        {{"--dir", "d", "--max-signatures", "0"}, "--max-signatures"},
        {{"--dir", "d", "--auto-approve", "3600001"}, "--auto-approve"},
        {{"--dir", "d", "--fault-seed", "18446744073709551616"}, "--fault-seed"},
        {{"--dir", "d", "--fault-path", "csc"}, "--fault-path"},
        {{"--dir", "d", "--listen", "127.0.0.1"}, "--listen"},
        {{"--dir", "d", "--listen", "0.0.0.0:99999"}, "--listen"},
        {{"--dir", "d", "--bogus", NULL}, "--bogus"},
        {{"--dir", "d", "stray", NULL}, "stray"},
        {{"--dir", "d", "--help=1", NULL}, "--help"},
        {{"--dir", "d", "--sad-ttl", NULL}, "--sad-ttl"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *const *v = bad[i].args;
        assert_int_equal(parse(&a, err, sizeof err, v[0], v[1], v[2], v[3], NULL), -1);
        if (!strstr(err, bad[i].needle)) {
            print_error("case %zu: '%s' does not name %s\n", i, err, bad[i].needle);
            fail();
        }
    }
}

/* ---- TLS ---------------------------------------------------------------- */

static void test_tls_verified(void **state)
{
    server s;
    server_start(&s, NULL);
    resp r;
    get(&s, "/echo", &r);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    char v[256];
    assert_string_equal(header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
    assert_string_equal(header(&r, "Content-Type", v, sizeof v), "application/json; charset=utf-8");
    resp_free(&r);
    server_stop(&s);
}

static void test_tls_untrusted_rejected(void **state)
{
    server s;
    server_start(&s, NULL);
    resp r;
    CURL *c = client_with_ca(other_ca_pem);
    request(c, &s, NULL, "/echo", NULL, 0, NULL, &r);
    assert_int_equal(r.rc, CURLE_PEER_FAILED_VERIFICATION);
    resp_free(&r);
    curl_easy_cleanup(c);
    c = client_with_ca(NULL); /* the system's roots only */
    request(c, &s, NULL, "/echo", NULL, 0, NULL, &r);
    assert_int_equal(r.rc, CURLE_PEER_FAILED_VERIFICATION);
    resp_free(&r);
    curl_easy_cleanup(c);
    assert_int_equal(fake_service_calls(), 0);
    server_stop(&s);
}

static void test_tls_versions(void **state)
{
    server s;
    server_start(&s, NULL);
    static const struct {
        long version;
        int ok;
    } cases[] = {
        {CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2, 1},
        {CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3, 1},
        {CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CURL *c = client();
        curl_easy_setopt(c, CURLOPT_SSLVERSION, cases[i].version);
        resp r;
        request(c, &s, NULL, "/echo", NULL, 0, NULL, &r);
        if (cases[i].ok) {
            assert_int_equal(r.rc, CURLE_OK);
            assert_int_equal(r.status, 200);
        } else {
            assert_int_not_equal(r.rc, CURLE_OK);
        }
        resp_free(&r);
        curl_easy_cleanup(c);
    }
    server_stop(&s);
}

/* ---- listening ---------------------------------------------------------- */

static void test_port_zero(void **state)
{
    server a, b;
    server_start(&a, NULL);
    rsspd_httpd *hb = NULL;
    char err[256];
    /* Port 0 twice: two different real ports. */
    rsspd_httpd_config cfg = {
        .listen = "127.0.0.1:0", .tls_cert_pem = server_cert_pem, .tls_key_pem = server_key_pem};
    assert_int_equal(rsspd_httpd_create(&cfg, &hb, err, sizeof err), 0);
    assert_true(rsspd_httpd_port(hb) > 0);
    assert_int_not_equal(rsspd_httpd_port(hb), a.port);
    rsspd_httpd_stop(hb); /* never started: just closes */
    /* The port in use: a clear error. */
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%u", a.port);
    cfg.listen = listen;
    err[0] = '\0';
    assert_int_equal(rsspd_httpd_create(&cfg, &hb, err, sizeof err), -1);
    assert_non_null(strstr(err, listen));
    /* Serving on the port reported. */
    resp r;
    get(&a, "/echo", &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    server_stop(&a);
    /* Once stopped the port is free again (SO_REUSEADDR). */
    assert_int_equal(server_try_start(&b, NULL, listen), 0);
    server_stop(&b);
}

static void test_bad_key_fails_start(void **state)
{
    rsspd_httpd *h = NULL;
    char err[256];
    rsspd_httpd_config cfg = {.tls_cert_pem = server_cert_pem, .tls_key_pem = "not a key"};
    assert_int_equal(rsspd_httpd_create(&cfg, &h, err, sizeof err), 0);
    rsspd_service *svc;
    rsspd_options opt;
    rsspd_options_default(&opt);
    assert_int_equal(rsspd_service_open("/x", &opt, &svc, err, sizeof err), 0);
    err[0] = '\0';
    assert_int_equal(rsspd_httpd_start(h, svc, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    rsspd_httpd_stop(h);
    rsspd_service_close(svc);
    cfg.tls_key_pem = NULL;
    assert_int_equal(rsspd_httpd_create(&cfg, &h, err, sizeof err), -1);
    cfg.tls_key_pem = server_key_pem;
    cfg.faults.pct_503 = 101;
    assert_int_equal(rsspd_httpd_create(&cfg, &h, err, sizeof err), -1);
}

static void test_ipv6(void **state)
{
    server s;
    if (server_try_start(&s, NULL, "[::1]:0") != 0)
        skip(); /* no IPv6 loopback here */
    CURL *c = client();
    curl_easy_setopt(c, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_WHATEVER);
    char url[64];
    snprintf(url, sizeof url, "https://[::1]:%u/echo", s.port);
    resp r = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    curl_easy_cleanup(c);
    server_stop(&s);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_listen),        cmocka_unit_test(test_serve_args),
    cmocka_unit_test(test_tls_verified),        cmocka_unit_test(test_tls_untrusted_rejected),
    cmocka_unit_test(test_tls_versions),        cmocka_unit_test(test_port_zero),
    cmocka_unit_test(test_bad_key_fails_start), cmocka_unit_test(test_ipv6),
};

HTTPD_TEST_MAIN(tests)
