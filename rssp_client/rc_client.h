/* rc_client: the rssp_client structure and the request layer every call
 * goes through (rc_call: bearer token, one refresh after a 401, retries by
 * the safety of the request, error mapping). Private to rssp_client/. */
#ifndef CRPKI_RSSP_CLIENT_RC_CLIENT_H
#define CRPKI_RSSP_CLIENT_RC_CLIENT_H

#include <stdint.h>

#include "crpki/rssp_client.h"
#include "base/platform/plat_thread.h"
#include "rc_backoff.h"
#include "rc_transport.h"

struct cJSON; /* <cjson/cJSON.h> */

#define RC_TOKEN_BUF 4097 /* access tokens up to 4096 characters */

struct rssp_client {
    char *base_url; /* https://host[:port][/path], no trailing '/' */
    char *host;
    char *client_id;
    unsigned request_timeout_ms;
    unsigned max_retries;
    rc_transport *tr;

    plat_mutex *lock; /* guards ts, rng and authz_idem */
    rssp_token_source ts;
    int has_ts;
    uint64_t rng; /* jitter */
    /* the service deduplicates authorize's requestID: 1 yes, -1 no, 0 not
     * known yet (learnt from /csc/v2/info at the first rssp_sign or rssp_info) */
    int authz_idem;
};

typedef struct {
    const char *op;   /* "credentials/list": for messages */
    const char *path; /* "/csc/v2/credentials/list" */
    const char *content_type;
    const char *body;
    size_t body_len;
    int auth;             /* needs the bearer token */
    rc_retry_class retry; /* which failures are retried (rc_retry_allowed) */
    unsigned timeout_ms;  /* per attempt; 0: the client's request timeout */
    rssp_cancel *cancel;
    int64_t deadline_ms;              /* 0: none */
    int64_t retry_until_ms;           /* 0: at most max_retries retries; else retry until then */
    const rc_backoff_policy *backoff; /* NULL: RC_BACKOFF_DEFAULT */
    /* out, may be NULL: set to 1 when the request was repeated after an
     * attempt that may have been processed (dropped connection, timeout) */
    int *repeated_after_unknown;
    int no_retry; /* a single attempt (a probe whose failure has a fallback) */
} rc_call_req;

/* Retries are made while rc_retry_allowed says so, up to max_retries (or
 * until retry_until_ms), each delay shortened to end RC_ATTEMPT_MARGIN_MS
 * before the deadline / retry_until_ms (never below a Retry-After). When no
 * retry fits any more, the last error is returned; CRPKI_E_DEADLINE only
 * when the deadline passed during an attempt or a wait.
 * CRPKI_OK with a 2xx response in rs (caller frees), or an error with ei
 * filled (http_status and service_error when the service answered; rs then
 * still holds that response). ei must not be NULL. */
crpki_err rc_call(rssp_client *c, const rc_call_req *rq, rc_http_resp *rs, crpki_error_info *ei);

/* rc_call with body (a cJSON object, deleted here; NULL: out of memory) sent
 * as application/json; rq's content_type and body are not used. The text is
 * wiped after the call: a body may carry SADs. */
crpki_err rc_call_json(rssp_client *c, const rc_call_req *rq, struct cJSON *body, rc_http_resp *rs,
                       crpki_error_info *ei);

/* The earlier of two times where 0 means "none" (0 when both are). */
int64_t rc_min_nonzero(int64_t a, int64_t b);

/* What the client knows of the service's authorize idempotency (1, -1, 0:
 * unknown), and tests' override of it. */
int rc_client_authz_idem(rssp_client *c);
void rc_client_set_authz_idem(rssp_client *c, int v);

/* Whether authorize may carry a requestID (rc_csc.c): 1 when the service
 * deduplicates it; 0 when it does not, or /csc/v2/info could not say (one
 * attempt, no retry: the caller falls back to the fresh-connection rule);
 * -1 on cancel or deadline, with ei filled. Asks the service only once per
 * client once it has answered. */
int rc_csc_authz_idem(rssp_client *c, rssp_cancel *cancel, int64_t deadline_ms,
                      crpki_error_info *ei);

/* The token source gives an access token now (without sending anything). */
crpki_err rc_have_token(rssp_client *c, const char *op, crpki_error_info *ei);

/* Copies ei to the caller's (may be NULL). Returns ei->code. */
crpki_err rc_report(const crpki_error_info *ei, crpki_error_info *out);

#endif
