/* The HTTPS transport (httpd.c): requests and responses through the fake
 * service, and the body limit (413). */
#define _POSIX_C_SOURCE 200809L

#include "test_httpd_common.h"

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
    base64_encode(body, sizeof body, b64, sizeof b64);
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
    char *b64 = base64_encode_alloc(body, RSSPD_MAX_BODY);
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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_keepalive),           cmocka_unit_test(test_request_passthrough),
    cmocka_unit_test(test_response_headers),    cmocka_unit_test(test_large_response),
    cmocka_unit_test(test_body_at_limit),       cmocka_unit_test(test_413_large_body),
    cmocka_unit_test(test_413_content_length),  cmocka_unit_test(test_413_chunked),
    cmocka_unit_test(test_413_chunked_endless),
};

HTTPD_TEST_MAIN(tests)
