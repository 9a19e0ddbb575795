/* The retry schedule (rc_backoff.h): bounds, growth, cap, Retry-After, and
 * full jitter over a seeded RNG; delays shortened to the time left; which
 * failure of which request is retried (docs/client.md's table), including
 * the classification of transport results and statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>

#include "rc_backoff.h"
#include "rc_errmap.h"

static const rc_backoff_policy P = {200, 5000, 30000};

static void ceiling_doubles_from_base_and_stops_at_cap(void **state)
{
    (void)state;
    assert_int_equal(rc_backoff_ceiling_ms(&P, 0), 200);
    assert_int_equal(rc_backoff_ceiling_ms(&P, 1), 400);
    assert_int_equal(rc_backoff_ceiling_ms(&P, 2), 800);
    assert_int_equal(rc_backoff_ceiling_ms(&P, 3), 1600);
    assert_int_equal(rc_backoff_ceiling_ms(&P, 4), 3200);
    assert_int_equal(rc_backoff_ceiling_ms(&P, 5), 5000);
    assert_int_equal(rc_backoff_ceiling_ms(&P, 6), 5000);
    /* no overflow however many attempts */
    assert_int_equal(rc_backoff_ceiling_ms(&P, 1000000), 5000);
    assert_int_equal(rc_backoff_ceiling_ms(&P, 0xFFFFFFFFu), 5000);
}

static void default_policy_is_the_documented_one(void **state)
{
    (void)state;
    assert_int_equal(RC_BACKOFF_DEFAULT.base_ms, 200);
    assert_int_equal(RC_BACKOFF_DEFAULT.cap_ms, 5000);
    assert_int_equal(RC_BACKOFF_DEFAULT.retry_after_cap_ms, 30000);
}

static void full_jitter_stays_within_zero_and_the_ceiling_and_spreads(void **state)
{
    (void)state;
    uint64_t rng = 12345;
    for (unsigned attempt = 0; attempt < 10; attempt++) {
        unsigned ceil = rc_backoff_ceiling_ms(&P, attempt);
        unsigned lo = ceil, hi = 0;
        uint64_t sum = 0;
        for (int i = 0; i < 2000; i++) {
            unsigned d = rc_backoff_delay_ms(&P, attempt, -1, &rng);
            assert_true(d <= ceil);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
            sum += d;
        }
        /* uniform over [0, ceil]: the extremes are approached, the mean is near ceil/2 */
        assert_true(lo < ceil / 10 + 1);
        assert_true(hi > ceil - ceil / 10 - 1);
        double mean = (double)sum / 2000.0;
        assert_true(mean > ceil * 0.4 && mean < ceil * 0.6);
    }
}

static void same_seed_gives_same_schedule(void **state)
{
    (void)state;
    uint64_t a = 42, b = 42, c = 43;
    int differs = 0;
    for (unsigned i = 0; i < 20; i++) {
        unsigned x = rc_backoff_delay_ms(&P, i, -1, &a);
        unsigned y = rc_backoff_delay_ms(&P, i, -1, &b);
        unsigned z = rc_backoff_delay_ms(&P, i, -1, &c);
        assert_int_equal(x, y);
        differs |= x != z;
    }
    assert_true(differs);
}

static void retry_after_is_honoured_plus_small_jitter_and_capped(void **state)
{
    (void)state;
    uint64_t rng = 7;
    for (int i = 0; i < 200; i++) {
        unsigned d = rc_backoff_delay_ms(&P, 0, 2, &rng);
        assert_true(d >= 2000 && d <= 2000 + P.base_ms);
        /* even on a late attempt the server's wish wins over the schedule */
        d = rc_backoff_delay_ms(&P, 9, 1, &rng);
        assert_true(d >= 1000 && d <= 1000 + P.base_ms);
        /* capped */
        d = rc_backoff_delay_ms(&P, 0, 3600, &rng);
        assert_true(d >= 30000 && d <= 30000 + P.base_ms);
        /* zero: just the jitter */
        d = rc_backoff_delay_ms(&P, 0, 0, &rng);
        assert_true(d <= P.base_ms);
    }
}

