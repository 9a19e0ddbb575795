/* The signing record (core/history): what is written reads back,
 * a broken line hides nothing, rotation keeps the newest records, and eight
 * processes appending at once leave every record whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_fs.h"
#include "core/history/history.h"
#include "testutil.h"

#define CHILDREN  8
#define PER_CHILD 50

static char *g_home;

static int setup(void **state)
{
    (void)state;
    g_home = tu_tempdir("history");
    history_set_max_bytes(0);
    return g_home ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(g_home);
    free(g_home);
    return 0;
}

static const uint8_t D1[32] = {0xde, 0xad, 0xbe, 0xef};

static history_record rec(int64_t t, crpki_err outcome, const char *what)
{
    static const uint8_t *const digests[1] = {D1};
    history_record r = {
        .time_ms = t,
        .program = "C:\\Program Files\\会計ソフト\\kaikei.exe",
        .what = what,
        .credential = "cred-rsa2048",
        .subject = "CN=山田 太郎,O=株式会社テスト商事",
        .algorithm = "RSA-PKCS1-SHA256",
        .digests = digests,
        .ndigests = 1,
        .digest_len = 32,
        .approval_code = outcome == CRPKI_E_SILENT ? NULL : "0427",
        .outcome = outcome,
        .duration_ms = 2100,
    };
    return r;
}

static const char *s_of(const history_entry *e, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e->json, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void records_read_back_with_every_field(void **state)
{
    (void)state;
    crpki_error_info ei;
    const crpki_err outcomes[] = {CRPKI_OK,          CRPKI_E_DENIED,  CRPKI_E_APPROVAL_EXPIRED,
                                  CRPKI_E_CANCELLED, CRPKI_E_SERVICE, CRPKI_E_SILENT};
    const char *const names[] = {"signed", "denied", "expired", "cancelled", "error", "error"};
    for (int i = 0; i < 6; i++) {
        history_record r = rec(1764840600000 + i * 1000, outcomes[i], "契約書.pdf");
        assert_int_equal(history_append(g_home, &r, &ei), CRPKI_OK);
    }
    history_list l;
    assert_int_equal(history_read(g_home, 0, &l, &ei), CRPKI_OK);
    assert_int_equal(l.n, 6);
    assert_int_equal(l.broken, 0);
    for (int i = 0; i < 6; i++) {
        assert_string_equal(s_of(&l.v[i], "outcome"), names[i]);
        assert_int_equal(l.v[i].time_ms, 1764840600000 + i * 1000);
    }
    const history_entry *e = &l.v[0];
    assert_string_equal(s_of(e, "time_utc"), "2025-12-04T09:30:00.000Z");
    assert_non_null(s_of(e, "time_local"));
    assert_string_equal(s_of(e, "program"), "C:\\Program Files\\会計ソフト\\kaikei.exe");
    assert_string_equal(s_of(e, "what"), "契約書.pdf");
    assert_string_equal(s_of(e, "credential"), "cred-rsa2048");
    assert_string_equal(s_of(e, "subject"), "CN=山田 太郎,O=株式会社テスト商事");
    assert_string_equal(s_of(e, "algorithm"), "RSA-PKCS1-SHA256");
    assert_string_equal(s_of(e, "approval_code"), "0427");
    assert_string_equal(s_of(e, "code"), "CRPKI_OK");
    const cJSON *dg = cJSON_GetObjectItemCaseSensitive(e->json, "digests");
    assert_int_equal(cJSON_GetArraySize(dg), 1);
    assert_string_equal(cJSON_GetArrayItem(dg, 0)->valuestring,
                        "deadbeef00000000000000000000000000000000000000000000000000000000");
    assert_string_equal(s_of(&l.v[4], "code"), "CRPKI_E_SERVICE");
    assert_string_equal(s_of(&l.v[5], "approval_code"), "");
    history_list_free(&l);
    /* since: the later ones only */
    assert_int_equal(history_read(g_home, 1764840600000 + 4000, &l, &ei), CRPKI_OK);
    assert_int_equal(l.n, 2);
    history_list_free(&l);
}

