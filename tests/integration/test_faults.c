/* Fault injection of `crpki-rsspd serve` (--fault-*), which the client's
 * retry logic is tested against. docs/protocol.md "serve options". */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void restart(const char *const *args)
{
    if (h_server_restart(args) != 0)
        fail_msg("crpki-rsspd serve did not start with the fault options");
}

static void info(h_resp *r)
{
    h_post_json("/csc/v2/info", "{}", NULL, r);
}

static void defaults_inject_no_faults(void **state)
{
    (void)state;
    restart(NULL);
    for (int i = 0; i < 40; i++) {
        h_resp r;
        info(&r);
        H_EXPECT_STATUS(&r, 200);
        if (r.retry_after)
            fail_msg("Retry-After %s without fault injection", r.retry_after);
        if (r.elapsed_s > 5.0)
            fail_msg("/csc/v2/info took %.2f s without fault injection", r.elapsed_s);
        h_resp_free(&r);
    }
}

static void fault_503_100_is_temporarily_unavailable_with_retry_after(void **state)
{
    (void)state;
    const char *args[] = {"--fault-503", "100", NULL};
    restart(args);
    for (int i = 0; i < 5; i++) {
        h_resp r;
        info(&r);
        H_EXPECT_ERROR(&r, 503, "temporarily_unavailable");
        if (!r.retry_after || strcmp(r.retry_after, "1") != 0)
            fail_msg("503: Retry-After %s, want 1 (the default)",
                     r.retry_after ? r.retry_after : "(none)");
        if (!r.cache_control || !strstr(r.cache_control, "no-store"))
            fail_msg("503 without Cache-Control: no-store");
        h_resp_free(&r);
    }
    /* OAuth endpoints too */
    h_resp r;
    h_post_form("/oauth2/token", "grant_type=refresh_token&refresh_token=x&client_id=crpki-driver",
                NULL, &r);
    H_EXPECT_ERROR(&r, 503, "temporarily_unavailable");
    h_resp_free(&r);

    const char *args3[] = {"--fault-503", "100", "--retry-after", "3", NULL};
    restart(args3);
    info(&r);
    H_EXPECT_ERROR(&r, 503, "temporarily_unavailable");
    if (!r.retry_after || strcmp(r.retry_after, "3") != 0)
        fail_msg("--retry-after 3: Retry-After %s", r.retry_after ? r.retry_after : "(none)");
    h_resp_free(&r);
}

static void fault_429_100_is_too_many_requests_with_retry_after(void **state)
{
    (void)state;
    const char *args[] = {"--fault-429", "100", NULL};
    restart(args);
    for (int i = 0; i < 5; i++) {
        h_resp r;
        info(&r);
        H_EXPECT_ERROR(&r, 429, "too_many_requests");
        if (!r.retry_after || strcmp(r.retry_after, "1") != 0)
            fail_msg("429: Retry-After %s, want 1", r.retry_after ? r.retry_after : "(none)");
        if (!r.cache_control || !strstr(r.cache_control, "no-store"))
            fail_msg("429 without Cache-Control: no-store");
        h_resp_free(&r);
    }
}

static void fault_drop_100_closes_without_response(void **state)
{
    (void)state;
    const char *args[] = {"--fault-drop", "100", NULL};
    restart(args);
    for (int i = 0; i < 3; i++) {
        h_resp r;
        info(&r);
        if (r.cc != CURLE_GOT_NOTHING)
            fail_msg("--fault-drop 100: want CURLE_GOT_NOTHING, got curl %d (%s), HTTP %ld",
                     (int)r.cc, curl_easy_strerror(r.cc), r.status);
        h_resp_free(&r);
    }
}

static void fault_hang_500_delays_each_response_500ms(void **state)
{
    (void)state;
    const char *args[] = {"--fault-hang", "500", NULL};
    restart(args);
    for (int i = 0; i < 3; i++) {
        h_resp r;
        info(&r);
        H_EXPECT_STATUS(&r, 200);
        if (r.elapsed_s < 0.5)
            fail_msg("--fault-hang 500: answered after %.0f ms", r.elapsed_s * 1000);
        if (r.elapsed_s > 6.0)
            fail_msg("--fault-hang 500: answered after %.0f ms", r.elapsed_s * 1000);
        h_resp_free(&r);
    }
}

static void fault_hang_pct_0_does_not_delay(void **state)
{
    (void)state;
    /* a hang of 10 s that never happens: 5 s leaves a busy machine room */
    const char *args[] = {"--fault-hang", "10000", "--fault-hang-pct", "0", NULL};
    restart(args);
    h_resp r;
    info(&r);
    H_EXPECT_STATUS(&r, 200);
    if (r.elapsed_s > 5.0)
        fail_msg("--fault-hang-pct 0 still delayed %.0f ms", r.elapsed_s * 1000);
    h_resp_free(&r);
}

static void fault_path_limits_injection_to_that_prefix(void **state)
{
    (void)state;
    const char *args[] = {"--fault-503", "100", "--fault-path", "/csc/v2/signatures", NULL};
    restart(args);
    h_resp r;
    info(&r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    h_tokens t;
    h_login_ok("user1", &t); /* /oauth2/... unaffected */
    h_post_json("/csc/v2/credentials/list", "{}", t.access, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    uint8_t d[32] = {0};
    h_sign_hash(t.access, h_user_by_id("user1")->creds[0].id, "c2Fk", "2.16.840.1.101.3.4.2.1", d,
                1, 32, CRPKI_OID_RSA_ENCRYPTION, NULL, &r);
    H_EXPECT_ERROR(&r, 503, "temporarily_unavailable");
    assert_non_null(r.retry_after);
    h_resp_free(&r);
    h_tokens_free(&t);
}

/* statuses of 24 sequential /csc/v2/info calls as a string of '2'/'5' */
static void dice(char *out)
{
    for (int i = 0; i < 24; i++) {
        h_resp r;
        info(&r);
        assert_int_equal(r.cc, CURLE_OK);
        assert_true(r.status == 200 || r.status == 503);
        out[i] = r.status == 200 ? '2' : '5';
        h_resp_free(&r);
    }
    out[24] = 0;
}

static void fault_503_50_with_a_seed_is_reproducible(void **state)
{
    (void)state;
    const char *args[] = {"--fault-503", "50", "--fault-seed", "7", NULL};
    char a[25], b[25];
    restart(args);
    dice(a);
    restart(args);
    dice(b);
    print_message("--fault-503 50 --fault-seed 7: %s\n", a);
    assert_string_equal(a, b);
    int n503 = 0;
    for (int i = 0; i < 24; i++)
        n503 += a[i] == '5';
    if (n503 < 3 || n503 > 21)
        fail_msg("--fault-503 50: %d of 24 requests failed", n503);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_inject_no_faults),
        cmocka_unit_test(fault_503_100_is_temporarily_unavailable_with_retry_after),
        cmocka_unit_test(fault_429_100_is_too_many_requests_with_retry_after),
        cmocka_unit_test(fault_drop_100_closes_without_response),
        cmocka_unit_test(fault_hang_500_delays_each_response_500ms),
        cmocka_unit_test(fault_hang_pct_0_does_not_delay),
        cmocka_unit_test(fault_path_limits_injection_to_that_prefix),
        cmocka_unit_test(fault_503_50_with_a_seed_is_reproducible),
    };
    return cmocka_run_group_tests_name("integration: faults", tests, h_group_setup,
                                       h_group_teardown);
}