static void retry_after_header_values(void **state)
{
    (void)state;
    assert_int_equal(rc_parse_retry_after("1", 0), 1);
    assert_int_equal(rc_parse_retry_after(" 120 \r\n", 0), 120);
    assert_int_equal(rc_parse_retry_after("0", 0), 0);
    assert_int_equal(rc_parse_retry_after("99999999999999999999", 0), 86400);
    assert_int_equal(rc_parse_retry_after(NULL, 0), -1);
    assert_int_equal(rc_parse_retry_after("", 0), -1);
    assert_int_equal(rc_parse_retry_after("1.5", 0), -1);
    assert_int_equal(rc_parse_retry_after("-1", 0), -1);
    assert_int_equal(rc_parse_retry_after("soon", 0), -1);
    /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT = 784111777 */
    assert_int_equal(rc_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30), 30);
    assert_int_equal(rc_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 5), 0);
    assert_int_equal(rc_parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", 0), 10);
    assert_int_equal(rc_parse_retry_after("Sat, 29 Feb 2020 00:00:00 GMT", 1582934400 - 1), 1);
    /* obsolete forms and garbage */
    assert_int_equal(rc_parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", 0), -1);
    assert_int_equal(rc_parse_retry_after("Sun Nov  6 08:49:37 1994", 0), -1);
    assert_int_equal(rc_parse_retry_after("Sun, 06 Xyz 1994 08:49:37 GMT", 0), -1);
    assert_int_equal(rc_parse_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", 0), -1);
}

static void approval_policy_caps_a_single_backoff_at_2s(void **state)
{
    (void)state;
    assert_int_equal(RC_BACKOFF_APPROVAL.base_ms, 200);
    assert_int_equal(RC_BACKOFF_APPROVAL.cap_ms, 2000);
    assert_int_equal(RC_BACKOFF_APPROVAL.retry_after_cap_ms, 30000);
    uint64_t rng = 99;
    for (unsigned attempt = 0; attempt < 40; attempt++)
        for (int i = 0; i < 100; i++)
            assert_true(rc_backoff_delay_ms(&RC_BACKOFF_APPROVAL, attempt, -1, &rng) <= 2000);
    assert_int_equal(rc_backoff_ceiling_ms(&RC_BACKOFF_APPROVAL, 3), 1600);
    assert_int_equal(rc_backoff_ceiling_ms(&RC_BACKOFF_APPROVAL, 4), 2000);
    /* the service's Retry-After still wins over the cap */
    unsigned d = rc_backoff_delay_ms(&RC_BACKOFF_APPROVAL, 0, 5, &rng);
    assert_true(d >= 5000 && d <= 5200);
}

static void floor_is_the_capped_retry_after(void **state)
{
    (void)state;
    assert_int_equal(rc_backoff_floor_ms(&P, -1), 0);
    assert_int_equal(rc_backoff_floor_ms(&P, 0), 0);
    assert_int_equal(rc_backoff_floor_ms(&P, 2), 2000);
    assert_int_equal(rc_backoff_floor_ms(&P, 86400), 30000);
}

static void clamp_shortens_the_delay_to_the_time_left_minus_the_margin(void **state)
{
    (void)state;
    /* no end: unchanged */
    assert_int_equal(rc_backoff_clamp_ms(4000, 0, -1, 100), 4000);
    /* plenty of time: unchanged */
    assert_int_equal(rc_backoff_clamp_ms(4000, 0, 10000, 100), 4000);
    assert_int_equal(rc_backoff_clamp_ms(3900, 0, 4000, 100), 3900);
    /* the last attempt starts just before the end */
    assert_int_equal(rc_backoff_clamp_ms(4000, 0, 2500, 100), 2400);
    assert_int_equal(rc_backoff_clamp_ms(4000, 0, 101, 100), 1);
    assert_int_equal(rc_backoff_clamp_ms(0, 0, 150, 100), 0);
    /* no room for an attempt: no retry */
    assert_int_equal(rc_backoff_clamp_ms(4000, 0, 100, 100), -1);
    assert_int_equal(rc_backoff_clamp_ms(0, 0, 50, 100), -1);
    assert_int_equal(rc_backoff_clamp_ms(10, 0, 0, 100), -1);
    assert_int_equal(rc_backoff_clamp_ms(10, 0, -0, 0), -1);
    assert_int_equal(rc_backoff_clamp_ms(10, 0, -5000, 100), 10); /* < 0: no end */
    /* Retry-After is not cut short: only its jitter is */
    assert_int_equal(rc_backoff_clamp_ms(1150, 1000, 1200, 100), 1100);
    assert_int_equal(rc_backoff_clamp_ms(1150, 1000, 1100, 100), 1000);
    assert_int_equal(rc_backoff_clamp_ms(1150, 1000, 1099, 100), -1);
    assert_int_equal(rc_backoff_clamp_ms(30100, 30000, 20000, 100), -1);
    /* a floor above the delay is treated as the delay */
    assert_int_equal(rc_backoff_clamp_ms(500, 900, 700, 100), 500);
    /* large values do not overflow */
    assert_true(rc_backoff_clamp_ms(0xFFFFFFFFu, 0, INT64_MAX, 100) == (int64_t)0xFFFFFFFFu);
}

/* docs/client.md's retry table, request by request. */
static void retry_decision_table(void **state)
{
    (void)state;
    enum { Y = 1, N = 0 };
    static const struct {
        rc_request req;
        const char *name;
        unsigned char want[RC_FAIL__COUNT]; /* CONNECT CONNECT_TIMEOUT DROPPED TIMEOUT BUSY FINAL */
    } ROWS[] = {
        {RC_REQ_READ, "info/list/credentials/info", {Y, N, Y, N, Y, N}},
        {RC_REQ_AUTHORIZE, "authorize", {Y, Y, N, N, Y, N}},
        {RC_REQ_AUTHORIZE_KEYED, "authorize with requestID", {Y, Y, Y, Y, Y, N}},
        {RC_REQ_AUTHORIZE_CHECK, "authorizeCheck", {Y, Y, Y, Y, Y, N}},
        {RC_REQ_SIGN_HASH, "signHash", {Y, N, Y, N, Y, N}},
        {RC_REQ_TOKEN, "oauth2/token", {Y, Y, N, N, Y, N}},
        {RC_REQ_REVOKE, "oauth2/revoke", {Y, N, Y, N, Y, N}},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++)
        for (int f = 0; f < RC_FAIL__COUNT; f++)
            if (rc_retry_allowed(rc_request_retry_class(ROWS[i].req), (rc_failure)f) !=
                ROWS[i].want[f])
                fail_msg("%s, failure %d: want %s", ROWS[i].name, f,
                         ROWS[i].want[f] ? "retry" : "no retry");
    /* the cases of the issue, spelled out */
    rc_retry_class az = rc_request_retry_class(RC_REQ_AUTHORIZE);
    rc_retry_class sh = rc_request_retry_class(RC_REQ_SIGN_HASH);
    assert_true(rc_retry_allowed(az, rc_classify_status(503)));
    assert_true(rc_retry_allowed(az, rc_classify_status(429)));
    assert_false(rc_retry_allowed(az, rc_classify_status(500)));
    assert_false(rc_retry_allowed(az, rc_classify_status(502)));
    assert_false(rc_retry_allowed(az, rc_classify_status(504)));
    assert_false(rc_retry_allowed(az, rc_classify_status(400)));
    assert_false(rc_retry_allowed(az, rc_classify_transport(CURLE_OPERATION_TIMEDOUT, 1)));
    assert_false(rc_retry_allowed(az, rc_classify_transport(CURLE_GOT_NOTHING, 1)));
    assert_false(rc_retry_allowed(az, rc_classify_transport(CURLE_RECV_ERROR, 1)));
    assert_true(rc_retry_allowed(az, rc_classify_transport(CURLE_COULDNT_CONNECT, 0)));
    assert_true(rc_retry_allowed(sh, rc_classify_status(503)));
    assert_true(rc_retry_allowed(sh, rc_classify_transport(CURLE_GOT_NOTHING, 1)));
    assert_true(rc_retry_allowed(sh, rc_classify_transport(CURLE_COULDNT_CONNECT, 0)));
    assert_false(rc_retry_allowed(sh, rc_classify_transport(CURLE_OPERATION_TIMEDOUT, 1)));
    assert_false(rc_retry_allowed(sh, rc_classify_status(500)));
    /* out of range */
    assert_false(rc_retry_allowed((rc_retry_class)7, RC_FAIL_CONNECT));
    assert_false(rc_retry_allowed(RC_RETRY_SAFE, RC_FAIL__COUNT));
}

static void failures_are_classified_by_what_may_have_reached_the_service(void **state)
{
    (void)state;
    assert_int_equal(rc_classify_transport(CURLE_COULDNT_CONNECT, 0), RC_FAIL_CONNECT);
    assert_int_equal(rc_classify_transport(CURLE_COULDNT_RESOLVE_HOST, 0), RC_FAIL_CONNECT);
    /* reset during the TLS handshake: nothing was sent */
    assert_int_equal(rc_classify_transport(CURLE_RECV_ERROR, 0), RC_FAIL_CONNECT);
    assert_int_equal(rc_classify_transport(CURLE_RECV_ERROR, 1), RC_FAIL_DROPPED);
    assert_int_equal(rc_classify_transport(CURLE_SEND_ERROR, 1), RC_FAIL_DROPPED);
    assert_int_equal(rc_classify_transport(CURLE_GOT_NOTHING, 1), RC_FAIL_DROPPED);
    assert_int_equal(rc_classify_transport(CURLE_PARTIAL_FILE, 1), RC_FAIL_DROPPED);
    assert_int_equal(rc_classify_transport(CURLE_OPERATION_TIMEDOUT, 0), RC_FAIL_CONNECT_TIMEOUT);
    assert_int_equal(rc_classify_transport(CURLE_OPERATION_TIMEDOUT, 1), RC_FAIL_TIMEOUT);
    assert_int_equal(rc_classify_transport(CURLE_PEER_FAILED_VERIFICATION, 0), RC_FAIL_FINAL);
    assert_int_equal(rc_classify_transport(CURLE_SSL_CONNECT_ERROR, 0), RC_FAIL_FINAL);
    assert_int_equal(rc_classify_transport(CURLE_WRITE_ERROR, 1), RC_FAIL_FINAL);
    assert_int_equal(rc_classify_status(503), RC_FAIL_BUSY);
    assert_int_equal(rc_classify_status(429), RC_FAIL_BUSY);
    assert_int_equal(rc_classify_status(500), RC_FAIL_FINAL);
    assert_int_equal(rc_classify_status(502), RC_FAIL_FINAL);
    assert_int_equal(rc_classify_status(400), RC_FAIL_FINAL);
    assert_int_equal(rc_classify_status(302), RC_FAIL_FINAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ceiling_doubles_from_base_and_stops_at_cap),
        cmocka_unit_test(default_policy_is_the_documented_one),
        cmocka_unit_test(full_jitter_stays_within_zero_and_the_ceiling_and_spreads),
        cmocka_unit_test(same_seed_gives_same_schedule),
        cmocka_unit_test(retry_after_is_honoured_plus_small_jitter_and_capped),
        cmocka_unit_test(retry_after_header_values),
        cmocka_unit_test(approval_policy_caps_a_single_backoff_at_2s),
        cmocka_unit_test(floor_is_the_capped_retry_after),
        cmocka_unit_test(clamp_shortens_the_delay_to_the_time_left_minus_the_margin),
        cmocka_unit_test(retry_decision_table),
        cmocka_unit_test(failures_are_classified_by_what_may_have_reached_the_service),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
