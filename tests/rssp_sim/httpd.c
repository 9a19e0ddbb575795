/* httpd: the HTTPS transport of crpki-rsspd on libmicrohttpd (see httpd.h).
 *
 * One thread per connection (MHD_USE_THREAD_PER_CONNECTION): authorizeCheck
 * long-polls by blocking inside rsspd_service_handle, which must not stall
 * other clients. Keep-alive is HTTP/1.1's default and MHD's.
 *
 * Per request, MHD calls the access handler first with the headers (nothing
 * queued yet: the Content-Length check happens here), then with each piece of
 * the body, then once more with no data; the service runs in that last call.
 *
 * The raw query string: MHD cuts it off the URL it hands the access handler
 * and keeps only decoded key/value pairs. The URI log callback, though, sees
 * the request target exactly as the client sent it, and what it returns
 * becomes the request's context: the context is created there and keeps the
 * bytes after '?' verbatim. Only if that callback could not allocate is the
 * query rebuilt from MHD's decoded arguments, percent-encoding everything
 * but RFC 3986 unreserved characters (order kept; "+" was already a space). */
#define _POSIX_C_SOURCE 200809L

#include "httpd.h"
#include "base/util/errbuf.h"
#include "base/util/strbuf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#define DEFAULT_CONN_TIMEOUT_S 60
#define MAX_LOG_PATH           200
/* After a body went over RSSPD_MAX_BODY, this much more is read and dropped
 * (so that the 413 can be delivered); a client sending still more loses the
 * connection without an answer. */
#define MAX_DISCARD (4 * RSSPD_MAX_BODY)

struct rsspd_httpd {
    struct MHD_Daemon *daemon;
    int fd; /* listening socket until MHD owns it, else -1 */
    unsigned port;
    char *cert;
    char *key;
    char *fault_prefix;
    rsspd_faults faults;
    unsigned conn_timeout_s;
    rsspd_httpd_log_fn log;
    void *log_arg;
    rsspd_service *svc;
    pthread_mutex_t mu; /* guards rng and stopping */
    pthread_cond_t cv;  /* signalled when stopping */
    uint64_t rng;
    int stopping;
};

typedef struct {
    struct timespec t0;
    char *query;     /* raw query string (malloc'ed) or NULL */
    int query_raw;   /* query came from the request line */
    int started;     /* the handler saw the headers */
    char method[16]; /* for the log */
    char path[MAX_LOG_PATH + 1];
    uint8_t *body;
    size_t len, cap;
    int too_large;
    size_t discarded;
    int status;  /* status queued, 0 if none */
    int dropped; /* fault: closed without a response */
} req_ctx;

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* ---- listen address ---------------------------------------------------- */

int rsspd_httpd_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
                             char *err, size_t errsz)
{
    if (!s || !*s) {
        errbuf_set(err, errsz, "empty listen address");
        return -1;
    }
    char host[64];
    const char *port_s;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof host || close == s + 1) {
            errbuf_set(err, errsz, "'%s': expected [IPv6]:PORT", s);
            return -1;
        }
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        port_s = close + 2;
    } else {
        const char *colon = strrchr(s, ':');
        if (!colon || colon == s || (size_t)(colon - s) >= sizeof host ||
            memchr(s, ':', (size_t)(colon - s))) {
            errbuf_set(err, errsz, "'%s': expected ADDR:PORT", s);
            return -1;
        }
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
        port_s = colon + 1;
    }
    unsigned long port = 0;
    if (!*port_s || strlen(port_s) > 5) {
        errbuf_set(err, errsz, "'%s': bad port", s);
        return -1;
    }
    for (const char *p = port_s; *p; p++) {
        if (*p < '0' || *p > '9') {
            errbuf_set(err, errsz, "'%s': bad port", s);
            return -1;
        }
        port = port * 10 + (unsigned long)(*p - '0');
    }
    if (port > 65535) {
        errbuf_set(err, errsz, "'%s': port out of range 0-65535", s);
        return -1;
    }
    memset(ss, 0, sizeof *ss);
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (s[0] != '[' && inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *sslen = sizeof *in4;
        return 0;
    }
    if (s[0] == '[' && inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *sslen = sizeof *in6;
        return 0;
    }
    errbuf_set(err, errsz, "'%s': address must be a numeric IPv4, [IPv6] or localhost", s);
    return -1;
}

/* ---- faults ------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* True with probability pct %. A disabled switch (0) rolls nothing, so the
 * sequence of the others does not depend on it. */
static int roll(rsspd_httpd *h, unsigned pct)
{
    if (pct == 0)
        return 0;
    pthread_mutex_lock(&h->mu);
    uint64_t v = splitmix64(&h->rng);
    pthread_mutex_unlock(&h->mu);
    return v % 100 < pct;
}

