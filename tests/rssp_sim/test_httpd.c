/* Tests of the HTTPS transport (httpd.c) and the serve command line
 * (serve_args.c), with the fake service of test_serve_fake_service.c behind
 * it and libcurl in front, over real TLS with a CA made here. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "httpd.h"
#include "serve.h"
#include "service.h"
#include "test_serve_fake_service.h"
#include "base/util/base64.h"

/* ---- test PKI ----------------------------------------------------------- */

static char *ca_pem, *other_ca_pem, *server_cert_pem, *server_key_pem;

static char *bio_text(BIO *b)
{
    char *p;
    long n = BIO_get_mem_data(b, &p);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    memcpy(s, p, (size_t)n);
    s[n] = '\0';
    BIO_free(b);
    return s;
}

static void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key)
{
    static long serial = 1;
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    add_ext(x, &ctx, NID_subject_key_identifier, "hash");
    if (!issuer) {
        add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(x, &ctx, NID_authority_key_identifier, "keyid");
        add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature");
        add_ext(x, &ctx, NID_ext_key_usage, "serverAuth");
        add_ext(x, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
    }
    assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    return x;
}

static char *cert_text(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    return bio_text(b);
}

static void make_pki(void)
{
    EVP_PKEY *ca_key = EVP_EC_gen("P-256");
    EVP_PKEY *other_key = EVP_EC_gen("P-256");
    EVP_PKEY *srv_key = EVP_EC_gen("P-256");
    assert_non_null(ca_key);
    assert_non_null(other_key);
    assert_non_null(srv_key);
    X509 *ca = make_cert(ca_key, "crpki test TLS CA", NULL, NULL);
    X509 *other = make_cert(other_key, "crpki test TLS CA", NULL, NULL); /* same name, other key */
    X509 *srv = make_cert(srv_key, "localhost", ca, ca_key);
    ca_pem = cert_text(ca);
    other_ca_pem = cert_text(other);
    server_cert_pem = cert_text(srv);
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, srv_key, NULL, NULL, 0, NULL, NULL);
    server_key_pem = bio_text(b);
    X509_free(ca);
    X509_free(other);
    X509_free(srv);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(other_key);
    EVP_PKEY_free(srv_key);
}

/* ---- server ------------------------------------------------------------- */

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[64 * 1024];

static void capture_log(void *arg, const char *line)
{
    pthread_mutex_lock(&log_mu);
    size_t n = strlen(log_buf);
    snprintf(log_buf + n, sizeof log_buf - n, "%s\n", line);
    pthread_mutex_unlock(&log_mu);
}

static int log_contains(const char *s)
{
    pthread_mutex_lock(&log_mu);
    int found = strstr(log_buf, s) != NULL;
    pthread_mutex_unlock(&log_mu);
    return found;
}

typedef struct {
    rsspd_httpd *h;
    rsspd_service *svc;
    unsigned port;
} server;

static int server_try_start(server *s, const rsspd_faults *faults, const char *listen)
{
    rsspd_httpd_config cfg = {
        .listen = listen,
        .tls_cert_pem = server_cert_pem,
        .tls_key_pem = server_key_pem,
        .log = capture_log,
    };
    if (faults)
        cfg.faults = *faults;
    char err[256];
    memset(s, 0, sizeof *s);
    if (rsspd_httpd_create(&cfg, &s->h, err, sizeof err) != 0)
        return -1;
    s->port = rsspd_httpd_port(s->h);
    rsspd_options opt;
    rsspd_options_default(&opt);
    assert_int_equal(rsspd_service_open("/nonexistent", &opt, &s->svc, err, sizeof err), 0);
    if (rsspd_httpd_start(s->h, s->svc, err, sizeof err) != 0) {
        print_error("start: %s\n", err);
        fail();
    }
    fake_service_reset();
    pthread_mutex_lock(&log_mu);
    log_buf[0] = '\0';
    pthread_mutex_unlock(&log_mu);
    return 0;
}

