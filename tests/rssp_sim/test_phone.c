/* `crpki-rsspd serve --phone FILE` (phone.h): the file's grammar, the option,
 * and the simulated app acting on real approvals through
 * rsspd_service_handle: approve/deny after a delay, ignore, nothing, a
 * change of the file applying to the next request, and FILE.log. */
#define _POSIX_C_SOURCE 200809L

#include "test_svc_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phone.h"
#include "serve.h"

static char at1[64];
static char phone_file[4096], phone_log[4096];

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_phone(const char *text)
{
    if (!text) {
        remove(phone_file);
        return;
    }
    FILE *f = fopen(phone_file, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Line i (0-based) of FILE.log into buf; 0, or -1 when there is none. */
static int log_line(int i, char *buf, size_t n)
{
    FILE *f = fopen(phone_log, "rb");
    if (!f)
        return -1;
    int r = -1;
    for (int k = 0; fgets(buf, (int)n, f); k++)
        if (k == i) {
            buf[strcspn(buf, "\n")] = '\0';
            r = 0;
            break;
        }
    fclose(f);
    return r;
}

static int phone_setup(void **state)
{
    (void)state;
    snprintf(phone_file, sizeof phone_file, "%s/phone", tsf_dir);
    snprintf(phone_log, sizeof phone_log, "%s/phone.log", tsf_dir);
    remove(phone_file);
    remove(phone_log);
    rsspd_options o;
    rsspd_options_default(&o);
    o.base_url = "https://localhost:4443";
    o.phone_file = phone_file;
    if (tsf_setup_opts(&o) != 0)
        return -1;
    tsf_login("user1", at1, NULL);
    return 0;
}

static void check(long wait, const char *handle, tsf_resp *r)
{
    char body[256];
    snprintf(body, sizeof body, "{\"handle\":\"%s\",\"wait\":%ld}", handle, wait);
    tsf_post_json("/csc/v2/credentials/authorizeCheck", at1, body, r);
}

static const char *rsa2048(void)
{
    return tsf_cred("user1", CRPKI_KEY_RSA, 2048)->id;
}

static void authorize(char handle[64], char code[5])
{
    uint8_t d[32];
    tsf_random(d, sizeof d);
    tsf_authorize(at1, rsa2048(), SHA256_OID, d, 1, 32, handle, code);
}

/* ---- the file's grammar --------------------------------------------------------- */

static void parse_accepts_the_documented_lines(void **state)
{
    (void)state;
    phone_action a = phone_parse("approve 1500\n");
    assert_int_equal(a.kind, PHONE_APPROVE);
    assert_int_equal(a.ms, 1500);
    a = phone_parse("  deny 0  ");
    assert_int_equal(a.kind, PHONE_DENY);
    assert_int_equal(a.ms, 0);
    assert_int_equal(phone_parse("ignore\r\n").kind, PHONE_IGNORE);
    assert_int_equal(phone_parse("approve 3600000").ms, 3600000);
    assert_int_equal(phone_parse(NULL).kind, PHONE_NONE);
    assert_int_equal(phone_parse("").kind, PHONE_NONE);
    assert_int_equal(phone_parse(" \n").kind, PHONE_NONE);
}

static void parse_refuses_anything_else_as_invalid(void **state)
{
    (void)state;
    const char *bad[] = {"approve",     "approve x", "approve 3600001", "approve -1",
                         "deny 1 2",    "ignore 5",  "Approve 10",      "approve 10\nsecond",
                         "approve 1e3", "sure",      "approve99999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (phone_parse(bad[i]).kind != PHONE_INVALID)
            fail_msg("'%s' should be invalid", bad[i]);
    assert_string_equal(phone_kind_name(PHONE_APPROVE), "approve");
    assert_string_equal(phone_kind_name(PHONE_NONE), "none");
}

static void serve_option_phone_sets_the_file_and_refuses_empty(void **state)
{
    (void)state;
    rsspd_serve_args a;
    char err[256];
    char *argv[] = {"serve", "--dir", "d", "--phone", "/tmp/p"};
    assert_int_equal(rsspd_serve_parse(5, argv, &a, err, sizeof err), 0);
    assert_string_equal(a.opt.phone_file, "/tmp/p");
    char *argv2[] = {"serve", "--dir", "d", "--phone="};
    assert_int_equal(rsspd_serve_parse(4, argv2, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "--phone"));
    char *argv3[] = {"serve", "--dir", "d"};
    assert_int_equal(rsspd_serve_parse(3, argv3, &a, err, sizeof err), 0);
    assert_null(a.opt.phone_file);
}

/* ---- the app acting on approvals -------------------------------------------------- */

static void approve_ms_approves_that_long_after_authorize_and_logs(void **state)
{
    (void)state;
    write_phone("approve 400\n");
    char handle[64], code[5], sad[64];
    double t0 = mono_s();
    authorize(handle, code);
    char line[512];
    assert_int_equal(log_line(0, line, sizeof line), 0); /* written before the answer */
    char want[256];
    snprintf(want, sizeof want, "%s %s 1 approve 請求書.pdf", code, rsa2048());
    assert_string_equal(line, want);
    tsf_resp r;
    check(0, handle, &r);
    assert_int_equal(r.r.status, 202); /* not yet */
    tsf_resp_free(&r);
    tsf_get_sad(at1, handle, 10, sad);
    double dt = mono_s() - t0;
    assert_true(dt >= 0.35);
    assert_true(dt < 8.0); /* not the 10 s hold's end; room for a busy machine */
}

static void deny_ms_denies(void **state)
{
    (void)state;
    write_phone("deny 100");
    char handle[64], code[5];
    authorize(handle, code);
    tsf_resp r;
    check(10, handle, &r);
    tsf_expect_error(&r, 400, "access_denied", NULL);
    char line[512];
    assert_int_equal(log_line(0, line, sizeof line), 0);
    assert_non_null(strstr(line, " 1 deny "));
}

static void ignore_and_absent_leave_the_request_pending(void **state)
{
    (void)state;
    write_phone("ignore\n");
    char handle[64], code[5];
    authorize(handle, code);
    tsf_resp r;
    check(1, handle, &r);
    assert_int_equal(r.r.status, 202);
    tsf_resp_free(&r);
    write_phone(NULL);
    char handle2[64], code2[5];
    authorize(handle2, code2);
    check(1, handle2, &r);
    assert_int_equal(r.r.status, 202);
    tsf_resp_free(&r);
    /* the app of `crpki-rsspd approve` still works */
    assert_int_equal(tsf_admin("approve", code2), 0);
    char sad[64];
    tsf_get_sad(at1, handle2, 0, sad);
    char line[512];
    assert_int_equal(log_line(0, line, sizeof line), 0);
    assert_non_null(strstr(line, " 1 ignore "));
    assert_int_equal(log_line(1, line, sizeof line), 0);
    assert_non_null(strstr(line, " 1 none "));
    assert_int_equal(strncmp(line, code2, 4), 0);
}

static void a_changed_file_applies_to_the_next_request(void **state)
{
    (void)state;
    write_phone("deny 0\n");
    char handle[64], code[5], sad[64];
    authorize(handle, code);
    write_phone("approve 0\n");
    char handle2[64], code2[5];
    authorize(handle2, code2);
    tsf_resp r;
    check(10, handle, &r);
    tsf_expect_error(&r, 400, "access_denied", NULL);
    tsf_get_sad(at1, handle2, 10, sad);
    write_phone("nonsense\n");
    char handle3[64], code3[5];
    authorize(handle3, code3);
    char line[512];
    assert_int_equal(log_line(2, line, sizeof line), 0);
    assert_non_null(strstr(line, " 1 invalid "));
    assert_int_equal(log_line(3, line, sizeof line), -1);
}

static void close_with_a_decision_pending_drops_it(void **state)
{
    write_phone("approve 60000\n");
    char handle[64], code[5];
    authorize(handle, code);
    double t0 = mono_s();
    tsf_teardown(state); /* joins the phone's thread at once */
    assert_true(mono_s() - t0 < 2.0);
    assert_int_equal(phone_setup(state), 0);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(parse_accepts_the_documented_lines),
        cmocka_unit_test(parse_refuses_anything_else_as_invalid),
        cmocka_unit_test(serve_option_phone_sets_the_file_and_refuses_empty),
    };
#define T(f) cmocka_unit_test_setup_teardown(f, phone_setup, tsf_teardown)
    const struct CMUnitTest svc[] = {
        T(approve_ms_approves_that_long_after_authorize_and_logs),
        T(deny_ms_denies),
        T(ignore_and_absent_leave_the_request_pending),
        T(a_changed_file_applies_to_the_next_request),
        T(close_with_a_decision_pending_drops_it),
    };
    int rc = cmocka_run_group_tests_name("phone_parse", pure, NULL, NULL);
    return rc | cmocka_run_group_tests_name("phone", svc, tsf_group_setup, tsf_group_teardown);
}