/* Sleeps ms milliseconds or until the server stops. */
static void hang(rsspd_httpd *h, unsigned ms)
{
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += ms / 1000;
    dl.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&h->mu);
    while (!h->stopping)
        if (pthread_cond_timedwait(&h->cv, &h->mu, &dl) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&h->mu);
}

static int fault_applies(const rsspd_httpd *h, const char *path)
{
    const char *p = h->fault_prefix;
    return !p || !*p || strncmp(path, p, strlen(p)) == 0;
}

/* ---- responses ---------------------------------------------------------- */

static int add_header(struct MHD_Response *m, const char *name, const char *value)
{
    return MHD_add_response_header(m, name, value) == MHD_YES ? 0 : -1;
}

/* Queues rsp (and frees it). close: ask MHD to close the connection after. */
static enum MHD_Result send_response(struct MHD_Connection *c, req_ctx *r, rsspd_response *rsp,
                                     int close)
{
    struct MHD_Response *m;
    if (rsp->body && rsp->body_len > 0) {
        m = MHD_create_response_from_buffer(rsp->body_len, rsp->body, MHD_RESPMEM_MUST_FREE);
        if (m)
            rsp->body = NULL; /* MHD frees it */
    } else {
        m = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!m) {
        rsspd_response_free(rsp);
        return MHD_NO;
    }
    int bad = 0;
    char num[24];
    if (rsp->content_type)
        bad |= add_header(m, MHD_HTTP_HEADER_CONTENT_TYPE, rsp->content_type);
    if (rsp->location)
        bad |= add_header(m, MHD_HTTP_HEADER_LOCATION, rsp->location);
    if (rsp->www_authenticate)
        bad |= add_header(m, MHD_HTTP_HEADER_WWW_AUTHENTICATE, rsp->www_authenticate);
    if (rsp->allow)
        bad |= add_header(m, MHD_HTTP_HEADER_ALLOW, rsp->allow);
    if (rsp->retry_after_s > 0) {
        snprintf(num, sizeof num, "%d", rsp->retry_after_s);
        bad |= add_header(m, MHD_HTTP_HEADER_RETRY_AFTER, num);
    }
    if (rsp->no_store) {
        bad |= add_header(m, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        bad |= add_header(m, MHD_HTTP_HEADER_PRAGMA, "no-cache");
    }
    bad |= add_header(m, "X-Content-Type-Options", "nosniff");
    if (close)
        bad |= add_header(m, MHD_HTTP_HEADER_CONNECTION, "close");
    int status = rsp->status;
    rsspd_response_free(rsp);
    if (bad) {
        /* A header MHD refused (e.g. a value with CR/LF): never send half. */
        MHD_destroy_response(m);
        rsspd_response err = {0};
        rsspd_response_error(&err, 500, "server_error", "invalid response header");
        return send_response(c, r, &err, close);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, m);
    MHD_destroy_response(m);
    if (ret == MHD_YES)
        r->status = status;
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, req_ctx *r, int status,
                                  const char *error, const char *desc, int retry_after, int close)
{
    rsspd_response rsp = {0};
    rsspd_response_error(&rsp, status, error, desc);
    if (retry_after > 0)
        rsp.retry_after_s = retry_after;
    return send_response(c, r, &rsp, close);
}

static enum MHD_Result send_too_large(struct MHD_Connection *c, req_ctx *r)
{
    return send_error(c, r, 413, "request_too_large", "request body larger than 1 MiB", 0, 1);
}

/* ---- query string fallback ---------------------------------------------- */

static void sb_add_encoded(strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char ch = *p;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~') {
            strbuf_put(b, (const char *)p, 1);
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            strbuf_put(b, e, 3);
        }
    }
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    strbuf *b = cls;
    if (b->len)
        strbuf_put(b, "&", 1);
    sb_add_encoded(b, key ? key : "");
    if (value) {
        strbuf_put(b, "=", 1);
        sb_add_encoded(b, value);
    }
    return MHD_YES;
}

static char *rebuild_query(struct MHD_Connection *c)
{
    strbuf b = {0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &b);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return b.p; /* NULL when there were no arguments */
}

/* ---- MHD callbacks ------------------------------------------------------ */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    req_ctx *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->query_raw = 1;
    const char *q = uri ? strchr(uri, '?') : NULL;
    if (q && q[1]) {
        size_t n = strcspn(q + 1, "#");
        r->query = malloc(n + 1);
        if (!r->query) {
            free(r);
            return NULL;
        }
        memcpy(r->query, q + 1, n);
        r->query[n] = '\0';
    }
    return r;
}

