/* The harness's HTTPS client (harness.h: h_get, h_post_json, ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509_vfy.h>

#include "base/util/base64.h"
#include "harness_internal.h"

/* ------------------------------------------------------------------ */
/* HTTPS client                                                        */

/* Other threads get a handle of their own (h_thread_done frees it). */
static _Thread_local CURL *t_curl;
static _Thread_local int t_is_other;

static CURL *thread_curl(void)
{
    if (!t_is_other && H.curl)
        return H.curl;
    t_is_other = 1;
    if (!t_curl)
        t_curl = curl_easy_init();
    return t_curl;
}

void h_thread_begin(void)
{
    t_is_other = 1;
}

void h_thread_done(void)
{
    if (t_curl)
        curl_easy_cleanup(t_curl);
    t_curl = NULL;
}

typedef struct {
    char *buf;
    size_t len, cap;
} membuf;

static size_t write_cb(char *p, size_t sz, size_t nm, void *ud)
{
    membuf *m = ud;
    size_t n = sz * nm;
    if (m->len + n + 1 > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + n + 1)
            cap *= 2;
        char *nb = realloc(m->buf, cap);
        if (!nb)
            return 0;
        m->buf = nb;
        m->cap = cap;
    }
    memcpy(m->buf + m->len, p, n);
    m->len += n;
    m->buf[m->len] = 0;
    return n;
}

static char *header_value(const char *line, size_t n, const char *name)
{
    size_t nl = strlen(name);
    if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1, *e = line + n;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
        e--;
    char *out = xmalloc((size_t)(e - v) + 1);
    memcpy(out, v, (size_t)(e - v));
    out[e - v] = 0;
    return out;
}

static size_t header_cb(char *p, size_t sz, size_t nm, void *ud)
{
    h_resp *r = ud;
    size_t n = sz * nm;
    if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        /* a new response (e.g. after 100 Continue): forget the old headers */
        char **all[] = {&r->location,      &r->retry_after,  &r->www_authenticate,
                        &r->cache_control, &r->content_type, &r->allow};
        for (size_t i = 0; i < 6; i++) {
            free(*all[i]);
            *all[i] = NULL;
        }
        return n;
    }
    static const char *const names[] = {"Location",      "Retry-After",  "WWW-Authenticate",
                                        "Cache-Control", "Content-Type", "Allow"};
    char **slots[] = {&r->location,      &r->retry_after,  &r->www_authenticate,
                      &r->cache_control, &r->content_type, &r->allow};
    for (size_t i = 0; i < 6; i++) {
        char *v = header_value(p, n, names[i]);
        if (v) {
            free(*slots[i]);
            *slots[i] = v;
        }
    }
    return n;
}

void h_resp_free(h_resp *r)
{
    free(r->body);
    cJSON_Delete(r->json);
    free(r->location);
    free(r->retry_after);
    free(r->www_authenticate);
    free(r->cache_control);
    free(r->content_type);
    free(r->allow);
    memset(r, 0, sizeof *r);
}

void h_request(const char *method, const char *path, const char *content_type, const void *body,
               size_t body_len, const char *bearer, h_resp *r)
{
    char *auth = bearer ? xasprintf("Bearer %s", bearer) : NULL;
    h_request_auth(method, path, content_type, body, body_len, auth, r);
    free(auth);
}

void h_request_auth(const char *method, const char *path, const char *content_type,
                    const void *body, size_t body_len, const char *authorization, h_resp *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->what, sizeof r->what, "%s %.140s", method, path);
    CURL *c = thread_curl();
    curl_easy_reset(c);
    char *url = xasprintf("%s%s", H.base_url, path);
    membuf mb = {0};
    struct curl_slist *hdrs = NULL;
    if (content_type) {
        char *h = xasprintf("Content-Type: %s", content_type);
        hdrs = curl_slist_append(hdrs, h);
        free(h);
    } else {
        /* no Content-Type at all (curl would add a form type to a POST) */
        hdrs = curl_slist_append(hdrs, "Content-Type:");
    }
    if (authorization) {
        char *h = xasprintf("Authorization: %s", authorization);
        hdrs = curl_slist_append(hdrs, h);
        free(h);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_RESOLVE, H.resolve);
    curl_easy_setopt(c, CURLOPT_CAINFO, H.sim.tls_ca);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &mb);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (body) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        }
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    double t0 = h_now();
    r->cc = curl_easy_perform(c);
    r->elapsed_s = h_now() - t0;
    if (r->cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    r->body = mb.buf ? mb.buf : xstrdup("");
    r->body_len = mb.len;
    if (r->body_len)
        r->json = cJSON_ParseWithLength(r->body, r->body_len);
    /* the handle keeps pointers to these until the next reset */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(hdrs);
    free(url);
}