static void server_start(server *s, const rsspd_faults *faults)
{
    assert_int_equal(server_try_start(s, faults, NULL), 0);
    assert_true(s->port > 0);
}

static void server_stop(server *s)
{
    rsspd_service_shutdown(s->svc);
    rsspd_httpd_stop(s->h);
    rsspd_service_close(s->svc);
    memset(s, 0, sizeof *s);
}

/* ---- client ------------------------------------------------------------- */

typedef struct {
    CURLcode rc;
    long status;
    char *body;
    size_t len;
    char hdrs[8192];
    size_t hlen;
    long connects;
    long ms;
} resp;

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
    resp *r = arg;
    size_t k = sz * n;
    char *b = realloc(r->body, r->len + k + 1);
    if (!b)
        return 0;
    memcpy(b + r->len, p, k);
    r->body = b;
    r->len += k;
    r->body[r->len] = '\0';
    return k;
}

static size_t on_header(char *p, size_t sz, size_t n, void *arg)
{
    resp *r = arg;
    size_t k = sz * n;
    if (r->hlen + k < sizeof r->hdrs) {
        memcpy(r->hdrs + r->hlen, p, k);
        r->hlen += k;
        r->hdrs[r->hlen] = '\0';
    }
    return k;
}

static void resp_free(resp *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* Value of a response header (case-insensitive name), or NULL. */
static const char *header(const resp *r, const char *name, char *out, size_t outsz)
{
    size_t nl = strlen(name);
    for (const char *p = r->hdrs; p && *p;) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = strcspn(v, "\r\n");
            if (vl >= outsz)
                vl = outsz - 1;
            memcpy(out, v, vl);
            out[vl] = '\0';
            return out;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

static CURL *client_with_ca(const char *ca)
{
    CURL *c = curl_easy_init();
    assert_non_null(c);
    if (ca) {
        struct curl_blob blob = {.data = (void *)ca, .len = strlen(ca), .flags = CURL_BLOB_COPY};
        curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
        curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
    }
    curl_easy_setopt(c, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_V4);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 40L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    return c;
}

static CURL *client(void)
{
    return client_with_ca(ca_pem);
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* One request: body NULL = GET (unless method says otherwise). */
static void request(CURL *c, const server *s, const char *method, const char *path,
                    const void *body, size_t len, struct curl_slist *hdrs, resp *r)
{
    memset(r, 0, sizeof *r);
    char url[512];
    snprintf(url, sizeof url, "https://localhost:%u%s", s->port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    long t0 = now_ms();
    r->rc = curl_easy_perform(c);
    r->ms = now_ms() - t0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &r->connects);
}

static void get(const server *s, const char *path, resp *r)
{
    CURL *c = client();
    request(c, s, NULL, path, NULL, 0, NULL, r);
    curl_easy_cleanup(c);
}

static cJSON *json_of(const resp *r)
{
    assert_non_null(r->body);
    cJSON *j = cJSON_Parse(r->body);
    assert_non_null(j);
    return j;
}

static const char *jstr(const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void assert_error(const resp *r, long status, const char *error)
{
    assert_int_equal(r->rc, CURLE_OK);
    assert_int_equal(r->status, status);
    cJSON *j = json_of(r);
    assert_string_equal(jstr(j, "error"), error);
    assert_non_null(jstr(j, "error_description"));
    cJSON_Delete(j);
}

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
                           "--access-ttl", "5", "--approval-ttl=7", "--sad-ttl", "9",
                           "--max-signatures", "1000", "--auto-approve", "0", "--fault-503", "10",
                           "--fault-429", "20", "--retry-after", "3", "--fault-hang", "300",
                           "--fault-hang-pct", "50", "--fault-drop", "100", "--fault-path", "/csc/",
                           "--fault-seed", "18446744073709551615", NULL),
                     0);
    assert_string_equal(a.dir, "/d");
    assert_string_equal(a.listen, "[::1]:8443");
    assert_int_equal(a.opt.access_ttl_s, 5);
    assert_int_equal(a.opt.approval_ttl_s, 7);
    assert_int_equal(a.opt.sad_ttl_s, 9);
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

/* ---- requests and responses --------------------------------------------- */

static void test_keepalive(void **state)
{
    server s;
    server_start(&s, NULL);
    CURL *c = client();
    for (int i = 0; i < 100; i++) {
        resp r;
        if (i % 2)
            request(c, &s, "POST", "/echo", "{}", 2, NULL, &r);
        else
            request(c, &s, NULL, "/echo", NULL, 0, NULL, &r);
        assert_int_equal(r.rc, CURLE_OK);
        assert_int_equal(r.status, 200);
        assert_int_equal(r.connects, i == 0 ? 1 : 0);
        resp_free(&r);
    }
    /* An error answer keeps the connection too. */
    resp r;
    request(c, &s, NULL, "/nope", NULL, 0, NULL, &r);
    assert_error(&r, 404, "not_found");
    resp_free(&r);
    request(c, &s, NULL, "/echo", NULL, 0, NULL, &r);
    assert_int_equal(r.connects, 0);
    resp_free(&r);
    curl_easy_cleanup(c);
    assert_int_equal(fake_service_calls(), 102);
    server_stop(&s);
}

static void test_request_passthrough(void **state)
{
    server s;
    server_start(&s, NULL);
    CURL *c = client();
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Authorization: Bearer abc.DEF-123");
    h = curl_slist_append(h, "Content-Type: application/json; charset=utf-8");
    static const uint8_t body[] = {'{', '}', 0, 0xff, '\n', 'x'};
    resp r;
    const char *q = "a=1&b=x%20y+z&c=%2B%26%3D&flag&e=&%E6%97%A5=%E6%9C%AC&a=2";
    char path[256];
    snprintf(path, sizeof path, "/echo?%s", q);
    request(c, &s, "POST", path, body, sizeof body, h, &r);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    cJSON *j = json_of(&r);
    assert_string_equal(jstr(j, "method"), "POST");
    assert_string_equal(jstr(j, "path"), "/echo");
    assert_string_equal(jstr(j, "query"), q); /* byte for byte as sent */
    assert_string_equal(jstr(j, "authorization"), "Bearer abc.DEF-123");
    assert_string_equal(jstr(j, "content_type"), "application/json; charset=utf-8");
    assert_int_equal(cJSON_GetObjectItem(j, "body_len")->valueint, sizeof body);
    char b64[32];
    b64_encode(body, sizeof body, b64, sizeof b64);
    assert_string_equal(jstr(j, "body_b64"), b64);
    cJSON_Delete(j);
    resp_free(&r);
    curl_slist_free_all(h);

    /* No query, no headers, no body: NULLs. */
    request(c, &s, NULL, "/echo", NULL, 0, NULL, &r);
    j = json_of(&r);
    assert_string_equal(jstr(j, "method"), "GET");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "query")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "authorization")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "content_type")));
    assert_int_equal(cJSON_GetObjectItem(j, "body_len")->valueint, 0);
    cJSON_Delete(j);
    resp_free(&r);

    /* "?" alone is no query; other methods pass as they are. */
    request(c, &s, "DELETE", "/echo?", NULL, 0, NULL, &r);
    j = json_of(&r);
    assert_string_equal(jstr(j, "method"), "DELETE");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "query")));
    cJSON_Delete(j);
    resp_free(&r);
    curl_easy_cleanup(c);
    server_stop(&s);
}

