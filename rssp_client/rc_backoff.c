#include "rc_backoff.h"

#include <string.h>

#include "base/util/text.h"

const rc_backoff_policy RC_BACKOFF_DEFAULT = {200, 5000, 30000};
const rc_backoff_policy RC_BACKOFF_APPROVAL = {200, 2000, 30000};

#define DAY_S 86400L

uint64_t rc_rand_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

unsigned rc_backoff_ceiling_ms(const rc_backoff_policy *p, unsigned attempt)
{
    uint64_t c = p->base_ms;
    for (unsigned i = 0; i < attempt && c < p->cap_ms; i++)
        c *= 2;
    return c > p->cap_ms ? p->cap_ms : (unsigned)c;
}

static unsigned uniform(uint64_t *rng, unsigned max_inclusive)
{
    return (unsigned)(rc_rand_next(rng) % ((uint64_t)max_inclusive + 1));
}

unsigned rc_backoff_delay_ms(const rc_backoff_policy *p, unsigned attempt, long retry_after_s,
                             uint64_t *rng)
{
    if (retry_after_s >= 0) {
        uint64_t ra = (uint64_t)retry_after_s * 1000;
        if (ra > p->retry_after_cap_ms)
            ra = p->retry_after_cap_ms;
        return (unsigned)ra + uniform(rng, p->base_ms);
    }
    return uniform(rng, rc_backoff_ceiling_ms(p, attempt));
}

unsigned rc_backoff_floor_ms(const rc_backoff_policy *p, long retry_after_s)
{
    if (retry_after_s < 0)
        return 0;
    uint64_t ra = (uint64_t)retry_after_s * 1000;
    return ra > p->retry_after_cap_ms ? p->retry_after_cap_ms : (unsigned)ra;
}

int64_t rc_backoff_clamp_ms(unsigned delay_ms, unsigned floor_ms, int64_t remaining_ms,
                            unsigned margin_ms)
{
    if (floor_ms > delay_ms)
        floor_ms = delay_ms;
    if (remaining_ms < 0)
        return (int64_t)delay_ms;
    int64_t room = remaining_ms - (int64_t)margin_ms;
    if (room <= 0 || room < (int64_t)floor_ms)
        return -1;
    return room < (int64_t)delay_ms ? room : (int64_t)delay_ms;
}

/* [class][failure]: docs/client.md's retry table. */
static const unsigned char RETRY_TABLE[3][RC_FAIL__COUNT] = {
    /*               CONNECT CONN_TIMEOUT DROPPED TIMEOUT BUSY FINAL */
    [RC_RETRY_SAFE] = {1, 0, 1, 0, 1, 0},
    [RC_RETRY_POLL] = {1, 1, 1, 1, 1, 0},
    [RC_RETRY_ONCE] = {1, 1, 0, 0, 1, 0},
};

int rc_retry_allowed(rc_retry_class cls, rc_failure f)
{
    if ((unsigned)cls > RC_RETRY_ONCE || (unsigned)f >= RC_FAIL__COUNT)
        return 0;
    return RETRY_TABLE[cls][f];
}

rc_retry_class rc_request_retry_class(rc_request r)
{
    switch (r) {
    case RC_REQ_AUTHORIZE:
    case RC_REQ_TOKEN:
        return RC_RETRY_ONCE;
    case RC_REQ_AUTHORIZE_CHECK:
    case RC_REQ_AUTHORIZE_KEYED: /* a repeat gets the same approval back */
        return RC_RETRY_POLL;
    case RC_REQ_READ:
    case RC_REQ_SIGN_HASH: /* the SAD is single use: a repeat cannot sign twice */
    case RC_REQ_REVOKE:    /* revoking twice is harmless */
    default:
        return RC_RETRY_SAFE;
    }
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

long rc_parse_retry_after(const char *v, int64_t now_unix)
{
    if (!v)
        return -1;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    if (n == 0)
        return -1;
    if (v[0] >= '0' && v[0] <= '9') {
        long s = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i] < '0' || v[i] > '9')
                return -1;
            if (s < DAY_S)
                s = s * 10 + (v[i] - '0');
        }
        return s > DAY_S ? DAY_S : s;
    }
    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (29 characters) */
    static const char *const DAYS[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (n != 29 || v[3] != ',' || v[4] != ' ' || v[7] != ' ' || v[11] != ' ' || v[16] != ' ' ||
        v[19] != ':' || v[22] != ':' || memcmp(v + 25, " GMT", 4) != 0)
        return -1;
    int dayok = 0;
    for (int i = 0; i < 7; i++)
        dayok |= memcmp(v, DAYS[i], 3) == 0;
    unsigned mon = 0;
    for (unsigned i = 0; i < 12; i++)
        if (memcmp(v + 8, MONTHS[i], 3) == 0)
            mon = i + 1;
    int d, y, hh, mm, ss;
    if (!dayok || !mon || !digits(v + 5, 2, &d) || !digits(v + 12, 4, &y) ||
        !digits(v + 17, 2, &hh) || !digits(v + 20, 2, &mm) || !digits(v + 23, 2, &ss) || d < 1 ||
        d > 31 || hh > 23 || mm > 59 || ss > 60)
        return -1;
    int64_t t = text_days_from_civil(y, mon, (unsigned)d) * DAY_S + hh * 3600 + mm * 60 + ss;
    int64_t delta = t - now_unix;
    if (delta < 0)
        return 0;
    return delta > DAY_S ? DAY_S : (long)delta;
}
