/* Test-only fake of service.h, see test_serve_fake_service.h. */
#define _POSIX_C_SOURCE 200809L

#include "test_serve_fake_service.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "service.h"
#include "base/util/base64.h"

struct rsspd_service {
    char *base_url;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv; /* CLOCK_MONOTONIC, set up in open */
static int calls, inside, max_inside, shut_down;

static void init_cv(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cv, &ca);
    pthread_condattr_destroy(&ca);
}

static void ensure_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_cv);
}

void fake_service_reset(void)
{
    pthread_mutex_lock(&mu);
    calls = inside = max_inside = 0;
    pthread_mutex_unlock(&mu);
}

int fake_service_calls(void)
{
    pthread_mutex_lock(&mu);
    int n = calls;
    pthread_mutex_unlock(&mu);
    return n;
}

int fake_service_inside(void)
{
    pthread_mutex_lock(&mu);
    int n = inside;
    pthread_mutex_unlock(&mu);
    return n;
}

int fake_service_max_inside(void)
{
    pthread_mutex_lock(&mu);
    int n = max_inside;
    pthread_mutex_unlock(&mu);
    return n;
}

static void deadline_in(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int fake_service_wait_inside(int n, int ms)
{
    struct timespec dl;
    ensure_init();
    deadline_in(&dl, ms);
    pthread_mutex_lock(&mu);
    int rc = 0;
    while (inside < n && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&cv, &mu, &dl);
    int ok = inside >= n;
    pthread_mutex_unlock(&mu);
    return ok ? 0 : -1;
}

void rsspd_options_default(rsspd_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->access_ttl_s = 300;
    opt->refresh_ttl_s = 30 * 24 * 3600;
    opt->approval_ttl_s = 120;
    opt->sad_ttl_s = 60;
    opt->interval_s = 1;
    opt->max_signatures = 64;
    opt->auto_approve_ms = -1;
}

int rsspd_service_open(const char *dir, const rsspd_options *opt, rsspd_service **out, char *err,
                       size_t errsz)
{
    ensure_init();
    rsspd_service *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    if (opt && opt->base_url)
        s->base_url = strdup(opt->base_url);
    pthread_mutex_lock(&mu);
    shut_down = 0;
    pthread_mutex_unlock(&mu);
    *out = s;
    return 0;
}

void rsspd_service_shutdown(rsspd_service *svc)
{
    pthread_mutex_lock(&mu);
    shut_down = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

void rsspd_service_close(rsspd_service *svc)
{
    if (!svc)
        return;
    free(svc->base_url);
    free(svc);
}

static void set_json(rsspd_response *rsp, int status, cJSON *j)
{
    rsp->status = status;
    rsp->content_type = "application/json; charset=utf-8";
    rsp->body = cJSON_PrintUnformatted(j);
    rsp->body_len = rsp->body ? strlen(rsp->body) : 0;
    cJSON_Delete(j);
}

void rsspd_response_error(rsspd_response *rsp, int status, const char *error,
                          const char *description)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "error", error);
    cJSON_AddStringToObject(j, "error_description", description);
    set_json(rsp, status, j);
}

void rsspd_response_free(rsspd_response *rsp)
{
    free(rsp->body);
    free(rsp->location);
    free(rsp->www_authenticate);
    rsp->body = rsp->location = rsp->www_authenticate = NULL;
}

static void add_str_or_null(cJSON *j, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(j, k, v);
    else
        cJSON_AddNullToObject(j, k);
}

/* Integer value of name=N in the query, or def. */
static long query_num(const char *q, const char *name, long def)
{
    size_t n = strlen(name);
    for (const char *p = q; p && *p;) {
        if (strncmp(p, name, n) == 0 && p[n] == '=')
            return strtol(p + n + 1, NULL, 10);
        p = strchr(p, '&');
        if (p)
            p++;
    }
    return def;
}

static void hold(rsspd_response *rsp, long ms)
{
    struct timespec dl;
    deadline_in(&dl, ms);
    pthread_mutex_lock(&mu);
    inside++;
    if (inside > max_inside)
        max_inside = inside;
    pthread_cond_broadcast(&cv);
    int rc = 0;
    while (!shut_down && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&cv, &mu, &dl);
    int was_shut = shut_down;
    inside--;
    pthread_mutex_unlock(&mu);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddBoolToObject(j, "held", 1);
    cJSON_AddBoolToObject(j, "shutdown", was_shut);
    set_json(rsp, 200, j);
}

void rsspd_service_handle(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    memset(rsp, 0, sizeof *rsp);
    pthread_mutex_lock(&mu);
    calls++;
    pthread_mutex_unlock(&mu);
    const char *p = req->path;
    if (strcmp(p, "/echo") == 0) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "method", req->method);
        cJSON_AddStringToObject(j, "path", req->path);
        add_str_or_null(j, "query", req->query);
        add_str_or_null(j, "authorization", req->authorization);
        add_str_or_null(j, "content_type", req->content_type);
        cJSON_AddNumberToObject(j, "body_len", (double)req->body_len);
        char *b64 = base64_encode_alloc(req->body ? req->body : (const uint8_t *)"", req->body_len);
        cJSON_AddStringToObject(j, "body_b64", b64 ? b64 : "");
        free(b64);
        set_json(rsp, 200, j);
    } else if (strcmp(p, "/hold") == 0) {
        hold(rsp, query_num(req->query, "ms", 1000));
    } else if (strcmp(p, "/headers") == 0) {
        rsspd_response_error(rsp, 401, "invalid_token", "test");
        rsp->location = strdup("https://localhost/next?a=1");
        rsp->www_authenticate = strdup("Bearer error=\"invalid_token\"");
        rsp->retry_after_s = 5;
        rsp->no_store = 1;
        rsp->allow = "POST";
    } else if (strcmp(p, "/badheader") == 0) {
        set_json(rsp, 200, cJSON_CreateObject());
        rsp->location = strdup("https://localhost/\r\nX-Injected: 1");
    } else if (strcmp(p, "/big") == 0) {
        long n = query_num(req->query, "n", 0);
        rsp->status = 200;
        rsp->content_type = "application/octet-stream";
        rsp->body = malloc(n > 0 ? (size_t)n : 1);
        for (long i = 0; rsp->body && i < n; i++)
            rsp->body[i] = (char)(i % 251);
        rsp->body_len = rsp->body ? (size_t)n : 0;
    } else if (strcmp(p, "/info") == 0) {
        cJSON *j = cJSON_CreateObject();
        add_str_or_null(j, "base_url", svc->base_url);
        set_json(rsp, 200, j);
    } else {
        rsspd_response_error(rsp, 404, "not_found", "unknown path");
    }
}