static void test_response_headers(void **state)
{
    server s;
    server_start(&s, NULL);
    resp r;
    get(&s, "/headers", &r);
    assert_error(&r, 401, "invalid_token");
    char v[256];
    assert_string_equal(header(&r, "Location", v, sizeof v), "https://localhost/next?a=1");
    assert_string_equal(header(&r, "WWW-Authenticate", v, sizeof v),
                        "Bearer error=\"invalid_token\"");
    assert_string_equal(header(&r, "Retry-After", v, sizeof v), "5");
    assert_string_equal(header(&r, "Cache-Control", v, sizeof v), "no-store");
    assert_string_equal(header(&r, "Allow", v, sizeof v), "POST");
    assert_string_equal(header(&r, "Pragma", v, sizeof v), "no-cache");
    assert_string_equal(header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
    resp_free(&r);
    /* Plain answers carry none of them. */
    get(&s, "/echo", &r);
    assert_null(header(&r, "Location", v, sizeof v));
    assert_null(header(&r, "WWW-Authenticate", v, sizeof v));
    assert_null(header(&r, "Retry-After", v, sizeof v));
    assert_null(header(&r, "Cache-Control", v, sizeof v));
    assert_null(header(&r, "Allow", v, sizeof v));
    resp_free(&r);
    /* A header value with CR/LF is never sent: 500 instead. */
    get(&s, "/badheader", &r);
    assert_error(&r, 500, "server_error");
    assert_null(header(&r, "X-Injected", v, sizeof v));
    assert_null(header(&r, "Location", v, sizeof v));
    resp_free(&r);
    server_stop(&s);
}

static void test_large_response(void **state)
{
    server s;
    server_start(&s, NULL);
    resp r;
    get(&s, "/big?n=3000000", &r);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 3000000);
    for (size_t i = 0; i < r.len; i++)
        if ((unsigned char)r.body[i] != i % 251)
            fail_msg("byte %zu differs", i);
    resp_free(&r);
    get(&s, "/big?n=0", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    resp_free(&r);
    server_stop(&s);
}

/* ---- body limit --------------------------------------------------------- */

static void test_body_at_limit(void **state)
{
    server s;
    server_start(&s, NULL);
    uint8_t *body = malloc(RSSPD_MAX_BODY);
    assert_non_null(body);
    for (size_t i = 0; i < RSSPD_MAX_BODY; i++)
        body[i] = (uint8_t)(i * 7);
    CURL *c = client();
    resp r;
    request(c, &s, "POST", "/echo", body, RSSPD_MAX_BODY, NULL, &r);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    cJSON *j = json_of(&r);
    assert_int_equal(cJSON_GetObjectItem(j, "body_len")->valueint, RSSPD_MAX_BODY);
    char *b64 = b64_encode_alloc(body, RSSPD_MAX_BODY);
    assert_string_equal(jstr(j, "body_b64"), b64);
    free(b64);
    cJSON_Delete(j);
    resp_free(&r);
    curl_easy_cleanup(c);
    free(body);
    server_stop(&s);
}

static void test_413_large_body(void **state)
{
    server s;
    server_start(&s, NULL);
    size_t n = 2 * 1024 * 1024;
    char *body = malloc(n);
    assert_non_null(body);
    memset(body, 'a', n);
    CURL *c = client();
    resp r;
    request(c, &s, "POST", "/echo", body, RSSPD_MAX_BODY + 1, NULL, &r);
    assert_error(&r, 413, "request_too_large");
    resp_free(&r);
    request(c, &s, "POST", "/echo", body, n, NULL, &r);
    assert_error(&r, 413, "request_too_large");
    char v[64];
    assert_string_equal(header(&r, "Connection", v, sizeof v), "close");
    resp_free(&r);
    /* The same handle goes on working on a new connection. */
    request(c, &s, NULL, "/echo", NULL, 0, NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    curl_easy_cleanup(c);
    free(body);
    assert_int_equal(fake_service_calls(), 1);
    assert_true(log_contains("POST /echo 413 "));
    server_stop(&s);
}

typedef struct {
    size_t sent;
    size_t total;
} upload;

static size_t on_read(char *buf, size_t sz, size_t n, void *arg)
{
    upload *u = arg;
    size_t k = sz * n;
    if (k > u->total - u->sent)
        k = u->total - u->sent;
    memset(buf, 'b', k);
    u->sent += k;
    return k;
}

/* A Content-Length over the limit is refused from the headers alone: the
 * body is never read. */
static void test_413_content_length(void **state)
{
    server s;
    server_start(&s, NULL);
    CURL *c = client();
    upload u = {0, (size_t)100 * 1024 * 1024};
    struct curl_slist *h = curl_slist_append(NULL, "Expect: 100-continue");
    char url[128];
    snprintf(url, sizeof url, "https://localhost:%u/echo", s.port);
    resp r = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)u.total);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_EXPECT_100_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    r.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    assert_error(&r, 413, "request_too_large");
    assert_true(u.sent < RSSPD_MAX_BODY);
    resp_free(&r);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    assert_int_equal(fake_service_calls(), 0);
    server_stop(&s);
}

