/* auth_loopback: the HTTP server of the login redirect: reads up to LB_MAX_CONNS
 * connections at once and answers every request but the awaited one. */
#include "core/auth/auth_loopback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_clock.h"
#include "base/platform/plat_sock.h"

#define LB_MAX_REQUEST 16384
#define LB_IDLE_MS     5000 /* a connection that sends nothing (browser preconnect) */
#define LB_MAX_CONNS   16   /* connections read at once: one silent one blocks nothing */

#define PAGE_FMT                                                                                   \
    "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>%s</title></head>"      \
    "<body><h1>%s</h1><p>%s</p></body></html>\n"

/* A connection whose request head is still arriving. */
typedef struct {
    plat_sock_t s;
    char *buf; /* LB_MAX_REQUEST + 1 */
    size_t len;
    int64_t idle_end; /* dropped when nothing complete came by then */
} pending;

struct loopback_listener {
    plat_sock_t srv;
    plat_sock_t conn; /* the request waiting for loopback_respond */
    pending p[LB_MAX_CONNS];
    loopback_cancel_fn cancelled;
    void *cancel_ctx;
};

crpki_err loopback_open(loopback_listener **out, unsigned *port, crpki_error_info *ei)
{
    loopback_listener *l = calloc(1, sizeof *l);
    if (!l)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "loopback listener");
    l->conn = PLAT_SOCK_NONE;
    for (size_t i = 0; i < LB_MAX_CONNS; i++)
        l->p[i].s = PLAT_SOCK_NONE;
    if (plat_sock_listen_loopback(&l->srv, port) != 0) {
        free(l);
        return fail_with(ei, CRPKI_E_IO, "cannot listen on 127.0.0.1 for the login redirect");
    }
    *out = l;
    return CRPKI_OK;
}

static void send_page(plat_sock_t s, int status, const char *title, const char *body)
{
    const char *reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request";
    char *page = NULL;
    int n = snprintf(NULL, 0, PAGE_FMT, title, title, body);
    if (n > 0 && (page = malloc((size_t)n + 1)) != NULL)
        snprintf(page, (size_t)n + 1, PAGE_FMT, title, title, body);
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\n"
                      "Content-Length: %d\r\nCache-Control: no-store\r\n"
                      "Connection: close\r\n\r\n",
                      status, reason, page ? n : 0);
    if (hn > 0 && (size_t)hn < sizeof head)
        plat_sock_send_all(s, head, (size_t)hn);
    if (page)
        plat_sock_send_all(s, page, (size_t)n);
    free(page);
}

static void pending_drop(pending *p)
{
    plat_sock_close(p->s);
    free(p->buf);
    p->s = PLAT_SOCK_NONE;
    p->buf = NULL;
    p->len = 0;
}

