/* rc_backoff: when to retry. Exponential backoff with full jitter (the delay
 * before retry k is uniform in [0, min(cap, base * 2^k)]), or, when the
 * service sent Retry-After, that many seconds (capped) plus a jitter of at
 * most base. Pure functions over an explicit RNG state, so tests can seed it. */
#ifndef RC_BACKOFF_H
#define RC_BACKOFF_H

#include <stdint.h>

typedef struct {
    unsigned base_ms;            /* first ceiling */
    unsigned cap_ms;             /* largest ceiling */
    unsigned retry_after_cap_ms; /* largest Retry-After honoured */
} rc_backoff_policy;

/* The client's policy: 200 ms, doubling, capped at 5 s; Retry-After up to 30 s. */
extern const rc_backoff_policy RC_BACKOFF_DEFAULT;

/* splitmix64: the jitter's RNG (not for secrets). */
uint64_t rc_rand_next(uint64_t *state);

/* min(cap, base * 2^attempt), without overflow for any attempt. */
unsigned rc_backoff_ceiling_ms(const rc_backoff_policy *p, unsigned attempt);

/* Delay before retry number attempt (0 for the first retry). retry_after_s
 * < 0: none sent. */
unsigned rc_backoff_delay_ms(const rc_backoff_policy *p, unsigned attempt, long retry_after_s,
                             uint64_t *rng);

/* Retry-After (RFC 9110 10.2.3): delta-seconds, or an IMF-fixdate
 * ("Sun, 06 Nov 1994 08:49:37 GMT") turned into seconds from now_unix (0 if
 * past). -1 when absent (NULL) or malformed. Results are clamped to 1 day. */
long rc_parse_retry_after(const char *v, int64_t now_unix);

#endif
