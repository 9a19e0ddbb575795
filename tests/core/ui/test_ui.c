/* The approval UI (src/core/ui/): its texts, kind none (nothing on stderr, and
 * the code not in the log while it is valid), kind console (the Japanese block and the line scripts
 * read, then the outcome), and kind dialog where no dialog exists (linux):
 * the console fallback. Runs natively and under Wine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <io.h>
#define dup   _dup
#define dup2  _dup2
#define close _close
#else
#include <unistd.h>
#endif

#include "base/log/log.h"
#include "core/ui/ui.h"
#include "core/ui/ui_internal.h"

static const ui_request REQ = {
    .approval_code = "4821",
    .expires_in_s = 120,
    .description = "winword.exe: 契約書.pdf",
    .program = "winword.exe",
    .subject = "CN=山田 太郎,O=株式会社テスト商事",
    .num_hashes = 1,
};

/* ---- stderr capture ------------------------------------------------------------ */

static char cap_path[256];
static int saved_fd = -1;

static void capture_begin(void)
{
    snprintf(cap_path, sizeof cap_path, "test_ui_stderr_%d.txt", rand());
    fflush(stderr);
    saved_fd = dup(2);
    assert_true(saved_fd >= 0);
    FILE *f = freopen(cap_path, "wb", stderr);
    assert_non_null(f);
}

/* What was written to stderr since capture_begin (malloc'ed). */
static char *capture_end(void)
{
    fflush(stderr);
    assert_true(dup2(saved_fd, 2) != -1);
    close(saved_fd);
    saved_fd = -1;
    FILE *f = fopen(cap_path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 65536);
    assert_non_null(buf);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    remove(cap_path);
    return buf;
}

/* ---- texts ------------------------------------------------------------------------ */

static void console_text_has_code_what_program_subject_time_and_machine_line(void **state)
{
    (void)state;
    char buf[2048];
    size_t need = ui_console_text(&REQ, buf, sizeof buf);
    assert_int_equal(need, strlen(buf));
    assert_non_null(strstr(buf, "承認コード:  4821"));
    assert_non_null(strstr(buf, "署名する内容: winword.exe: 契約書.pdf"));
    assert_non_null(strstr(buf, "要求元プログラム: winword.exe"));
    assert_non_null(strstr(buf, "証明書: 山田 太郎 (株式会社テスト商事)\n")); /* not the DN */
    assert_non_null(strstr(buf, "残り 120 秒"));
    assert_non_null(strstr(buf, "gBizID"));
    /* the machine-readable line is the last one */
    const char *line = strstr(buf, "\nCRPKI-APPROVAL-CODE: 4821\n");
    assert_non_null(line);
    assert_int_equal(line[strlen("\nCRPKI-APPROVAL-CODE: 4821\n")], '\0');
}

/* The full path, when known, so a look-alike name in another
 * folder cannot pass for the real program. */
static void console_text_shows_the_programs_full_path(void **state)
{
    (void)state;
    ui_request r = REQ;
    r.program_path = "C:\\Program Files\\会計ソフト\\winword.exe";
    char buf[2048];
    ui_console_text(&r, buf, sizeof buf);
    assert_non_null(strstr(buf, "要求元プログラム: C:\\Program Files\\会計ソフト\\winword.exe\n"));
}

static void console_text_truncates_safely_and_reports_the_length_needed(void **state)
{
    (void)state;
    char full[2048], small[16];
    size_t need = ui_console_text(&REQ, full, sizeof full);
    assert_int_equal(ui_console_text(&REQ, small, sizeof small), need);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_int_equal(ui_console_text(&REQ, NULL, 0), need);
}

static void console_text_leaves_out_what_is_unknown(void **state)
{
    (void)state;
    ui_request r = {.approval_code = "0007", .expires_in_s = 5, .num_hashes = 3};
    char buf[2048];
    ui_console_text(&r, buf, sizeof buf);
    assert_null(strstr(buf, "署名する内容:"));
    assert_null(strstr(buf, "要求元プログラム:"));
    assert_null(strstr(buf, "  証明書:"));
    assert_non_null(strstr(buf, "署名の数: 3"));
    assert_non_null(strstr(buf, "CRPKI-APPROVAL-CODE: 0007\n"));
}