static void copy_trunc(char *dst, size_t dstsz, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < dstsz; i++) {
        unsigned char ch = (unsigned char)src[i];
        dst[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    dst[i] = '\0';
}

/* Content-Length over the limit (MHD already refused malformed values). */
static int declared_too_large(struct MHD_Connection *c)
{
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl)
        return 0;
    while (*cl == ' ' || *cl == '\t')
        cl++;
    unsigned long long v = 0;
    for (; *cl >= '0' && *cl <= '9'; cl++) {
        v = v * 10 + (unsigned long long)(*cl - '0');
        if (v > RSSPD_MAX_BODY)
            return 1;
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    rsspd_httpd *h = cls;
    req_ctx *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &r->t0);
        *con_cls = r;
    }
    if (!r->started) {
        r->started = 1;
        copy_trunc(r->method, sizeof r->method, method);
        copy_trunc(r->path, sizeof r->path, url);
        if (declared_too_large(c)) {
            r->too_large = 1;
            return send_too_large(c, r);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->too_large) {
            r->discarded += n;
            return r->discarded > MAX_DISCARD ? MHD_NO : MHD_YES;
        }
        if (n > RSSPD_MAX_BODY - r->len) {
            /* Chunked (or lying) body over the limit: stop buffering, drop
             * the rest, answer 413 once it ends (MHD cannot answer while it
             * is still reading the body). */
            r->too_large = 1;
            r->discarded = r->len + n;
            free(r->body);
            r->body = NULL;
            r->len = r->cap = 0;
            return MHD_YES;
        }
        if (r->len + n > r->cap) {
            size_t cap = r->cap ? r->cap : 4096;
            while (cap < r->len + n)
                cap *= 2;
            if (cap > RSSPD_MAX_BODY)
                cap = RSSPD_MAX_BODY;
            uint8_t *p = realloc(r->body, cap);
            if (!p)
                return MHD_NO;
            r->body = p;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload_data, n);
        r->len += n;
        return MHD_YES;
    }

    /* The whole request is here. */
    if (r->status)
        return MHD_YES; /* answered already (413 up front) */
    if (r->too_large)
        return send_too_large(c, r);

    if (fault_applies(h, url)) {
        const rsspd_faults *f = &h->faults;
        if (f->hang_ms > 0 && roll(h, f->hang_pct))
            hang(h, f->hang_ms);
        if (roll(h, f->pct_drop)) {
            r->dropped = 1;
            return MHD_NO;
        }
        int ra = f->retry_after_s > 0 ? (int)f->retry_after_s : 1;
        if (roll(h, f->pct_503))
            return send_error(c, r, 503, "temporarily_unavailable",
                              "service temporarily unavailable", ra, 0);
        if (roll(h, f->pct_429))
            return send_error(c, r, 429, "too_many_requests", "too many requests", ra, 0);
    }

    if (!r->query_raw) {
        r->query = rebuild_query(c);
        r->query_raw = 1;
    }
    rsspd_request req = {
        .method = method,
        .path = url,
        .query = r->query,
        .authorization =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        .content_type =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .body = r->body,
        .body_len = r->len,
    };
    rsspd_response rsp = {0};
    rsspd_service_handle(h->svc, &req, &rsp);
    return send_response(c, r, &rsp, 0);
}

static void emit_log(rsspd_httpd *h, const char *line)
{
    if (h->log)
        h->log(h->log_arg, line);
    else
        fprintf(stderr, "crpki-rsspd: %s\n", line);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    rsspd_httpd *h = cls;
    req_ctx *r = *con_cls;
    if (!r)
        return;
    *con_cls = NULL;
    if (r->started) {
        char status[16];
        if (r->status)
            snprintf(status, sizeof status, "%d", r->status);
        else
            strcpy(status, "-");
        const char *note = "";
        if (r->dropped)
            note = " (dropped)";
        else if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
            note = " (timeout)";
        else if (toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN)
            note = " (shutdown)";
        else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
            note = " (aborted)";
        char line[MAX_LOG_PATH + 128];
        snprintf(line, sizeof line, "%s %s %s %ld ms%s", r->method, r->path, status,
                 elapsed_ms(&r->t0), note);
        emit_log(h, line);
    }
    free(r->query);
    free(r->body);
    free(r);
}

/* MHD hands over its own printf format: declared as such so that the
 * compiler checks the forwarding instead of flagging a non-literal format. */
__attribute__((format(printf, 2, 0))) static void on_mhd_error(void *cls, const char *fmt,
                                                               va_list ap)
{
    rsspd_httpd *h = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    char line[560];
    snprintf(line, sizeof line, "mhd: %s", msg);
    emit_log(h, line);
}

