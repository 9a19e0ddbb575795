#include "rc_transport.h"
#include "rc_transport_internal.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base/log/log.h"
#include "base/error/fail.h"
#include "rc_backoff.h"
#include "rc_cancel.h"
#include "rc_errmap.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_once.h"
#include "base/platform/plat_clock.h"
#include "base/platform/plat_net.h"
#include "rc_proxy.h"
#include "rc_proxy_auto.h"
#include "rc_util.h"

#define LOG_MODULE "rssp"

/* ---- process-wide libcurl initialization ------------------------------------ */

static CURLcode GLOBAL_INIT_RC = CURLE_FAILED_INIT;

static void global_init(void)
{
    GLOBAL_INIT_RC = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- share locks -------------------------------------------------------------- */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userp)
{
    (void)h;
    (void)access;
    rc_transport *t = userp;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        plat_mutex_lock(t->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *userp)
{
    (void)h;
    rc_transport *t = userp;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        plat_mutex_unlock(t->share_locks[data]);
}

/* ---- creation ------------------------------------------------------------------- */

crpki_err rc_transport_new(const rc_transport_opts *o, rc_transport **out, crpki_error_info *ei)
{
    *out = NULL;
    rc_transport *t = calloc(1, sizeof *t);
    if (!t)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    t->base_url = plat_strdup(o->base_url);
    t->host = plat_strdup(o->host);
    t->ca_bundle = plat_strdup(o->ca_bundle);
    t->proxy_url = plat_strdup(o->proxy_url);
    t->proxy_user = plat_strdup(o->proxy_user);
    t->proxy_password = plat_strdup(o->proxy_password);
    t->user_agent = plat_strdup(o->user_agent);
    t->proxy_mode = o->proxy_mode;
    /* The proxy is reached in clear (http://): Basic would hand the, often
     * domain, password to anyone on the way, or to a host posing as the
     * proxy. Only an explicit setting allows it. */
    t->proxy_auth = (long)(CURLAUTH_NEGOTIATE | CURLAUTH_NTLM | CURLAUTH_DIGEST);
    if (o->proxy_allow_basic)
        t->proxy_auth |= (long)CURLAUTH_BASIC;
    t->connect_timeout_ms = o->connect_timeout_ms;
    /* Windows: a proxy that asks who we are gets the logged-on user's
     * sign-on (Negotiate, NTLM; SSPI's default credentials, no password
     * anywhere) unless a password was configured for it. Never Basic. */
    t->sign_on = plat_is_windows() && !o->proxy_no_sign_on &&
                 (o->proxy_mode == RSSP_PROXY_SYSTEM ||
                  (o->proxy_mode == RSSP_PROXY_EXPLICIT && !o->proxy_password));
    t->poll_ms = RC_POLL_MS;
    t->lock = plat_mutex_new();
    int ok = t->base_url && t->host && t->user_agent && t->lock &&
             (!o->ca_bundle || t->ca_bundle) && (!o->proxy_url || t->proxy_url) &&
             (!o->proxy_user || t->proxy_user) && (!o->proxy_password || t->proxy_password);
    for (int i = 0; ok && i < CURL_LOCK_DATA_LAST; i++) {
        t->share_locks[i] = plat_mutex_new();
        ok = t->share_locks[i] != NULL;
    }
    if (!ok) {
        rc_transport_free(t);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    }
    *out = t;
    return CRPKI_OK;
}

static void slot_free(slot *s)
{
    if (!s)
        return;
    if (s->multi)
        curl_multi_cleanup(s->multi);
    if (s->easy)
        curl_easy_cleanup(s->easy);
    free(s);
}

void rc_transport_free(rc_transport *t)
{
    if (!t)
        return;
    slot *s = t->idle;
    while (s) {
        slot *n = s->next;
        slot_free(s);
        s = n;
    }
    if (t->share)
        curl_share_cleanup(t->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        plat_mutex_free(t->share_locks[i]);
    plat_mutex_free(t->lock);
    free(t->base_url);
    free(t->host);
    free(t->ca_bundle);
    free(t->proxy_url);
    rc_free_secret(t->proxy_user);
    rc_free_secret(t->proxy_password);
    free(t->user_agent);
    rc_route_free(&t->route);
    free(t->ca_pem);
    free(t);
}

/* ---- lazy setup (under t->lock) ---------------------------------------------------- */

static crpki_err load_ca_blob(rc_transport *t, crpki_error_info *ei)
{
    /* Linux/OpenSSL: CURLOPT_CAINFO adds to the default CA path. Windows/
     * Schannel: curl trusts only the CA file once one is given, so the blob
     * is the system roots plus the file. */
    if (!t->ca_bundle || !plat_is_windows())
        return CRPKI_OK;
    uint8_t *file = NULL;
    char *roots = NULL;
    size_t flen = 0, rlen = 0;
    crpki_error_info rei = {0};
    if (plat_read_file(t->ca_bundle, 4u * 1024 * 1024, &file, &flen, NULL, &rei) != CRPKI_OK)
        return fail_with(ei, CRPKI_E_TLS, "ca_bundle: %s", rei.detail);
    if (!file)
        return fail_with(ei, CRPKI_E_TLS, "ca_bundle: the file is not found");
    if (plat_root_store_pem(&roots, &rlen) < 0) {
        free(file);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    }
    strbuf b = {0};
    strbuf_put(&b, file, flen);
    strbuf_puts(&b, "\n");
    if (roots)
        strbuf_put(&b, roots, rlen);
    free(file);
    free(roots);
    if (b.oom) {
        strbuf_free(&b);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    }
    t->ca_pem = b.p;
    t->ca_pem_len = b.len;
    return CRPKI_OK;
}

static crpki_err ensure_ready(rc_transport *t, crpki_error_info *ei)
{
    plat_once_run(PLAT_ONCE_CURL, global_init);
    if (GLOBAL_INIT_RC != CURLE_OK)
        return fail_with(ei, CRPKI_E_INTERNAL, "curl_global_init failed (%d)", (int)GLOBAL_INIT_RC);
    crpki_err e = CRPKI_OK;
    plat_mutex_lock(t->lock);
    if (t->ready && t->route_stale) {
        if ((e = rc_route_decide(t, ei)) == CRPKI_OK) {
            t->route_stale = 0;
            rc_route_log(t);
        }
        goto out;
    }
    if (t->ready)
        goto out;
    if (!t->share) {
        t->share = curl_share_init();
        if (!t->share ||
            curl_share_setopt(t->share, CURLSHOPT_LOCKFUNC, share_lock) != CURLSHE_OK ||
            curl_share_setopt(t->share, CURLSHOPT_UNLOCKFUNC, share_unlock) != CURLSHE_OK ||
            curl_share_setopt(t->share, CURLSHOPT_USERDATA, t) != CURLSHE_OK ||
            curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) !=
                CURLSHE_OK ||
            curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK) {
            if (t->share)
                curl_share_cleanup(t->share);
            t->share = NULL;
            e = fail_with(ei, CRPKI_E_INTERNAL, "cannot set up the libcurl share");
            goto out;
        }
    }
    if ((e = rc_route_decide(t, ei)) != CRPKI_OK)
        goto out;
    t->route_stale = 0;
    free(t->ca_pem);
    t->ca_pem = NULL;
    if ((e = load_ca_blob(t, ei)) != CRPKI_OK)
        goto out;
    t->ready = 1;
    rc_route_log(t);
out:
    plat_mutex_unlock(t->lock);
    return e;
}

/* ---- slots ----------------------------------------------------------------------- */

static size_t discard_cb(char *p, size_t sz, size_t n, void *u)
{
    (void)p;
    (void)u;
    return sz * n;
}

#define SETOPT(opt, val)                                                                           \
    do {                                                                                           \
        if (curl_easy_setopt(s->easy, opt, val) != CURLE_OK)                                       \
            goto fail;                                                                             \
    } while (0)

static slot *slot_new(rc_transport *t)
{
    slot *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->easy = curl_easy_init();
    s->multi = curl_multi_init();
    if (!s->easy || !s->multi)
        goto fail;
    /* a few connections per slot at most (a fresh one for the token requests, and for
     * authorize against a service without requestID) */
    curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, 2L);
    SETOPT(CURLOPT_ERRORBUFFER, s->errbuf);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_SHARE, t->share);
    SETOPT(CURLOPT_PROTOCOLS_STR, "https");
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "https");
    SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
    SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
    SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
    SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    SETOPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, (long)t->connect_timeout_ms);
    SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)RC_MAX_RESPONSE);
    SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
    SETOPT(CURLOPT_USERAGENT, t->user_agent);
    SETOPT(CURLOPT_WRITEFUNCTION, discard_cb);
    if (plat_is_windows()) {
        /* Schannel: a CRL or OCSP server that cannot be reached (firewalls)
         * does not fail the handshake; a certificate known revoked still does */
        SETOPT(CURLOPT_SSL_OPTIONS, (long)CURLSSLOPT_REVOKE_BEST_EFFORT);
    }
    if (t->ca_pem) {
        struct curl_blob blob = {t->ca_pem, t->ca_pem_len, CURL_BLOB_NOCOPY};
        SETOPT(CURLOPT_CAINFO_BLOB, &blob);
    } else if (t->ca_bundle) {
        SETOPT(CURLOPT_CAINFO, t->ca_bundle);
    }
    return s;