/* A chunked body has no length up front: refused once past the limit,
 * without being buffered. */
static void test_413_chunked(void **state)
{
    server s;
    server_start(&s, NULL);
    CURL *c = client();
    upload u = {0, (size_t)2 * 1024 * 1024};
    struct curl_slist *h = curl_slist_append(NULL, "Transfer-Encoding: chunked");
    char url[128];
    snprintf(url, sizeof url, "https://localhost:%u/echo", s.port);
    resp r = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    r.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    assert_error(&r, 413, "request_too_large");
    resp_free(&r);
    /* A small chunked body is fine. */
    u.sent = 0;
    u.total = 1000;
    r.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    cJSON *j = json_of(&r);
    assert_int_equal(cJSON_GetObjectItem(j, "body_len")->valueint, 1000);
    cJSON_Delete(j);
    resp_free(&r);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    assert_int_equal(fake_service_calls(), 1);
    server_stop(&s);
}

/* A chunked body that goes on and on: no answer but a closed connection
 * after a bounded amount, never the service, never a hang. */
static void test_413_chunked_endless(void **state)
{
    server s;
    server_start(&s, NULL);
    CURL *c = client();
    upload u = {0, (size_t)64 * 1024 * 1024};
    struct curl_slist *h = curl_slist_append(NULL, "Transfer-Encoding: chunked");
    char url[128];
    snprintf(url, sizeof url, "https://localhost:%u/echo", s.port);
    resp r = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    r.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    if (r.rc == CURLE_OK)
        assert_int_equal(r.status, 413);
    assert_true(u.sent < u.total);
    resp_free(&r);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    assert_int_equal(fake_service_calls(), 0);
    server_stop(&s);
}

