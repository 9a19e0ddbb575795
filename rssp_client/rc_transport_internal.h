/* rc_transport_internal: the transport's state, shared by rc_transport.c
 * (slots, transfers, setup) and rc_route.c (the way to the service).
 * Private to rssp_client/. */
#ifndef CRPKI_RSSP_CLIENT_RC_TRANSPORT_INTERNAL_H
#define CRPKI_RSSP_CLIENT_RC_TRANSPORT_INTERNAL_H

#include <curl/curl.h>

#include "base/platform/plat_net.h"
#include "base/platform/plat_thread.h"
#include "rc_proxy.h"
#include "rc_proxy_auto.h"
#include "rc_transport.h"

typedef struct slot {
    CURL *easy;
    CURLM *multi;
    struct slot *next;
    char errbuf[CURL_ERROR_SIZE];
} slot;

struct rc_transport {
    /* options (immutable) */
    char *base_url, *host, *ca_bundle, *proxy_url, *proxy_user, *proxy_password, *user_agent;
    rssp_proxy_mode proxy_mode;
    long proxy_auth; /* CURLAUTH_* offered to an explicit proxy */
    unsigned connect_timeout_ms;
    int poll_ms;

    plat_mutex *lock; /* guards everything below */
    int ready;        /* lazy setup done (successfully) */
    CURLSH *share;
    plat_mutex *share_locks[CURL_LOCK_DATA_LAST];
    rc_route route;  /* the proxies to try (none: direct) */
    size_t hop;      /* the one in use: route.hops[hop] (NULL there: direct) */
    int sign_on;     /* proxies get the Windows sign-on (SSPI default credentials) */
    int route_stale; /* decide the route again before the next request */
    /* tests: settings and script answers instead of the platform's */
    const plat_proxy_settings *fake_settings;
    rc_proxy_auto_opts auto_opts;
    char *ca_pem; /* Windows with ca_bundle: system roots + ca_bundle */
    size_t ca_pem_len;
    slot *idle;
    unsigned nidle;
};

/* rc_route.c. Decides t->route again (under t->lock). */
crpki_err rc_route_decide(rc_transport *t, crpki_error_info *ei);
/* The proxy in use ("http://h:p"), NULL: direct. Under t->lock. */
const char *rc_route_hop(const rc_transport *t);
/* Logs the route in use (and what was passed over). Under t->lock. */
void rc_route_log(const rc_transport *t);
/* Sets on h the proxy of this attempt (hop, NULL: direct) and what it is offered. */
void rc_route_proxy_options(const rc_transport *t, CURL *h, const char *hop);
/* After hop number used could not be reached: 1 when another hop is to be
 * tried now; 0 when the route is used up (decided again before the next
 * request). Takes t->lock. */
int rc_route_next_hop(rc_transport *t, size_t used);

#endif