static void countdown_and_outcome_texts(void **state)
{
    (void)state;
    char buf[256];
    ui_countdown_text(119, buf, sizeof buf);
    assert_string_equal(buf, "有効期限: 残り 1:59");
    ui_countdown_text(5, buf, sizeof buf);
    assert_string_equal(buf, "有効期限: 残り 0:05");
    ui_countdown_text(0, buf, sizeof buf);
    assert_string_equal(buf, "承認の期限が切れました");
    ui_outcome_text(CRPKI_OK, buf, sizeof buf);
    assert_string_equal(buf, "署名しました。\n");
    ui_outcome_text(CRPKI_E_DENIED, buf, sizeof buf);
    assert_non_null(strstr(buf, "署名されませんでした: "));
    assert_non_null(strstr(buf, crpki_strerror_ja(CRPKI_E_DENIED)));
    ui_label_text("証明書", NULL, buf, sizeof buf);
    assert_string_equal(buf, "");
    ui_label_text("証明書", "CN=x", buf, sizeof buf);
    assert_string_equal(buf, "証明書: CN=x");
}

/* ---- kinds ------------------------------------------------------------------------ */

static void none_shows_nothing_and_returns_no_handle(void **state)
{
    (void)state;
    ui_handle *ui = (ui_handle *)(uintptr_t)1;
    capture_begin();
    crpki_err e = ui_show(CRPKI_UI_NONE, &REQ, NULL, &ui);
    ui_close(ui, CRPKI_OK);
    char *out = capture_end();
    assert_int_equal(e, CRPKI_OK);
    assert_null(ui);
    assert_string_equal(out, "");
    free(out);
}

/* The code is a credential while the request is open: the log says that a
 * code was shown, not which. */
static void the_code_is_not_logged_while_it_is_shown(void **state)
{
    (void)state;
    char home[64];
    char path[128];
    snprintf(home, sizeof home, "test_ui_home_%d", rand());
    snprintf(path, sizeof path, "%s/crpki.log", home);
    remove(path); /* a log an earlier run left */
    log_open(home, CRPKI_LOG_DEBUG);
    ui_handle *ui = NULL;
    capture_begin();
    assert_int_equal(ui_show(CRPKI_UI_NONE, &REQ, NULL, &ui), CRPKI_OK);
    assert_int_equal(ui_show(CRPKI_UI_CONSOLE, &REQ, NULL, &ui), CRPKI_OK);
    ui_close(ui, CRPKI_OK);
    free(capture_end());
    log_close();
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *log = calloc(1, 65536);
    assert_non_null(log);
    size_t n = fread(log, 1, 65535, f);
    fclose(f);
    log[n] = '\0';
    if (!strstr(log, "approval requested") || !strstr(log, "code shown as console"))
        fail_msg("the log does not say that a code was shown: %s", log);
    if (strstr(log, REQ.approval_code))
        fail_msg("the approval code %s is in the log: %s", REQ.approval_code, log);
    free(log);
    remove(path);
    remove(home); /* the empty directory (POSIX) */
}

static void console_writes_the_block_then_the_outcome(void **state)
{
    (void)state;
    ui_handle *ui = NULL;
    capture_begin();
    crpki_err e = ui_show(CRPKI_UI_CONSOLE, &REQ, NULL, &ui);
    ui_close(ui, CRPKI_E_APPROVAL_EXPIRED);
    char *out = capture_end();
    assert_int_equal(e, CRPKI_OK);
    assert_non_null(ui);
    const char *line = strstr(out, "CRPKI-APPROVAL-CODE: 4821\n");
    assert_non_null(line);
    const char *end = strstr(out, "署名されませんでした: ");
    assert_non_null(end);
    assert_true(end > line);
    free(out);
}

static void bad_arguments_are_refused(void **state)
{
    (void)state;
    ui_handle *ui;
    ui_request r = REQ;
    r.approval_code = NULL;
    assert_int_equal(ui_show(CRPKI_UI_CONSOLE, &r, NULL, &ui), CRPKI_E_INVALID_ARG);
    assert_null(ui);
    assert_int_equal(ui_show(CRPKI_UI_CONSOLE, NULL, NULL, &ui), CRPKI_E_INVALID_ARG);
    assert_int_equal(ui_show(CRPKI_UI_CONSOLE, &REQ, NULL, NULL), CRPKI_E_INVALID_ARG);
    ui_close(NULL, CRPKI_OK);
}

#ifndef _WIN32
static void dialog_without_windows_falls_back_to_the_console(void **state)
{
    (void)state;
    ui_handle *ui = NULL;
    capture_begin();
    crpki_err e = ui_show(CRPKI_UI_DIALOG, &REQ, NULL, &ui);
    ui_close(ui, CRPKI_OK);
    char *out = capture_end();
    assert_int_equal(e, CRPKI_OK);
    assert_non_null(strstr(out, "CRPKI-APPROVAL-CODE: 4821\n"));
    assert_non_null(strstr(out, "署名しました。"));
    free(out);
}
#endif