/* ---- faults ------------------------------------------------------------- */

static void test_fault_503(void **state)
{
    rsspd_faults f = {.pct_503 = 100, .retry_after_s = 7, .seed = 1};
    server s;
    server_start(&s, &f);
    resp r;
    get(&s, "/echo", &r);
    assert_error(&r, 503, "temporarily_unavailable");
    char v[64];
    assert_string_equal(header(&r, "Retry-After", v, sizeof v), "7");
    resp_free(&r);
    assert_int_equal(fake_service_calls(), 0);
    server_stop(&s);
}

static void test_fault_429(void **state)
{
    rsspd_faults f = {.pct_429 = 100, .seed = 1};
    server s;
    server_start(&s, &f);
    resp r;
    CURL *c = client();
    for (int i = 0; i < 3; i++) {
        request(c, &s, "POST", "/echo", "{}", 2, NULL, &r);
        assert_error(&r, 429, "too_many_requests");
        char v[64];
        assert_string_equal(header(&r, "Retry-After", v, sizeof v), "1"); /* 0 = default 1 */
        assert_int_equal(r.connects, i == 0 ? 1 : 0);                     /* the connection stays */
        resp_free(&r);
    }
    curl_easy_cleanup(c);
    assert_int_equal(fake_service_calls(), 0);
    server_stop(&s);
}

static void test_fault_drop(void **state)
{
    rsspd_faults f = {.pct_drop = 100, .seed = 1};
    server s;
    server_start(&s, &f);
    resp r;
    get(&s, "/echo", &r);
    assert_int_equal(r.rc, CURLE_GOT_NOTHING);
    resp_free(&r);
    assert_int_equal(fake_service_calls(), 0);
    server_stop(&s);
    assert_true(log_contains("GET /echo - ") && log_contains("(dropped)"));
}

