/* The HTTPS transport (httpd.c): injected faults, concurrency and stopping,
 * the access log. */
#define _POSIX_C_SOURCE 200809L

#include "test_httpd_common.h"

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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fault_503),          cmocka_unit_test(test_fault_429),
    cmocka_unit_test(test_fault_drop),         cmocka_unit_test(test_fault_hang),
    cmocka_unit_test(test_fault_path),         cmocka_unit_test(test_fault_seed),
    cmocka_unit_test(test_concurrent),         cmocka_unit_test(test_stop_while_held),
    cmocka_unit_test(test_stop_while_hanging), cmocka_unit_test(test_access_log),
    cmocka_unit_test(test_malformed_request),
};

HTTPD_TEST_MAIN(tests)