fail:
    slot_free(s);
    return NULL;
}

static slot *slot_take(rc_transport *t)
{
    plat_mutex_lock(t->lock);
    slot *s = t->idle;
    if (s) {
        t->idle = s->next;
        t->nidle--;
    }
    plat_mutex_unlock(t->lock);
    return s ? s : slot_new(t);
}

static void slot_give(rc_transport *t, slot *s)
{
    plat_mutex_lock(t->lock);
    if (t->nidle < RC_MAX_IDLE) {
        s->next = t->idle;
        t->idle = s;
        t->nidle++;
        s = NULL;
    }
    plat_mutex_unlock(t->lock);
    slot_free(s);
}

/* ---- one transfer ------------------------------------------------------------------ */

typedef struct {
    strbuf body;
    int too_large;
    long retry_after_s;
} rx;

static size_t write_cb(char *p, size_t sz, size_t n, void *u)
{
    rx *r = u;
    size_t len = sz * n;
    if (r->body.len + len > RC_MAX_RESPONSE) {
        r->too_large = 1;
        return 0;
    }
    strbuf_put(&r->body, p, len);
    return r->body.oom ? 0 : len;
}

static size_t header_cb(char *p, size_t sz, size_t n, void *u)
{
    rx *r = u;
    size_t len = sz * n;
    static const char RA[] = "retry-after:";
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        r->retry_after_s = -1; /* a new response (after 1xx) */
    } else if (len > sizeof RA - 1 && len < 128) {
        size_t i = 0;
        for (; i < sizeof RA - 1; i++) {
            char c = p[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != RA[i])
                break;
        }
        if (i == sizeof RA - 1) {
            char v[128];
            memcpy(v, p + i, len - i);
            v[len - i] = '\0';
            r->retry_after_s = rc_parse_retry_after(v, plat_unix_time());
        }
    }
    return len;
}