static void test_fault_hang(void **state)
{
    rsspd_faults f = {.hang_ms = 300, .hang_pct = 100, .seed = 1};
    server s;
    server_start(&s, &f);
    resp r;
    get(&s, "/echo", &r);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_true(r.ms >= 300);
    resp_free(&r);
    assert_int_equal(fake_service_calls(), 1);
    server_stop(&s);
    /* hang_pct 0: never. */
    f.hang_pct = 0;
    f.hang_ms = 5000;
    server_start(&s, &f);
    get(&s, "/echo", &r);
    assert_int_equal(r.status, 200);
    assert_true(r.ms < 4000);
    resp_free(&r);
    server_stop(&s);
}

static void test_fault_path(void **state)
{
    rsspd_faults f = {.pct_503 = 100, .path_prefix = "/csc/", .seed = 1};
    server s;
    server_start(&s, &f);
    resp r;
    get(&s, "/echo", &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    get(&s, "/csc/v2/info", &r);
    assert_error(&r, 503, "temporarily_unavailable");
    resp_free(&r);
    get(&s, "/cscx", &r); /* prefix "/csc/" does not match "/cscx" */
    assert_error(&r, 404, "not_found");
    resp_free(&r);
    server_stop(&s);
}

/* The same seed gives the same faults for the same request sequence. */
static void run_pattern(uint64_t seed, char *out, int n)
{
    rsspd_faults f = {.pct_503 = 30, .pct_429 = 30, .pct_drop = 20, .seed = seed};
    server s;
    server_start(&s, &f);
    CURL *c = client();
    /* A fresh connection each time: curl retries a request whose reused
     * connection closed, which would roll the dice once more. */
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    for (int i = 0; i < n; i++) {
        resp r;
        request(c, &s, NULL, "/echo", NULL, 0, NULL, &r);
        out[i] = r.rc == CURLE_GOT_NOTHING ? 'D'
                 : r.status == 503         ? '5'
                 : r.status == 429         ? '4'
                 : r.status == 200         ? 'o'
                                           : '?';
        resp_free(&r);
    }
    out[n] = '\0';
    curl_easy_cleanup(c);
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += out[i] == 'o';
    assert_int_equal(fake_service_calls(), ok); /* faults never reach the service */
    server_stop(&s);
}

static void test_fault_seed(void **state)
{
    char a[61], b[61], c[61];
    run_pattern(42, a, 60);
    run_pattern(42, b, 60);
    run_pattern(43, c, 60);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_null(strchr(a, '?'));
    /* A mix of every outcome. */
    assert_non_null(strchr(a, 'D'));
    assert_non_null(strchr(a, '5'));
    assert_non_null(strchr(a, '4'));
    assert_non_null(strchr(a, 'o'));
}

/* ---- concurrency and stopping ------------------------------------------- */

typedef struct {
    const server *s;
    const char *path;
    resp r;
} bg_req;

static void *bg_get(void *arg)
{
    bg_req *b = arg;
    CURL *c = client();
    request(c, b->s, NULL, b->path, NULL, 0, NULL, &b->r);
    curl_easy_cleanup(c);
    return NULL;
}

static void test_concurrent(void **state)
{
    server s;
    server_start(&s, NULL);
    enum { N = 4 };
    bg_req b[N];
    pthread_t t[N];
    long t0 = now_ms();
    for (int i = 0; i < N; i++) {
        b[i] = (bg_req){.s = &s, .path = "/hold?ms=1000"};
        assert_int_equal(pthread_create(&t[i], NULL, bg_get, &b[i]), 0);
    }
    /* All inside the service at once while a quick request still gets through. */
    assert_int_equal(fake_service_wait_inside(N, 10000), 0);
    resp r;
    get(&s, "/echo", &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(b[i].r.status, 200);
        resp_free(&b[i].r);
    }
    assert_int_equal(fake_service_max_inside(), N);
    assert_true(now_ms() - t0 < 1000L * N - 500); /* not one after another */
    server_stop(&s);
}

static void test_stop_while_held(void **state)
{
    server s;
    server_start(&s, NULL);
    bg_req b = {.s = &s, .path = "/hold?ms=30000"};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, bg_get, &b), 0);
    assert_int_equal(fake_service_wait_inside(1, 10000), 0);
    /* An idle keep-alive connection too. */
    CURL *idle = client();
    resp r;
    request(idle, &s, NULL, "/echo", NULL, 0, NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    long t0 = now_ms();
    server_stop(&s);
    assert_true(now_ms() - t0 < 3000);
    pthread_join(t, NULL);
    /* The held request was answered (the fake returns at shutdown) or cut. */
    assert_true(b.r.rc != CURLE_OK || b.r.status == 200);
    resp_free(&b.r);
    curl_easy_cleanup(idle);
}