void h_post_json(const char *path, const char *json, const char *bearer, h_resp *r)
{
    h_request("POST", path, "application/json; charset=utf-8", json, strlen(json), bearer, r);
}

void h_post_cjson(const char *path, cJSON *j, const char *bearer, h_resp *r)
{
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    h_post_json(path, s, bearer, r);
    free(s);
}

void h_post_form(const char *path, const char *form, const char *bearer, h_resp *r)
{
    h_request("POST", path, "application/x-www-form-urlencoded", form, strlen(form), bearer, r);
}

void h_get(const char *path_and_query, const char *bearer, h_resp *r)
{
    h_request("GET", path_and_query, NULL, NULL, 0, bearer, r);
}

char *h_urlencode(const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    char *out = xstrdup(e);
    curl_free(e);
    return out;
}

char *h_query_param(const char *url, const char *name)
{
    const char *q = strchr(url, '?');
    if (!q)
        return NULL;
    q++;
    size_t nl = strlen(name);
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t seg = amp ? (size_t)(amp - q) : strlen(q);
        if (seg > nl && strncmp(q, name, nl) == 0 && q[nl] == '=') {
            int outlen = 0;
            char *tmp = xmalloc(seg - nl);
            memcpy(tmp, q + nl + 1, seg - nl - 1);
            tmp[seg - nl - 1] = 0;
            for (char *p = tmp; *p; p++)
                if (*p == '+')
                    *p = ' ';
            char *d = curl_easy_unescape(NULL, tmp, 0, &outlen);
            free(tmp);
            char *out = xstrdup(d ? d : "");
            curl_free(d);
            return out;
        }
        if (!amp)
            break;
        q = amp + 1;
    }
    return NULL;
}

const char *h_jstr(const cJSON *j, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, name);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

double h_jnum(const cJSON *j, const char *name, double dflt)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, name);
    return cJSON_IsNumber(m) ? m->valuedouble : dflt;
}

static void describe(const h_resp *r, const char *want, const char *file, int line)
{
    if (r->cc != CURLE_OK)
        print_error("%s:%d: %s: want %s, got transport error %d (%s)\n", file, line, r->what, want,
                    (int)r->cc, curl_easy_strerror(r->cc));
    else
        print_error("%s:%d: %s: want %s, got HTTP %ld body: %.600s\n", file, line, r->what, want,
                    r->status, r->body ? r->body : "");
}

void h_expect_status(const h_resp *r, long status, const char *file, int line)
{
    if (r->cc != CURLE_OK || r->status != status) {
        char want[32];
        snprintf(want, sizeof want, "HTTP %ld", status);
        describe(r, want, file, line);
        _fail(file, line);
    }
    if (r->json && status < 300 && cJSON_GetObjectItemCaseSensitive(r->json, "error")) {
        describe(r, "a success body without \"error\"", file, line);
        _fail(file, line);
    }
}

void h_expect_error(const h_resp *r, long status, const char *error, const char *file, int line)
{
    const char *got = r->json ? h_jstr(r->json, "error") : NULL;
    const char *desc = r->json ? h_jstr(r->json, "error_description") : NULL;
    if (r->cc != CURLE_OK || r->status != status || !got || strcmp(got, error) != 0 || !desc) {
        char want[96];
        snprintf(want, sizeof want, "HTTP %ld {error:%s, error_description}", status, error);
        describe(r, want, file, line);
        _fail(file, line);
    }
}