static void a_broken_line_hides_nothing(void **state)
{
    (void)state;
    crpki_error_info ei;
    history_record r = rec(1000, CRPKI_OK, "a");
    assert_int_equal(history_append(g_home, &r, &ei), CRPKI_OK);
    /* a crash mid-line, garbage, an empty line, a JSON that is no record */
    char *path = plat_path_join(g_home, HISTORY_FILE);
    size_t n = 0;
    char *old = tu_read(path, &n);
    char *bad = malloc(n + 200);
    memcpy(bad, old, n);
    strcpy(bad + n, "{\"v\":1,\"time_ms\":2000,\"outc\n\xff\xfe garbage\n\n[1,2]\n");
    assert_int_equal(tu_write(path, bad, strlen(bad)), 0);
    r = rec(3000, CRPKI_E_DENIED, "b");
    assert_int_equal(history_append(g_home, &r, &ei), CRPKI_OK);
    history_list l;
    assert_int_equal(history_read(g_home, 0, &l, &ei), CRPKI_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.broken, 3);
    assert_string_equal(s_of(&l.v[1], "outcome"), "denied");
    history_list_free(&l);
    free(old);
    free(bad);
    free(path);
}

/* Issue 28 N6: a time no clock gives is a broken line, never an
 * out-of-range conversion (UBSan: float-cast-overflow). */
static void an_impossible_time_is_a_broken_line(void **state)
{
    (void)state;
    crpki_error_info ei;
    char *path = plat_path_join(g_home, HISTORY_FILE);
    const char *text = "{\"v\":1,\"time_ms\":1e300,\"outcome\":\"signed\"}\n"
                       "{\"v\":1,\"time_ms\":-1e300,\"outcome\":\"signed\"}\n"
                       "{\"v\":1,\"time_ms\":9.3e18,\"outcome\":\"signed\"}\n"
                       "{\"v\":1,\"time_ms\":1000,\"outcome\":\"signed\"}\n";
    assert_int_equal(tu_write(path, text, strlen(text)), 0);
    history_list l;
    assert_int_equal(history_read(g_home, 0, &l, &ei), CRPKI_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.broken, 3);
    assert_int_equal(l.v[0].time_ms, 1000);
    history_list_free(&l);
    free(path);
}

/* Issue 28 N4: the caller's text is stored as a person is shown it: a line
 * break cannot forge another record in a listing, an escape cannot reach a
 * terminal, a bidi override cannot turn the text around. */
static void the_callers_text_is_stored_cleaned(void **state)
{
    (void)state;
    crpki_error_info ei;
    history_record r = rec(5000, CRPKI_E_DENIED,
                           "a.pdf\n2026-12-07 12:00:00  署名済み\x1b[2J\x1b]0;x\x07"
                           "\xe2\x80\xae"
                           "fdp.exe");
    r.program = "C:\\evil\r\nkaikei.exe";
    assert_int_equal(history_append(g_home, &r, &ei), CRPKI_OK);
    history_list l;
    assert_int_equal(history_read(g_home, 0, &l, &ei), CRPKI_OK);
    assert_int_equal(l.n, 1);
    const char *what = s_of(&l.v[0], "what"), *prog = s_of(&l.v[0], "program");
    assert_null(strpbrk(what, "\n\r\x1b\x07"));
    assert_null(strstr(what, "\xe2\x80\xae"));
    assert_string_equal(what, "a.pdf 2026-12-07 12:00:00 署名済み [2J ]0;x fdp.exe");
    assert_string_equal(prog, "C:\\evil kaikei.exe");
    history_list_free(&l);
}

