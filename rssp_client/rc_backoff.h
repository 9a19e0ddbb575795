/* rc_backoff: when to retry. Exponential backoff with full jitter (the delay
 * before retry k is uniform in [0, min(cap, base * 2^k)]), or, when the
 * service sent Retry-After, that many seconds (capped) plus a jitter of at
 * most base. Pure functions over an explicit RNG state, so tests can seed it. */
#ifndef CRPKI_RSSP_CLIENT_RC_BACKOFF_H
#define CRPKI_RSSP_CLIENT_RC_BACKOFF_H

#include <stdint.h>

typedef struct {
    unsigned base_ms;            /* first ceiling */
    unsigned cap_ms;             /* largest ceiling */
    unsigned retry_after_cap_ms; /* largest Retry-After honoured */
} rc_backoff_policy;

/* The client's policy: 200 ms, doubling, capped at 5 s; Retry-After up to 30 s. */
extern const rc_backoff_policy RC_BACKOFF_DEFAULT;
/* After the approval code has been shown (authorizeCheck, signHash): the
 * user is waiting, so a single backoff is at most 2 s; Retry-After up to 30 s. */
extern const rc_backoff_policy RC_BACKOFF_APPROVAL;

/* Time kept for the attempt itself when a retry delay is shortened to fit
 * the end of the call. */
#define RC_ATTEMPT_MARGIN_MS 100

/* splitmix64: the jitter's RNG (not for secrets). */
uint64_t rc_rand_next(uint64_t *state);

/* min(cap, base * 2^attempt), without overflow for any attempt. */
unsigned rc_backoff_ceiling_ms(const rc_backoff_policy *p, unsigned attempt);

/* Delay before retry number attempt (0 for the first retry). retry_after_s
 * < 0: none sent. */
unsigned rc_backoff_delay_ms(const rc_backoff_policy *p, unsigned attempt, long retry_after_s,
                             uint64_t *rng);

/* The part of a delay that must not be shortened: the Retry-After wait
 * (capped like rc_backoff_delay_ms caps it), 0 when none was sent. */
unsigned rc_backoff_floor_ms(const rc_backoff_policy *p, long retry_after_s);

/* The delay to actually wait before the next attempt when remaining_ms are
 * left until the end of the call (the deadline or the retry limit; < 0: no
 * end): delay_ms, shortened so that the attempt starts margin_ms before the
 * end, but never below floor_ms (the service's Retry-After is not cut
 * short). -1: no attempt fits any more (return the last error). */
int64_t rc_backoff_clamp_ms(unsigned delay_ms, unsigned floor_ms, int64_t remaining_ms,
                            unsigned margin_ms);

/* ---- which failures are retried ---- */

/* How a request may be repeated (docs/client.md, "Retries"). */
typedef enum {
    /* may be repeated: info, credentials/list, credentials/info, signHash,
     * revoke. Retried after connection failures, drops and 429/503. */
    RC_RETRY_SAFE = 0,
    /* authorizeCheck (long polls) and authorize with a requestID the
     * service deduplicates: like SAFE, and timeouts too. */
    RC_RETRY_POLL,
    /* must be processed at most once: authorize (a second approval), the
     * code exchange (codes are single use) and refresh (a rotated refresh
     * token presented twice revokes the login). Retried only when the
     * service certainly did not process it: the connection failed before
     * anything was sent, or it answered 429/503. */
    RC_RETRY_ONCE,
} rc_retry_class;

/* What went wrong with one attempt. */
typedef enum {
    RC_FAIL_CONNECT = 0,     /* no connection: nothing was sent (refused, unresolvable,
                                reset during the TLS handshake) */
    RC_FAIL_CONNECT_TIMEOUT, /* timed out before anything was sent */
    RC_FAIL_DROPPED,         /* the request may have been sent; the connection broke
                                (reset, closed, empty reply) */
    RC_FAIL_TIMEOUT,         /* the request may have been sent; no answer in time */
    RC_FAIL_BUSY,            /* 429 or 503: the service did not process the request */
    RC_FAIL_FINAL,           /* anything else (TLS, proxy, other statuses, protocol) */
    RC_FAIL__COUNT
} rc_failure;

/* 1 when a request of class cls may be repeated after failure f (the
 * deadline and the retry count aside). */
int rc_retry_allowed(rc_retry_class cls, rc_failure f);

/* The requests of the protocol, for their retry class. */
typedef enum {
    RC_REQ_READ = 0,        /* info, credentials/list, credentials/info */
    RC_REQ_AUTHORIZE,       /* credentials/authorize */
    RC_REQ_AUTHORIZE_KEYED, /* credentials/authorize with a requestID the service deduplicates */
    RC_REQ_AUTHORIZE_CHECK, /* credentials/authorizeCheck */
    RC_REQ_SIGN_HASH,       /* signatures/signHash */
    RC_REQ_TOKEN,           /* oauth2/token (code exchange, refresh) */
    RC_REQ_REVOKE,          /* oauth2/revoke */
} rc_request;

rc_retry_class rc_request_retry_class(rc_request r);

/* Retry-After (RFC 9110 10.2.3): delta-seconds, or an IMF-fixdate
 * ("Sun, 06 Nov 1994 08:49:37 GMT") turned into seconds from now_unix (0 if
 * past). -1 when absent (NULL) or malformed. Results are clamped to 1 day. */
long rc_parse_retry_after(const char *v, int64_t now_unix);

#endif
