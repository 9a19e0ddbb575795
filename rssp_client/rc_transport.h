/* rc_transport: HTTPS requests to the service over libcurl, one attempt
 * each (rc_call adds retries and authentication).
 *
 * Concurrency: a pool of slots, each an easy handle with its own multi
 * handle (and so its own keep-alive connection cache). A request takes a
 * free slot, or makes one, for the time of one attempt: threads never wait
 * for each other's transfers, and a thread that re-enters the client from a
 * callback simply takes another slot. All slots share one CURLSH for TLS
 * sessions and DNS (with a lock per data kind), so a new connection resumes
 * a TLS session. The connection cache itself is not shared between threads:
 * libcurl documents CURL_LOCK_DATA_CONNECT as unsupported across concurrent
 * threads; each slot's multi handle keeps its connection instead.
 *
 * Cancellation and deadline: transfers run in curl_multi_poll loops that
 * wake at the latest every RC_POLL_MS and at once on curl_multi_wakeup from
 * rssp_cancel_trigger. Retry delays wait the same way.
 *
 * Nothing touches libcurl before the first request: curl_global_init runs
 * once per process (rc_once), then the share, the system proxy and (on
 * Windows) the CA blob are set up under the transport's lock. */
#ifndef CRPKI_RSSP_CLIENT_RC_TRANSPORT_H
#define CRPKI_RSSP_CLIENT_RC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"
#include "crpki/rssp_client.h"
#include "base/platform/plat_clock.h"
#include "base/platform/plat_net.h"
#include "rc_proxy.h"

#define RC_MAX_RESPONSE (8u * 1024 * 1024) /* larger bodies: CRPKI_E_PROTOCOL */
#define RC_POLL_MS      50                 /* longest sleep between checks of cancel/deadline */
#define RC_MAX_IDLE     8                  /* idle slots kept for reuse */

typedef struct rc_transport rc_transport;

typedef struct {
    const char *base_url; /* "https://host:port[/path]" without trailing '/' */
    const char *host;     /* for proxy decisions */
    const char *ca_bundle;
    rssp_proxy_mode proxy_mode;
    const char *proxy_url; /* RSSP_PROXY_EXPLICIT: "http://host:port" */
    const char *proxy_user, *proxy_password;
    int proxy_allow_basic; /* rssp_options.proxy_allow_basic */
    int proxy_no_sign_on;  /* rssp_options.proxy_no_sign_on */
    unsigned connect_timeout_ms;
    const char *user_agent;
} rc_transport_opts;

/* Copies opts; no libcurl call. */
crpki_err rc_transport_new(const rc_transport_opts *o, rc_transport **out, crpki_error_info *ei);
void rc_transport_free(rc_transport *t);

typedef struct {
    const char *method;       /* "POST" */
    const char *path;         /* "/csc/v2/info" */
    const char *content_type; /* of the body */
    const char *body;
    size_t body_len;
    const char *bearer;  /* access token, or NULL */
    unsigned timeout_ms; /* the whole attempt */
    int fresh_connect;   /* a new connection: never a reused one libcurl might resend on */
    rssp_cancel *cancel; /* may be NULL */
    int64_t deadline_ms; /* plat_now_ms() time, 0: none */
} rc_http_req;

typedef struct {
    int status; /* HTTP status, 0 when none arrived */
    char *body; /* NUL-terminated, may be NULL when empty */
    size_t body_len;
    long retry_after_s; /* -1: none */
    int curl_code;
    int sent;        /* the request may have reached the service */
    int proxy;       /* a proxy was in use */
    long elapsed_ms; /* of this attempt */
    double elapsed_exact_ms;
} rc_http_resp;

void rc_http_resp_free(rc_http_resp *rs);

/* One attempt. CRPKI_OK when an HTTP response arrived, whatever its status;
 * otherwise CRPKI_E_CANCELLED, CRPKI_E_DEADLINE or the transport error
 * (rs->curl_code and rs->sent say what happened), with ei->detail. */
crpki_err rc_http_do(rc_transport *t, const rc_http_req *rq, rc_http_resp *rs,
                     crpki_error_info *ei);

/* How requests go now (rssp_client_route). */
crpki_err rc_transport_route(rc_transport *t, rssp_route *out, crpki_error_info *ei);

/* Tests: Internet Options settings s (kept by reference) and the script
 * runner ask instead of the platform's, for RSSP_PROXY_SYSTEM; the route is
 * decided again at the next request, the process's script answers dropped. Lets a native test give
 * the answer Windows gives (a PAC list of several proxies, which Wine's WinHTTP truncates to its
 * first entry). */
void rc_transport_fake_system_proxy(rc_transport *t, const plat_proxy_settings *s,
                                    rc_autoconfig_fn ask, void *ask_ctx);

/* Sleeps ms, returning early CRPKI_E_CANCELLED or CRPKI_E_DEADLINE. */
crpki_err rc_transport_sleep(rc_transport *t, unsigned ms, rssp_cancel *cn, int64_t deadline_ms,
                             crpki_error_info *ei);

/* Tests: the longest sleep between checks (default RC_POLL_MS), so that a
 * test can show that a cancel arrives by curl_multi_wakeup, not by polling. */
void rc_transport_set_poll_ms(rc_transport *t, int ms);

/* 1 when the cancel is triggered (ei filled with CRPKI_E_CANCELLED) or the
 * deadline passed (CRPKI_E_DEADLINE). */
int rc_stop_requested(rssp_cancel *cn, int64_t deadline_ms, crpki_error_info *ei);

#endif
