/* rc_proxy: which proxy, if any, carries the connection to the service in
 * RSSP_PROXY_SYSTEM mode. The environment (https_proxy / HTTPS_PROXY,
 * all_proxy / ALL_PROXY, no_proxy / NO_PROXY, as curl reads them) comes
 * first; on Windows the Internet Options (WinINet) setting otherwise.
 * Loopback hosts always go direct. Pure functions: the caller reads the
 * environment and the platform setting once, when the client first connects. */
#ifndef CRPKI_RSSP_CLIENT_RC_PROXY_H
#define CRPKI_RSSP_CLIENT_RC_PROXY_H

typedef struct {
    const char *env_proxy;    /* https_proxy, else all_proxy (either case), or NULL */
    const char *env_no_proxy; /* no_proxy / NO_PROXY, or NULL */
    const char *win_proxy;    /* WinINet proxy list, or NULL */
    const char *win_bypass;   /* WinINet bypass list, or NULL */
} rc_proxy_sources;

/* *proxy: malloc'ed proxy URL for connections to host, or NULL for direct.
 * 0, or -1 on allocation failure. */
int rc_proxy_for_host(const rc_proxy_sources *src, const char *host, char **proxy);

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