static void test_stop_while_hanging(void **state)
{
    rsspd_faults f = {.hang_ms = 60000, .hang_pct = 100, .seed = 1};
    server s;
    server_start(&s, &f);
    bg_req b = {.s = &s, .path = "/echo"};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, bg_get, &b), 0);
    struct timespec ms200 = {0, 200 * 1000000L};
    nanosleep(&ms200, NULL);
    long t0 = now_ms();
    server_stop(&s);
    assert_true(now_ms() - t0 < 3000);
    pthread_join(t, NULL);
    resp_free(&b.r);
}

/* ---- access log --------------------------------------------------------- */

static void test_access_log(void **state)
{
    server s;
    server_start(&s, NULL);
    CURL *c = client();
    struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer SECRETTOKEN");
    resp r;
    request(c, &s, "POST", "/echo?code=SECRETCODE", "{\"SAD\":\"SECRETSAD\"}", 19, h, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    request(c, &s, NULL, "/nope%01x", NULL, 0, NULL, &r);
    resp_free(&r);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    server_stop(&s); /* completion callbacks have all run */
    assert_true(log_contains("POST /echo 200 "));
    assert_true(log_contains(" ms\n"));
    assert_false(log_contains("SECRET"));
    assert_false(log_contains("\x01"));
}

/* A request MHD refuses itself (a malformed Content-Length) never reaches
 * the service and leaks nothing (checked under ASan). */
static void test_malformed_request(void **state)
{
    server s;
    server_start(&s, NULL);
    CURL *c = client();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Length: 12x");
    resp r;
    request(c, &s, NULL, "/echo?x=1", NULL, 0, h, &r);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 400);
    resp_free(&r);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    assert_int_equal(fake_service_calls(), 0);
    server_stop(&s);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    make_pki();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_listen),        cmocka_unit_test(test_serve_args),
        cmocka_unit_test(test_tls_verified),        cmocka_unit_test(test_tls_untrusted_rejected),
        cmocka_unit_test(test_tls_versions),        cmocka_unit_test(test_port_zero),
        cmocka_unit_test(test_bad_key_fails_start), cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_keepalive),           cmocka_unit_test(test_request_passthrough),
        cmocka_unit_test(test_response_headers),    cmocka_unit_test(test_large_response),
        cmocka_unit_test(test_body_at_limit),       cmocka_unit_test(test_413_large_body),
        cmocka_unit_test(test_413_content_length),  cmocka_unit_test(test_413_chunked),
        cmocka_unit_test(test_413_chunked_endless), cmocka_unit_test(test_fault_503),
        cmocka_unit_test(test_fault_429),           cmocka_unit_test(test_fault_drop),
        cmocka_unit_test(test_fault_hang),          cmocka_unit_test(test_fault_path),
        cmocka_unit_test(test_fault_seed),          cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_stop_while_held),     cmocka_unit_test(test_stop_while_hanging),
        cmocka_unit_test(test_access_log),          cmocka_unit_test(test_malformed_request),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(ca_pem);
    free(other_ca_pem);
    free(server_cert_pem);
    free(server_key_pem);
    curl_global_cleanup();
    return rc;
}