static void wake_multi(void *arg)
{
    curl_multi_wakeup((CURLM *)arg);
}

int rc_stop_requested(rssp_cancel *cn, int64_t deadline_ms, crpki_error_info *ei)
{
    if (rssp_cancel_is_triggered(cn)) {
        fail_with(ei, CRPKI_E_CANCELLED, "cancelled");
        return 1;
    }
    if (deadline_ms && plat_now_ms() >= deadline_ms) {
        fail_with(ei, CRPKI_E_DEADLINE, "the time limit of the call passed");
        return 1;
    }
    return 0;
}

static void free_headers(struct curl_slist *h)
{
    for (struct curl_slist *i = h; i; i = i->next)
        if (i->data)
            plat_wipe(i->data, strlen(i->data));
    curl_slist_free_all(h);
}

void rc_http_resp_free(rc_http_resp *rs)
{
    if (!rs)
        return;
    if (rs->body) {
        plat_wipe(rs->body, rs->body_len); /* may hold tokens or SADs */
        free(rs->body);
    }
    memset(rs, 0, sizeof *rs);
    rs->retry_after_s = -1;
}

void rc_transport_set_poll_ms(rc_transport *t, int ms)
{
    t->poll_ms = ms > 0 ? ms : RC_POLL_MS;
}

static int poll_timeout(const rc_transport *t, int64_t deadline_ms)
{
    int to = t->poll_ms;
    if (deadline_ms) {
        int64_t left = deadline_ms - plat_now_ms();
        if (left < to)
            to = left > 0 ? (int)left : 0;
    }
    return to;
}