/* The target of a complete GET head (malloc'ed), or NULL when it is no GET. */
static char *get_target(char *head)
{
    char *sp1 = strchr(head, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (strncmp(head, "GET ", 4) != 0 || !sp2)
        return NULL;
    size_t tl = (size_t)(sp2 - (sp1 + 1));
    char *target = malloc(tl + 1);
    if (target) {
        memcpy(target, sp1 + 1, tl);
        target[tl] = '\0';
    }
    return target;
}

/* A complete head on p: 1 when it is the awaited redirect (*target set, the
 * connection moves to l->conn), else 0 and the request is answered and
 * closed. */
static int answer(loopback_listener *l, pending *p, const char *path, loopback_accept_fn accept,
                  void *ctx, char **target)
{
    size_t pl = strlen(path);
    char *t = get_target(p->buf);
    if (t && strncmp(t, path, pl) == 0 && (t[pl] == '?' || t[pl] == '\0')) {
        if (!accept || accept(ctx, t)) {
            l->conn = p->s;
            p->s = PLAT_SOCK_NONE;
            pending_drop(p);
            *target = t;
            return 1;
        }
        /* not this login's answer (wrong state or issuer): the login goes on */
        send_page(p->s, 400, "ログイン要求が一致しません / Not this login",
                  "このページは実行中のログインのものではありません。crpki-mgmt "
                  "の画面からログインしてください。<br>This request does not belong to the "
                  "login in progress.");
    } else {
        /* favicon, a stray request, not a GET */
        send_page(p->s, t ? 404 : 400, t ? "Not Found" : "Bad Request", "");
    }
    free(t);
    pending_drop(p);
    return 0;
}

/* Reads what arrived on p; 1 when its head is complete, -1 when it must go. */
static int pending_read(pending *p)
{
    if (p->len >= LB_MAX_REQUEST)
        return -1;
    long r = plat_sock_recv(p->s, p->buf + p->len, LB_MAX_REQUEST - p->len);
    if (r <= 0)
        return -1;
    p->len += (size_t)r;
    p->buf[p->len] = '\0';
    if (strstr(p->buf, "\r\n\r\n") || strstr(p->buf, "\n\n"))
        return 1;
    return p->len >= LB_MAX_REQUEST ? -1 : 0;
}

/* A new connection into a free slot; when all are taken, the one that has
 * been silent longest makes room (a flood cannot lock the browser out). */
static void take_connection(loopback_listener *l, int64_t now)
{
    plat_sock_t c = plat_sock_accept(l->srv);
    if (c == PLAT_SOCK_NONE)
        return;
    pending *slot = NULL;
    for (size_t i = 0; i < LB_MAX_CONNS && !slot; i++)
        if (l->p[i].s == PLAT_SOCK_NONE)
            slot = &l->p[i];
    if (!slot) {
        slot = &l->p[0];
        for (size_t i = 1; i < LB_MAX_CONNS; i++)
            if (l->p[i].idle_end < slot->idle_end)
                slot = &l->p[i];
        pending_drop(slot);
    }
    slot->buf = malloc(LB_MAX_REQUEST + 1);
    if (!slot->buf) {
        plat_sock_close(c);
        return;
    }
    slot->s = c;
    slot->len = 0;
    slot->idle_end = now + LB_IDLE_MS;
}

crpki_err loopback_wait(loopback_listener *l, const char *path, unsigned timeout_ms,
                        loopback_accept_fn accept, void *ctx, char **target, crpki_error_info *ei)
{
    *target = NULL;
    int64_t deadline = plat_now_ms() + timeout_ms;
    for (;;) {
        int64_t now = plat_now_ms();
        if (now >= deadline)
            return fail_with(ei, CRPKI_E_DEADLINE,
                             "no login redirect reached the loopback listener in %u s",
                             timeout_ms / 1000);
        if (l->cancelled && l->cancelled(l->cancel_ctx))
            return fail_with(ei, CRPKI_E_CANCELLED, "the login was cancelled");
        /* wake 5 times a second (a cancel), and when a silent connection's time is up */
        int64_t wake = deadline - now > 200 ? now + 200 : deadline;
        plat_sock_t socks[LB_MAX_CONNS + 1];
        size_t idx[LB_MAX_CONNS + 1], n = 0;
        socks[n++] = l->srv;
        for (size_t i = 0; i < LB_MAX_CONNS; i++) {
            pending *p = &l->p[i];
            if (p->s == PLAT_SOCK_NONE)
                continue;
            if (p->idle_end <= now) {
                pending_drop(p); /* a preconnect that never asked anything */
                continue;
            }
            if (p->idle_end < wake)
                wake = p->idle_end;
            idx[n] = i;
            socks[n++] = p->s;
        }
        unsigned char ready[LB_MAX_CONNS + 1];
        int w = plat_sock_wait_any(socks, n, (unsigned)(wake - now), ready);
        if (w < 0)
            return fail_with(ei, CRPKI_E_IO, "loopback listener failed");
        now = plat_now_ms();
        for (size_t k = 1; k < n; k++) {
            if (!ready[k])
                continue;
            pending *p = &l->p[idx[k]];
            int r = pending_read(p);
            if (r < 0)
                pending_drop(p);
            else if (r == 1 && answer(l, p, path, accept, ctx, target))
                return CRPKI_OK;
        }
        if (ready[0])
            take_connection(l, now);
    }
}

void loopback_set_cancel(loopback_listener *l, loopback_cancel_fn cancelled, void *ctx)
{
    l->cancelled = cancelled;
    l->cancel_ctx = ctx;
}

void loopback_respond(loopback_listener *l, int status, const char *title, const char *body_html)
{
    if (!l || l->conn == PLAT_SOCK_NONE)
        return;
    send_page(l->conn, status, title, body_html);
    plat_sock_close(l->conn);
    l->conn = PLAT_SOCK_NONE;
}

void loopback_close(loopback_listener *l)
{
    if (!l)
        return;
    plat_sock_close(l->conn);
    for (size_t i = 0; i < LB_MAX_CONNS; i++)
        pending_drop(&l->p[i]);
    plat_sock_close(l->srv);
    free(l);
}