/* ---- life cycle --------------------------------------------------------- */

static void free_httpd(rsspd_httpd *h)
{
    if (h->fd >= 0)
        close(h->fd);
    free(h->cert);
    free(h->key);
    free(h->fault_prefix);
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

int rsspd_httpd_create(const rsspd_httpd_config *cfg, rsspd_httpd **out, char *err, size_t errsz)
{
    *out = NULL;
    if (!cfg->tls_cert_pem || !cfg->tls_key_pem) {
        errbuf_set(err, errsz, "TLS certificate and key are required");
        return -1;
    }
    const rsspd_faults *f = &cfg->faults;
    if (f->pct_503 > 100 || f->pct_429 > 100 || f->pct_drop > 100 || f->hang_pct > 100) {
        errbuf_set(err, errsz, "fault percentage over 100");
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sslen;
    if (rsspd_httpd_parse_listen(cfg->listen ? cfg->listen : "127.0.0.1:0", &ss, &sslen, err,
                                 errsz) != 0)
        return -1;

    rsspd_httpd *h = calloc(1, sizeof *h);
    if (!h) {
        errbuf_set(err, errsz, "out of memory");
        return -1;
    }
    h->fd = -1;
    pthread_mutex_init(&h->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->cv, &ca);
    pthread_condattr_destroy(&ca);
    h->faults = *f;
    h->rng = f->seed;
    h->conn_timeout_s = cfg->conn_timeout_s ? cfg->conn_timeout_s : DEFAULT_CONN_TIMEOUT_S;
    h->log = cfg->log;
    h->log_arg = cfg->log_arg;
    h->cert = dup_str(cfg->tls_cert_pem);
    h->key = dup_str(cfg->tls_key_pem);
    h->fault_prefix = dup_str(f->path_prefix);
    h->faults.path_prefix = NULL; /* use h->fault_prefix */
    if (!h->cert || !h->key || (f->path_prefix && !h->fault_prefix)) {
        errbuf_set(err, errsz, "out of memory");
        free_httpd(h);
        return -1;
    }

    h->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (h->fd < 0) {
        errbuf_set(err, errsz, "socket: %s", strerror(errno));
        free_httpd(h);
        return -1;
    }
    int one = 1;
    setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss.ss_family == AF_INET6)
        setsockopt(h->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(h->fd, (struct sockaddr *)&ss, sslen) != 0) {
        errbuf_set(err, errsz, "cannot bind %s: %s", cfg->listen ? cfg->listen : "127.0.0.1:0",
                   strerror(errno));
        free_httpd(h);
        return -1;
    }
    if (listen(h->fd, 128) != 0) {
        errbuf_set(err, errsz, "listen: %s", strerror(errno));
        free_httpd(h);
        return -1;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (getsockname(h->fd, (struct sockaddr *)&bound, &blen) != 0) {
        errbuf_set(err, errsz, "getsockname: %s", strerror(errno));
        free_httpd(h);
        return -1;
    }
    h->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                : ((struct sockaddr_in *)&bound)->sin_port);
    *out = h;
    return 0;
}

unsigned rsspd_httpd_port(const rsspd_httpd *h)
{
    return h ? h->port : 0;
}

int rsspd_httpd_start(rsspd_httpd *h, rsspd_service *svc, char *err, size_t errsz)
{
    if (h->daemon || h->fd < 0) {
        errbuf_set(err, errsz, "server already started");
        return -1;
    }
    h->svc = svc;
    unsigned flags = MHD_USE_TLS | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD |
                     MHD_USE_ERROR_LOG;
    int fd = h->fd;
    h->fd = -1; /* MHD owns it from here, even if the start fails */
    h->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, h,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd, MHD_OPTION_HTTPS_MEM_KEY, h->key,
        MHD_OPTION_HTTPS_MEM_CERT, h->cert, MHD_OPTION_HTTPS_PRIORITIES,
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", MHD_OPTION_CONNECTION_TIMEOUT,
        h->conn_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, h, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_END);
    if (!h->daemon) {
        /* MHD closed fd on the failures that can happen here (TLS setup);
         * on others it may not. Never close it twice: leaking one socket on
         * a failing start is the lesser harm. */
        errbuf_set(err, errsz, "cannot start the HTTPS server (certificate or key unusable?)");
        return -1;
    }
    return 0;
}

void rsspd_httpd_stop(rsspd_httpd *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->mu);
    h->stopping = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    if (h->daemon)
        MHD_stop_daemon(h->daemon);
    h->daemon = NULL;
    free_httpd(h);
}