/* One request's pieces, from build to cleanup. */
typedef struct {
    strbuf url;
    struct curl_slist *hdrs;
    rx r;
    /* what run() and collect() learnt */
    CURLcode cc;
    crpki_err stop; /* cancel or deadline while running */
    long status, connect_code;
    long proxy_avail; /* CURLAUTH_* the proxy offered */
    int sent_any;     /* libcurl reached the point of sending */
    char errbuf[CURL_ERROR_SIZE];
} http_call;

static void call_free(http_call *c)
{
    free_headers(c->hdrs);
    strbuf_free(&c->url);
    strbuf_free(&c->r.body);
}

/* The URL and the headers (the bearer token among them: wiped on free). */
static crpki_err build(const rc_transport *t, const rc_http_req *rq, http_call *c,
                       crpki_error_info *ei)
{
    strbuf_puts(&c->url, t->base_url);
    strbuf_puts(&c->url, rq->path);
    strbuf auth = {0}, ct = {0};
    if (rq->bearer) {
        strbuf_puts(&auth, "Authorization: Bearer ");
        strbuf_puts(&auth, rq->bearer);
    }
    strbuf_puts(&ct, "Content-Type: ");
    strbuf_puts(&ct, rq->content_type ? rq->content_type : "application/json");
    int oom = c->url.oom || auth.oom || ct.oom;
    const char *const fixed[] = {"Accept: application/json", "Expect:", ct.p,
                                 rq->bearer ? auth.p : NULL};
    for (size_t i = 0; !oom && i < sizeof fixed / sizeof fixed[0]; i++) {
        if (!fixed[i])
            continue;
        struct curl_slist *tmp = curl_slist_append(c->hdrs, fixed[i]);
        if (tmp)
            c->hdrs = tmp;
        else
            oom = 1;
    }
    if (auth.p)
        plat_wipe(auth.p, auth.len);
    strbuf_free(&auth);
    strbuf_free(&ct);
    return oom ? fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory") : CRPKI_OK;
}

static void set_options(CURL *h, const rc_http_req *rq, http_call *c)
{
    curl_easy_setopt(h, CURLOPT_URL, c->url.p);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &c->r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &c->r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)rq->timeout_ms);
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, rq->fresh_connect ? 1L : 0L);
    if (rq->method && strcmp(rq->method, "POST") != 0)
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
}

/* The multi loop until the transfer ends, the call is cancelled or its
 * deadline passes (c->stop); a cancel wakes the poll at once. */
static void run(const rc_transport *t, slot *s, const rc_http_req *rq, http_call *c,
                crpki_error_info *ei)
{
    CURL *h = s->easy;
    rc_cancel_reg reg = {wake_multi, s->multi, NULL};
    rc_cancel_register(rq->cancel, &reg);
    c->cc = CURLE_OK;
    c->stop = CRPKI_OK;
    if (curl_multi_add_handle(s->multi, h) != CURLM_OK) {
        c->cc = CURLE_FAILED_INIT;
    } else {
        int running = 1;
        for (;;) {
            if (rc_stop_requested(rq->cancel, rq->deadline_ms, ei)) {
                c->stop = ei->code;
                break;
            }
            if (curl_multi_perform(s->multi, &running) != CURLM_OK) {
                c->cc = CURLE_FAILED_INIT;
                break;
            }
            if (!running)
                break;
            if (curl_multi_poll(s->multi, NULL, 0, poll_timeout(t, rq->deadline_ms), NULL) !=
                CURLM_OK) {
                c->cc = CURLE_FAILED_INIT;
                break;
            }
        }
        if (c->stop == CRPKI_OK && c->cc == CURLE_OK) {
            CURLMsg *m;
            int left = 0;
            c->cc = CURLE_GOT_NOTHING;
            while ((m = curl_multi_info_read(s->multi, &left)) != NULL)
                if (m->msg == CURLMSG_DONE && m->easy_handle == h)
                    c->cc = m->data.result;
        }
        curl_multi_remove_handle(s->multi, h);
    }
    rc_cancel_unregister(rq->cancel, &reg);
}

/* What libcurl knows of the transfer, then the handle is detached from this
 * call's headers, body and buffers, ready for the pool. */