/* ---- when a signature cannot go through ---------------------------------------- */

static void recovery_console_line_names_the_cause_and_the_fix(void **state)
{
    (void)state;
    static const struct {
        crpki_err cause;
        const char *what, *command;
    } rows[] = {
        {CRPKI_E_NOT_LOGGED_IN, "ログインの有効期限が切れた", "crpki-mgmt login"},
        {CRPKI_E_UNAUTHORIZED, "ログインを受け付けません", "crpki-mgmt login"},
        {CRPKI_E_NETWORK, "接続できません", "crpki-mgmt status"},
        {CRPKI_E_PROXY, "プロキシサーバー", "crpki-mgmt proxy show"},
        {CRPKI_E_TLS, "TLS", "crpki-mgmt status"},
        {CRPKI_E_TIMEOUT, "時間内に応答", "crpki-mgmt status"},
        {CRPKI_E_BUSY, "混み合って", "crpki-mgmt status"},
        {CRPKI_E_SERVICE, "エラーが発生", "crpki-mgmt status"},
        {CRPKI_E_UNKNOWN_CREDENTIAL, "使えなくなって", "crpki-mgmt use"},
        {CRPKI_E_BAD_CERT, "有効期間外", "crpki-mgmt use"},
    };
    char line[1024];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_true(ui_recovery_applies(rows[i].cause));
        size_t n = ui_recovery_console_line(rows[i].cause, line, sizeof line);
        assert_int_equal(n, strlen(line));
        if (!strstr(line, rows[i].what) || !strstr(line, rows[i].command))
            fail_msg("%s: %s", crpki_err_name(rows[i].cause), line);
        /* one line */
        assert_int_equal(strchr(line, '\n') - line, (long)strlen(line) - 1);
    }
    /* what the person cannot fix: the error's own text, no offer */
    const crpki_err others[] = {CRPKI_E_DENIED, CRPKI_E_CANCELLED, CRPKI_E_BAD_SIGNATURE,
                                CRPKI_E_SILENT, CRPKI_E_INTERNAL};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        assert_false(ui_recovery_applies(others[i]));
        ui_recovery_text t;
        assert_int_equal(ui_recovery_texts(others[i], &t), -1);
    }
    /* cut to the buffer, always terminated */
    size_t need = ui_recovery_console_line(CRPKI_E_NOT_LOGGED_IN, line, 10);
    assert_true(need > 10);
    assert_true(strlen(line) < 10);
}

static void recovery_on_the_console_is_one_line_and_no_choice(void **state)
{
    (void)state;
    ui_recovery_request rq = {.cause = CRPKI_E_NOT_LOGGED_IN};
    ui_recovery *r = (ui_recovery *)&rq; /* must be replaced */
    capture_begin();
    ui_recovery_open(CRPKI_UI_CONSOLE, &rq, &r);
    char *out = capture_end();
    assert_null(r); /* nothing to wait on: the sign call fails as it came */
    assert_non_null(strstr(out, "署名できません: "));
    assert_non_null(strstr(out, "crpki-mgmt login"));
    free(out);
    r = (ui_recovery *)&rq;
    capture_begin();
    ui_recovery_open(CRPKI_UI_NONE, &rq, &r);
    out = capture_end();
    assert_null(r);
    assert_string_equal(out, "");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(console_text_has_code_what_program_subject_time_and_machine_line),
        cmocka_unit_test(console_text_shows_the_programs_full_path),
        cmocka_unit_test(console_text_truncates_safely_and_reports_the_length_needed),
        cmocka_unit_test(console_text_leaves_out_what_is_unknown),
        cmocka_unit_test(countdown_and_outcome_texts),
        cmocka_unit_test(none_shows_nothing_and_returns_no_handle),
        cmocka_unit_test(console_writes_the_block_then_the_outcome),
        cmocka_unit_test(bad_arguments_are_refused),
        cmocka_unit_test(the_code_is_not_logged_while_it_is_shown),
        cmocka_unit_test(recovery_console_line_names_the_cause_and_the_fix),
        cmocka_unit_test(recovery_on_the_console_is_one_line_and_no_choice),
#ifndef _WIN32
        cmocka_unit_test(dialog_without_windows_falls_back_to_the_console),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