static void rotation_keeps_the_newest(void **state)
{
    (void)state;
    history_set_max_bytes(4096);
    crpki_error_info ei;
    for (int i = 0; i < 200; i++) {
        history_record r = rec(i, CRPKI_OK, "rotated");
        assert_int_equal(history_append(g_home, &r, &ei), CRPKI_OK);
    }
    history_list l;
    assert_int_equal(history_read(g_home, 0, &l, &ei), CRPKI_OK);
    print_message("      200 records, 4 KiB files: %lu kept\n", (unsigned long)l.n);
    assert_true(l.n > 0 && l.n < 200);
    /* the newest are there, in order, without a gap at the end */
    for (size_t k = 0; k < l.n; k++)
        assert_int_equal(l.v[k].time_ms, 200 - (int64_t)l.n + (int64_t)k);
    history_list_free(&l);
    char *path = plat_path_join(g_home, HISTORY_FILE);
    size_t n = 0;
    char *text = tu_read(path, &n);
    assert_true(n < 4096 + 1024);
    free(text);
    free(path);
    history_set_max_bytes(0);
}

#define SMALL_MAX 700

int tu_child_main(const char *role, const char *arg)
{
    if (strcmp(role, "append-small") == 0) /* a file moved on every few records */
        history_set_max_bytes(SMALL_MAX);
    else if (strcmp(role, "append") != 0)
        return 2;
    crpki_error_info ei;
    for (int i = 0; i < PER_CHILD; i++) {
        history_record r = rec(1000 + i, CRPKI_OK, "並行して書き込む記録 concurrent record");
        if (history_append(arg, &r, &ei) != CRPKI_OK)
            return 1;
    }
    return 0;
}

/* Issue 28 N9: processes that find the file full at once move it on once:
 * the previous generation is always a full one, never a fresh file another
 * process moved over it. */
static void processes_moving_the_file_on_at_once_keep_a_full_generation(void **state)
{
    (void)state;
    tu_proc *p[CHILDREN];
    for (int i = 0; i < CHILDREN; i++)
        assert_non_null(p[i] = tu_spawn("append-small", g_home));
    for (int i = 0; i < CHILDREN; i++)
        assert_int_equal(tu_wait(p[i]), 0);
    char *old = plat_path_join(g_home, HISTORY_OLD_FILE);
    plat_stamp st;
    assert_int_equal(plat_file_stamp(old, &st), 1);
    if (st.v[2] < SMALL_MAX)
        fail_msg("the previous generation holds %llu bytes, under the %d it moved on at",
                 (unsigned long long)st.v[2], SMALL_MAX);
    free(old);
    history_list l;
    crpki_error_info ei;
    assert_int_equal(history_read(g_home, 0, &l, &ei), CRPKI_OK);
    assert_int_equal(l.broken, 0);
    history_list_free(&l);
}

static void eight_processes_appending_leave_every_record_whole(void **state)
{
    (void)state;
    tu_proc *p[CHILDREN];
    for (int i = 0; i < CHILDREN; i++)
        assert_non_null(p[i] = tu_spawn("append", g_home));
    for (int i = 0; i < CHILDREN; i++)
        assert_int_equal(tu_wait(p[i]), 0);
    history_list l;
    crpki_error_info ei;
    assert_int_equal(history_read(g_home, 0, &l, &ei), CRPKI_OK);
    assert_int_equal(l.n, CHILDREN * PER_CHILD);
    assert_int_equal(l.broken, 0);
    history_list_free(&l);
}

int main(int argc, char **argv)
{
    int child = tu_child_dispatch(argc, argv);
    if (child >= 0)
        return child;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(records_read_back_with_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(a_broken_line_hides_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(an_impossible_time_is_a_broken_line, setup, teardown),
        cmocka_unit_test_setup_teardown(the_callers_text_is_stored_cleaned, setup, teardown),
        cmocka_unit_test_setup_teardown(rotation_keeps_the_newest, setup, teardown),
        cmocka_unit_test_setup_teardown(processes_moving_the_file_on_at_once_keep_a_full_generation,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(eight_processes_appending_leave_every_record_whole, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