static void collect(slot *s, http_call *c)
{
    CURL *h = s->easy;
    long os_errno = 0;
    curl_off_t pretransfer = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
    curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &c->connect_code);
    curl_easy_getinfo(h, CURLINFO_PROXYAUTH_AVAIL, &c->proxy_avail);
    curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    /* A handshake that failed because the socket failed (reset, closed: a
     * restarting service) is a connection failure, not a TLS one. */
    if (c->cc == CURLE_SSL_CONNECT_ERROR && os_errno != 0)
        c->cc = CURLE_RECV_ERROR;
    /* libcurl starts the pretransfer timer when the request is about to be
     * sent: before it (resolve, connect, TLS handshake), nothing was. */
    c->sent_any = pretransfer > 0;
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, NULL);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_cb);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, NULL);
    memcpy(c->errbuf, s->errbuf, sizeof c->errbuf);
    c->errbuf[sizeof c->errbuf - 1] = '\0';
}

/* The outcome: stopped, a transport failure (its crpki_err), or an HTTP
 * response handed to rs (the body moves out of c). */
static crpki_err classify(const rc_transport *t, const rc_http_req *rq, http_call *c,
                          rc_http_resp *rs, crpki_error_info *ei)
{
    rs->curl_code = (int)c->cc;
    rs->retry_after_s = c->r.retry_after_s;
    if (c->stop != CRPKI_OK) {
        rs->sent = 1; /* unknown: assume it may have arrived */
        log_write(CRPKI_LOG_INFO, LOG_MODULE, "POST %s: %s after %ld ms", rq->path,
                  crpki_err_name(c->stop), rs->elapsed_ms);
        return c->stop;
    }
    rs->sent = !rc_curl_before_send((int)c->cc) && c->sent_any;
    if (c->cc != CURLE_OK) {
        const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(c->cc);
        crpki_err me =
            c->r.too_large ? CRPKI_E_PROTOCOL : rc_map_curl((int)c->cc, rs->proxy, c->connect_code);
        if (c->r.too_large)
            fail_with(ei, me, "POST %s: response larger than %u bytes", rq->path, RC_MAX_RESPONSE);
        else if (me == CRPKI_E_PROXY && c->connect_code == 407 &&
                 (c->proxy_avail & (long)CURLAUTH_BASIC) && !(c->proxy_avail & t->proxy_auth))
            fail_with(ei, me,
                      "POST %s: the proxy offers only Basic authentication, which would send the "
                      "password readable; the password was not sent (allow it with "
                      "proxy.allow_basic in config.json)",
                      rq->path);
        else if (me == CRPKI_E_PROXY && c->connect_code)
            fail_with(ei, me, "POST %s: the proxy answered %ld to CONNECT", rq->path,
                      c->connect_code);
        else
            fail_with(ei, me, "POST %s: %s (curl %d)", rq->path, why, (int)c->cc);
        log_write(CRPKI_LOG_WARN, LOG_MODULE, "POST %s: %s after %ld ms (curl %d: %s)", rq->path,
                  crpki_err_name(me), rs->elapsed_ms, (int)c->cc, why);
        return me;
    }
    if (c->r.body.oom)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    rs->status = (int)c->status;
    rs->body = c->r.body.p;
    rs->body_len = c->r.body.len;
    rs->sent = 1;
    memset(&c->r.body, 0, sizeof c->r.body); /* rs owns it now */
    log_write(CRPKI_LOG_DEBUG, LOG_MODULE, "POST %s: HTTP %d in %ld ms", rq->path, rs->status,
              rs->elapsed_ms);
    return CRPKI_OK;
}

/* 1 when the attempt failed to reach the proxy or the service at all
 * (nothing was sent): another hop, or a new decision, may do better. */
static int unreachable(const http_call *c)
{
    return c->stop == CRPKI_OK && c->connect_code == 0 &&
           (c->cc == CURLE_COULDNT_CONNECT || c->cc == CURLE_COULDNT_RESOLVE_PROXY ||
            c->cc == CURLE_COULDNT_RESOLVE_HOST);
}

