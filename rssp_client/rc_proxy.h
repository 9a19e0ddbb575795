/* rc_proxy: which proxies, if any, carry the connection to the service in
 * RSSP_PROXY_SYSTEM mode, the way Windows decides: the environment
 * (https_proxy / HTTPS_PROXY, all_proxy / ALL_PROXY, no_proxy / NO_PROXY, as
 * curl reads them) first; then Internet Options: auto-detection (WPAD), the
 * setup script (PAC), the fixed proxy with its bypass list. An automatic
 * setting that gives no answer is passed over (and noted). Loopback hosts
 * always go direct. Pure: the caller gathers the settings and supplies the
 * function that runs a script (rc_proxy_auto.h). */
#ifndef CRPKI_RSSP_CLIENT_RC_PROXY_H
#define CRPKI_RSSP_CLIENT_RC_PROXY_H

#include <stddef.h>

#include "crpki/rssp_client.h"

/* plat_proxy_autoconfig's contract: 0 with *list ("h:p;h2:p2", NULL for
 * DIRECT) and, for WPAD, *found (the script's URL, may be NULL), 1 with *why
 * when the script gave no answer, -1 out of memory. */
typedef int (*rc_autoconfig_fn)(void *ctx, const char *url, const char *pac_url, char **list,
                                char **found, char **why);

typedef struct {
    const char *env_proxy;       /* https_proxy, else all_proxy (either case), or NULL */
    const char *env_no_proxy;    /* no_proxy / NO_PROXY, or NULL */
    const char *win_proxy;       /* Internet Options' fixed proxy list, or NULL */
    const char *win_bypass;      /* its bypass list, or NULL */
    int auto_detect;             /* Internet Options: automatically detect settings */
    const char *pac_url;         /* Internet Options: the setup script, or NULL */
    rc_autoconfig_fn autoconfig; /* NULL: scripts are not run */
    void *ctx;
} rc_proxy_sources;

/* The proxies to try, in order. */
typedef struct {
    rssp_route_from from;
    char **hops;  /* "http://h:p", or NULL for DIRECT */
    size_t n;     /* 0: direct */
    char *script; /* PAC / WPAD: the script's URL ("" for WPAD when unknown) */
    char *note;   /* why an automatic setting was passed over, or NULL */
} rc_route;
void rc_route_free(rc_route *r);

/* The route for url (the service's base URL) whose host is host. 0, or -1
 * when out of memory (*out then empty). */
int rc_route_for(const rc_proxy_sources *src, const char *url, const char *host, rc_route *out);

/* Appends the entries of a PAC answer as WinHTTP returns it ("h:p;h2:p2",
 * entries separated by ';' or white space; "DIRECT" for a direct hop;
 * a "PROXY " prefix tolerated) to r->hops. 0, or -1 out of memory. */
int rc_route_add_list(rc_route *r, const char *list);

/* no_proxy semantics (curl's): names separated by commas or spaces; "*"
 * matches everything; a name matches the host itself and its subdomains
 * (".example.com" and "example.com" alike); case-insensitive. */
int rc_noproxy_match(const char *host, const char *list);

/* WinINet bypass semantics: entries separated by ';' (or spaces), '*'
 * wildcards, case-insensitive; "<local>" matches names without a dot. */
int rc_wininet_bypass_match(const char *host, const char *list);

/* From a WinINet proxy list ("host:port", or "http=h:p;https=h:p;socks=..."),
 * the proxy for https: the https= entry, else an entry without a scheme
 * name. malloc'ed "http://h:p" (an explicit scheme is kept), or NULL. *oom
 * set on allocation failure. */
char *rc_wininet_pick(const char *list, int *oom);

/* 1 for localhost, 127.0.0.0/8 and ::1. */
int rc_host_is_loopback(const char *host);

#endif
