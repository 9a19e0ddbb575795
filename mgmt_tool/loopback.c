/* loopback: a one-request HTTP server for the login redirect. */
#include "loopback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_clock.h"
#include "sock.h"

#define LB_MAX_REQUEST 16384
#define LB_IDLE_MS     5000 /* a connection that sends nothing (browser preconnect) */

#define PAGE_FMT                                                                                   \
    "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>%s</title></head>"      \
    "<body><h1>%s</h1><p>%s</p></body></html>\n"

struct loopback_listener {
    sock_t srv;
    sock_t conn; /* the request waiting for loopback_respond */
};

crpki_err loopback_open(loopback_listener **out, unsigned *port, crpki_error_info *ei)
{
    loopback_listener *l = calloc(1, sizeof *l);
    if (!l)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "loopback listener");
    l->conn = SOCK_NONE;
    if (sock_listen_loopback(&l->srv, port) != 0) {
        free(l);
        return fail_with(ei, CRPKI_E_IO, "cannot listen on 127.0.0.1 for the login redirect");
    }
    *out = l;
    return CRPKI_OK;
}

static void send_page(sock_t s, int status, const char *title, const char *body)
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
        sock_send_all(s, head, (size_t)hn);
    if (page)
        sock_send_all(s, page, (size_t)n);
    free(page);
}

/* Reads the request head; returns the target of a GET (malloc'ed), or NULL
 * (nothing usable: *bad set when a request came but is not a GET). */
static char *read_request(sock_t s, int64_t deadline, int *bad)
{
    char *buf = malloc(LB_MAX_REQUEST + 1);
    size_t len = 0;
    *bad = 0;
    if (!buf)
        return NULL;
    int64_t idle_end = plat_now_ms() + LB_IDLE_MS;
    if (idle_end > deadline)
        idle_end = deadline;
    while (len < LB_MAX_REQUEST) {
        int64_t now = plat_now_ms();
        if (now >= idle_end || sock_wait_readable(s, (unsigned)(idle_end - now)) != 1)
            break;
        long r = sock_recv(s, buf + len, LB_MAX_REQUEST - len);
        if (r <= 0)
            break;
        len += (size_t)r;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
            break;
    }
    buf[len] = '\0';
    char *target = NULL;
    if (len > 0) {
        char *sp1 = strchr(buf, ' ');
        char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
        if (strncmp(buf, "GET ", 4) == 0 && sp2) {
            *sp2 = '\0';
            size_t tl = (size_t)(sp2 - (sp1 + 1));
            target = malloc(tl + 1);
            if (target)
                memcpy(target, sp1 + 1, tl + 1);
        } else {
            *bad = 1;
        }
    }
    free(buf);
    return target;
}

crpki_err loopback_wait(loopback_listener *l, const char *path, unsigned timeout_ms, char **target,
                        crpki_error_info *ei)
{
    *target = NULL;
    int64_t deadline = plat_now_ms() + timeout_ms;
    size_t pl = strlen(path);
    for (;;) {
        int64_t now = plat_now_ms();
        if (now >= deadline)
            return fail_with(ei, CRPKI_E_DEADLINE,
                             "no login redirect reached the loopback listener in %u s",
                             timeout_ms / 1000);
        /* wake at least once a second: the deadline is checked above */
        unsigned slice = (unsigned)(deadline - now > 1000 ? 1000 : deadline - now);
        int w = sock_wait_readable(l->srv, slice);
        if (w < 0)
            return fail_with(ei, CRPKI_E_IO, "loopback listener failed");
        if (w == 0)
            continue;
        sock_t c = sock_accept(l->srv);
        if (c == SOCK_NONE)
            continue;
        int bad = 0;
        char *t = read_request(c, deadline, &bad);
        if (t && strncmp(t, path, pl) == 0 && (t[pl] == '?' || t[pl] == '\0')) {
            l->conn = c;
            *target = t;
            return CRPKI_OK;
        }
        /* favicon, a stray request, or a silent preconnect: not ours */
        if (t || bad)
            send_page(c, 404, "Not Found", "");
        free(t);
        sock_close(c);
    }
}

void loopback_respond(loopback_listener *l, int status, const char *title, const char *body_html)
{
    if (!l || l->conn == SOCK_NONE)
        return;
    send_page(l->conn, status, title, body_html);
    sock_close(l->conn);
    l->conn = SOCK_NONE;
}

void loopback_close(loopback_listener *l)
{
    if (!l)
        return;
    sock_close(l->conn);
    sock_close(l->srv);
    free(l);
}