/* One attempt through the current hop; *used says which. */
static crpki_err attempt(rc_transport *t, const rc_http_req *rq, rc_http_resp *rs, size_t *used,
                         int *retry_hop, crpki_error_info *ei)
{
    http_call c = {.r = {{0}, 0, -1}};
    slot *s = NULL;
    char *hop = NULL;
    *retry_hop = 0;
    plat_mutex_lock(t->lock);
    *used = t->hop;
    int oom = rc_route_hop(t) && !(hop = plat_strdup(rc_route_hop(t)));
    plat_mutex_unlock(t->lock);
    crpki_err e = oom ? fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory") : build(t, rq, &c, ei);
    if (e == CRPKI_OK && !(s = slot_take(t)))
        e = fail_with(ei, CRPKI_E_NO_MEMORY, "cannot create a libcurl handle");
    if (e == CRPKI_OK) {
        s->errbuf[0] = '\0';
        set_options(s->easy, rq, &c);
        rc_route_proxy_options(t, s->easy, hop);
        int64_t t0 = plat_now_us();
        run(t, s, rq, &c, ei);
        int64_t us = plat_now_us() - t0;
        rs->elapsed_ms = (long)(us / 1000);
        rs->elapsed_exact_ms = (double)us / 1000.0;
        collect(s, &c);
        slot_give(t, s);
        rs->proxy = hop != NULL;
        if (unreachable(&c))
            *retry_hop = rc_route_next_hop(t, *used);
        e = classify(t, rq, &c, rs, ei);
    }
    free(hop);
    call_free(&c);
    return e;
}

crpki_err rc_http_do(rc_transport *t, const rc_http_req *rq, rc_http_resp *rs, crpki_error_info *ei)
{
    memset(rs, 0, sizeof *rs);
    for (;;) {
        rc_http_resp_free(rs);
        if (rc_stop_requested(rq->cancel, rq->deadline_ms, ei))
            return ei->code;
        crpki_err e = ensure_ready(t, ei);
        if (e != CRPKI_OK)
            return e;
        size_t used = 0;
        int retry_hop = 0;
        e = attempt(t, rq, rs, &used, &retry_hop, ei);
        if (!retry_hop)
            return e;
    }
}

crpki_err rc_transport_route(rc_transport *t, rssp_route *out, crpki_error_info *ei)
{
    memset(out, 0, sizeof *out);
    crpki_err e = ensure_ready(t, ei);
    if (e != CRPKI_OK)
        return e;
    plat_mutex_lock(t->lock);
    const char *hop = rc_route_hop(t);
    /* "http://h:p" -> "h:p" */
    const char *bare = hop && strstr(hop, "://") ? strstr(hop, "://") + 3 : hop;
    out->from = t->route.from;
    out->count = t->route.n;
    out->sign_on = hop && t->sign_on;
    out->proxy = bare ? plat_strdup(bare) : NULL;
    out->script = t->route.script ? plat_strdup(t->route.script) : NULL;
    out->note = t->route.note ? plat_strdup(t->route.note) : NULL;
    int oom =
        (bare && !out->proxy) || (t->route.script && !out->script) || (t->route.note && !out->note);
    plat_mutex_unlock(t->lock);
    if (oom) {
        rssp_route_free(out);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    }
    return CRPKI_OK;
}

crpki_err rc_transport_sleep(rc_transport *t, unsigned ms, rssp_cancel *cn, int64_t deadline_ms,
                             crpki_error_info *ei)
{
    if (rc_stop_requested(cn, deadline_ms, ei))
        return ei->code;
    crpki_err e = ensure_ready(t, ei);
    if (e != CRPKI_OK)
        return e;
    slot *s = slot_take(t);
    if (!s)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "cannot create a libcurl handle");
    rc_cancel_reg reg = {wake_multi, s->multi, NULL};
    rc_cancel_register(cn, &reg);
    int64_t end = plat_now_ms() + ms;
    crpki_err out = CRPKI_OK;
    for (;;) {
        if (rc_stop_requested(cn, deadline_ms, ei)) {
            out = ei->code;
            break;
        }
        int64_t left = end - plat_now_ms();
        if (left <= 0)
            break;
        int to = poll_timeout(t, deadline_ms);
        if (left < to)
            to = (int)left;
        curl_multi_poll(s->multi, NULL, 0, to, NULL);
    }
    rc_cancel_unregister(cn, &reg);
    slot_give(t, s);
    return out;
}
