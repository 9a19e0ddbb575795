/* The retry schedule (rc_backoff.h): bounds, growth, cap, Retry-After, and
 * full jitter over a seeded RNG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rc_backoff.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ceiling_doubles_from_base_and_stops_at_cap),
        cmocka_unit_test(default_policy_is_the_documented_one),
        cmocka_unit_test(full_jitter_stays_within_zero_and_the_ceiling_and_spreads),
        cmocka_unit_test(same_seed_gives_same_schedule),
        cmocka_unit_test(retry_after_is_honoured_plus_small_jitter_and_capped),
        cmocka_unit_test(retry_after_header_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
