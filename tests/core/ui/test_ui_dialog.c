/* The approval dialog (src/core/ui/ui_dialog_win.c) under Wine with a display
 * (xvfb-run): it is a real window of its class with the code, what is
 * signed and the program in it, its countdown ticks, キャンセル (BM_CLICK)
 * and the title bar's close trigger the sign call's cancel, ui_close
 * takes it down and joins its thread. Windows only. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "crpki/rssp_client.h"
#include "core/ui/ui.h"
#include "core/ui/ui_internal.h"
#include "hostile_text.h"
#include "testutil.h"

static const ui_request REQ = {
    .approval_code = "4821",
    .expires_in_s = 90,
    .description = "test_ui_dialog.exe: 契約書.pdf",
    .program = "test_ui_dialog.exe",
    .program_path = "C:\\Program Files\\会計ソフト\\test_ui_dialog.exe",
    .subject = "CN=山田 太郎,O=株式会社テスト商事,C=JP",
    .num_hashes = 1,
};

/* This process's dialog: FindWindowW would also find another test
 * program's (one Wine desktop for every test of the prefix). */
static BOOL CALLBACK own_one(HWND h, LPARAM lp)
{
    DWORD pid = 0;
    wchar_t cls[64];
    GetWindowThreadProcessId(h, &pid);
    if (pid == GetCurrentProcessId() && GetClassNameW(h, cls, 64) &&
        wcscmp(cls, CRPKI_UI_DIALOG_CLASS) == 0) {
        *(HWND *)lp = h;
        return FALSE;
    }
    return TRUE;
}

static HWND own_dialog(void)
{
    HWND h = NULL;
    EnumWindows(own_one, (LPARAM)&h);
    return h;
}

static HWND find_dialog(void)
{
    for (int i = 0; i < 50; i++) {
        HWND h = own_dialog();
        if (h)
            return h;
        Sleep(20);
    }
    return NULL;
}

static void text_of(HWND dlg, int id, char *buf, size_t n)
{
    wchar_t w[512];
    w[0] = 0;
    GetDlgItemTextW(dlg, id, w, 512);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)n, NULL, NULL);
}

/* CRPKI_UI_SNAPSHOT=FILE.bmp: the dialog as the screen shows it, for a
 * person to look at (24-bit BMP of the window's rectangle). */
static void snapshot(HWND h)
{
    const char *path = getenv("CRPKI_UI_SNAPSHOT");
    if (!path)
        return;
    RedrawWindow(h, NULL, NULL, RDW_INVALIDATE | RDW_UPDATENOW | RDW_ALLCHILDREN);
    Sleep(300);
    RECT r;
    GetWindowRect(h, &r);
    int w = r.right - r.left, ht = r.bottom - r.top;
    HDC screen = GetDC(NULL), mem = CreateCompatibleDC(screen);
    BITMAPINFO bi = {{sizeof(BITMAPINFOHEADER), w, ht, 1, 24, BI_RGB, 0, 0, 0, 0, 0}, {{0}}};
    void *bits = NULL;
    HBITMAP bmp = CreateDIBSection(screen, &bi, DIB_RGB_COLORS, &bits, NULL, 0);
    HGDIOBJ old = SelectObject(mem, bmp);
    BitBlt(mem, 0, 0, w, ht, screen, r.left, r.top, SRCCOPY);
    SelectObject(mem, old);
    DWORD stride = ((DWORD)w * 3 + 3) & ~3u, size = stride * (DWORD)ht;
    BITMAPFILEHEADER fh = {0x4D42, (DWORD)(sizeof fh + sizeof bi.bmiHeader) + size, 0, 0,
                           (DWORD)(sizeof fh + sizeof bi.bmiHeader)};
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(&fh, sizeof fh, 1, f);
        fwrite(&bi.bmiHeader, sizeof bi.bmiHeader, 1, f);
        fwrite(bits, size, 1, f);
        fclose(f);
    }
    DeleteObject(bmp);
    DeleteDC(mem);
    ReleaseDC(NULL, screen);
}

static int wait_cancel(rssp_cancel *c, DWORD ms)
{
    for (DWORD t = 0; t < ms; t += 10) {
        if (rssp_cancel_is_triggered(c))
            return 1;
        Sleep(10);
    }
    return rssp_cancel_is_triggered(c);
}

static void dialog_shows_code_what_program_and_counts_down(void **state)
{
    (void)state;
    rssp_cancel *c = rssp_cancel_new();
    ui_handle *ui = NULL;
    assert_int_equal(ui_show(CRPKI_UI_DIALOG, &REQ, c, &ui), CRPKI_OK);
    assert_non_null(ui);
    HWND h = find_dialog();
    if (!h)
        fail_msg("no CrpkiApprovalDialog window of this process");
    assert_true(IsWindowVisible(h));
    char buf[512];
    text_of(h, CRPKI_UI_ID_CODE, buf, sizeof buf);
    assert_string_equal(buf, "4821");
    text_of(h, CRPKI_UI_ID_WHAT, buf, sizeof buf);
    assert_string_equal(buf, "署名する内容: test_ui_dialog.exe: 契約書.pdf");
    text_of(h, CRPKI_UI_ID_PROGRAM, buf, sizeof buf);
    assert_string_equal(buf, "要求元プログラム: C:\\Program Files\\会計ソフト\\test_ui_dialog.exe");
    text_of(h, CRPKI_UI_ID_SUBJECT, buf, sizeof buf); /* whose, not the DN */
    assert_string_equal(buf, "証明書: 山田 太郎 (株式会社テスト商事)");
    text_of(h, CRPKI_UI_ID_CANCEL, buf, sizeof buf);
    assert_string_equal(buf, "キャンセル");
    /* the dialog's font has the Japanese it shows (not boxes) */
    HFONT font = (HFONT)SendDlgItemMessageW(h, CRPKI_UI_ID_PROGRAM, WM_GETFONT, 0, 0);
    assert_non_null(font);
    HDC dc = GetDC(h);
    HGDIOBJ old = SelectObject(dc, font);
    WORD glyphs[8];
    static const wchar_t JA[] = L"承認要求元プログラム";
    assert_int_equal(GetGlyphIndicesW(dc, JA, 8, glyphs, GGI_MARK_NONEXISTING_GLYPHS), 8);
    for (int i = 0; i < 8; i++)
        if (glyphs[i] == 0xFFFF)
            fail_msg("the dialog's font has no glyph for U+%04X", (unsigned)JA[i]);
    SelectObject(dc, old);
    ReleaseDC(h, dc);
    /* and none of its text, Latin letters and digits too, is a box: the
       face was chosen for all of it (ui_font_win.c) */
    char missing[1024];
    if (tu_window_missing_glyphs(h, NULL, missing, sizeof missing) != 0)
        fail_msg("the dialog draws boxes where letters should be: %s", missing);
    snapshot(h);
    wchar_t title[128];
    GetWindowTextW(h, title, 128);
    assert_true(wcsstr(title, L"承認") != NULL);
    char first[128], later[128];
    text_of(h, CRPKI_UI_ID_COUNTDOWN, first, sizeof first);
    assert_string_equal(first, "有効期限: 残り 1:30");
    Sleep(2300);
    text_of(h, CRPKI_UI_ID_COUNTDOWN, later, sizeof later);
    if (strcmp(later, "有効期限: 残り 1:28") != 0 && strcmp(later, "有効期限: 残り 1:27") != 0)
        fail_msg("countdown after 2.3 s: '%s'", later);
    assert_false(rssp_cancel_is_triggered(c));
    DWORD tid = GetWindowThreadProcessId(h, NULL);
    assert_true(tid != GetCurrentThreadId()); /* its own thread */
    ui_close(ui, CRPKI_OK);
    assert_false(IsWindow(h));
    assert_null(own_dialog());
    assert_false(rssp_cancel_is_triggered(c)); /* our close is not a cancel */
    rssp_cancel_free(c);
}

/* What a caller, the service or a DN puts in front of the representative
 * reads in the window as the one cleaning makes it (the same table as its
 * unit test): what is signed, the program, the holder; and the window opens
 * whatever the bytes (invalid UTF-8 once kept it from opening). */
static void hostile_text_reads_cleaned_in_the_window(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < HOSTILE_TEXT_COUNT; i++) {
        const hostile_text *t = &HOSTILE_TEXT[i];
        char dn[256], want[512], got[512];
        snprintf(dn, sizeof dn, "CN=%s,O=株式会社テスト商事,C=JP", t->in);
        ui_request r = REQ;
        r.description = t->in;
        r.program_path = t->in;
        r.subject = dn;
        rssp_cancel *c = rssp_cancel_new();
        ui_handle *ui = NULL;
        assert_int_equal(ui_show(CRPKI_UI_DIALOG, &r, c, &ui), CRPKI_OK);
        HWND h = find_dialog();
        if (!h)
            fail_msg("%s: no CrpkiApprovalDialog window of this process", t->name);
        static const struct {
            int id;
            const char *label, *fmt;
        } LINES[] = {{CRPKI_UI_ID_WHAT, "署名する内容", "%s: %s"},
                     {CRPKI_UI_ID_PROGRAM, "要求元プログラム", "%s: %s"},
                     {CRPKI_UI_ID_SUBJECT, "証明書", "%s: %s (株式会社テスト商事)"}};
        for (size_t j = 0; j < 3; j++) {
            if (t->want[0])
                snprintf(want, sizeof want, LINES[j].fmt, LINES[j].label, t->want);
            else if (LINES[j].id == CRPKI_UI_ID_SUBJECT)
                snprintf(want, sizeof want, "証明書: 株式会社テスト商事");
            else
                want[0] = '\0'; /* nothing left to show: no line */
            text_of(h, LINES[j].id, got, sizeof got);
            if (strcmp(got, want) != 0) {
                print_error("%s: %s reads \"%s\", want \"%s\"\n", t->name, LINES[j].label, got,
                            want);
                bad++;
            }
        }
        ui_close(ui, CRPKI_OK);
        rssp_cancel_free(c);
    }
    assert_int_equal(bad, 0);
}

/* Many documents under one approval: the dialog says how many. */
static void dialog_shows_the_count_of_many_documents(void **state)
{
    (void)state;
    ui_request r = REQ;
    r.num_hashes = 20;
    r.description = "crpki-mgmt.exe: 20 件: 請求書01.pdf, 請求書02.pdf, 請求書03.pdf, …";
    rssp_cancel *c = rssp_cancel_new();
    ui_handle *ui = NULL;
    assert_int_equal(ui_show(CRPKI_UI_DIALOG, &r, c, &ui), CRPKI_OK);
    HWND h = find_dialog();
    if (!h)
        fail_msg("no CrpkiApprovalDialog window of this process");
    char buf[512];
    text_of(h, CRPKI_UI_ID_WHAT, buf, sizeof buf);
    assert_string_equal(buf, "署名する内容 (20 件): crpki-mgmt.exe: 20 件: 請求書01.pdf, "
                             "請求書02.pdf, 請求書03.pdf, …");
    ui_close(ui, CRPKI_OK);
    rssp_cancel_free(c);
}

static void cancel_button_triggers_the_cancel(void **state)
{
    (void)state;
    rssp_cancel *c = rssp_cancel_new();
    ui_handle *ui = NULL;
    assert_int_equal(ui_show(CRPKI_UI_DIALOG, &REQ, c, &ui), CRPKI_OK);
    HWND h = find_dialog();
    assert_non_null(h);
    HWND button = GetDlgItem(h, CRPKI_UI_ID_CANCEL);
    assert_non_null(button);
    SendMessageW(button, BM_CLICK, 0, 0);
    if (!wait_cancel(c, 2000))
        fail_msg("BM_CLICK on キャンセル did not trigger the cancel");
    assert_false(IsWindowEnabled(button));
    char buf[128];
    text_of(h, CRPKI_UI_ID_COUNTDOWN, buf, sizeof buf);
    assert_string_equal(buf, CRPKI_UI_CANCELLING);
    assert_true(IsWindow(h)); /* stays until the sign call returns */
    ui_close(ui, CRPKI_E_CANCELLED);
    assert_false(IsWindow(h));
    rssp_cancel_free(c);
}

static void closing_from_the_title_bar_cancels(void **state)
{
    (void)state;
    rssp_cancel *c = rssp_cancel_new();
    ui_handle *ui = NULL;
    assert_int_equal(ui_show(CRPKI_UI_DIALOG, &REQ, c, &ui), CRPKI_OK);
    HWND h = find_dialog();
    assert_non_null(h);
    PostMessageW(h, WM_CLOSE, 0, 0);
    if (!wait_cancel(c, 2000))
        fail_msg("WM_CLOSE from the user did not trigger the cancel");
    ui_close(ui, CRPKI_E_CANCELLED);
    assert_false(IsWindow(h));
    rssp_cancel_free(c);
}

static void two_dialogs_at_once_and_again_after(void **state)
{
    (void)state;
    rssp_cancel *c1 = rssp_cancel_new(), *c2 = rssp_cancel_new();
    ui_handle *u1 = NULL, *u2 = NULL;
    ui_request r2 = REQ;
    r2.approval_code = "1357";
    assert_int_equal(ui_show(CRPKI_UI_DIALOG, &REQ, c1, &u1), CRPKI_OK);
    assert_int_equal(ui_show(CRPKI_UI_DIALOG, &r2, c2, &u2), CRPKI_OK);
    ui_close(u1, CRPKI_OK);
    HWND h = find_dialog();
    assert_non_null(h);
    char buf[32];
    text_of(h, CRPKI_UI_ID_CODE, buf, sizeof buf);
    assert_string_equal(buf, "1357");
    ui_close(u2, CRPKI_OK);
    assert_null(own_dialog());
    /* the class was unregistered with the last one; it comes back */
    assert_int_equal(ui_show(CRPKI_UI_DIALOG, &REQ, c1, &u1), CRPKI_OK);
    assert_non_null(find_dialog());
    ui_close(u1, CRPKI_OK);
    rssp_cancel_free(c1);
    rssp_cancel_free(c2);
}

/* ui_close on another thread, so this one can read the dialog meanwhile. */
typedef struct {
    ui_handle *ui;
    crpki_err outcome;
} closer;

static DWORD WINAPI close_later(void *arg)
{
    closer *c = arg;
    ui_close(c->ui, c->outcome);
    return 0;
}

static void a_denial_is_said_before_the_dialog_goes(void **state)
{
    (void)state;
    rssp_cancel *c = rssp_cancel_new();
    ui_handle *ui = NULL;
    assert_int_equal(ui_show(CRPKI_UI_DIALOG, &REQ, c, &ui), CRPKI_OK);
    HWND h = find_dialog();
    assert_non_null(h);
    closer cl = {ui, CRPKI_E_DENIED};
    HANDLE th = CreateThread(NULL, 0, close_later, &cl, 0, NULL);
    char want[256], buf[256] = "";
    ui_outcome_text(CRPKI_E_DENIED, want, sizeof want);
    want[strcspn(want, "\n")] = '\0';
    for (int i = 0; i < 100 && strcmp(buf, want) != 0 && IsWindow(h); i++) {
        Sleep(10);
        text_of(h, CRPKI_UI_ID_COUNTDOWN, buf, sizeof buf);
    }
    assert_string_equal(buf, want); /* "署名されませんでした: ..." */
    assert_false(IsWindowEnabled(GetDlgItem(h, CRPKI_UI_ID_CANCEL)));
    WaitForSingleObject(th, 10000);
    CloseHandle(th);
    assert_false(IsWindow(h));
    rssp_cancel_free(c);
}

/* ---- the recovery dialog (ui.h, "when a signature cannot go through") ---- */

static HWND find_class(const wchar_t *want)
{
    for (int i = 0; i < 100; i++) {
        HWND h = NULL;
        while ((h = FindWindowExW(NULL, h, want, NULL)) != NULL) {
            DWORD pid = 0;
            GetWindowThreadProcessId(h, &pid);
            if (pid == GetCurrentProcessId())
                return h;
        }
        Sleep(20);
    }
    return NULL;
}

static void recovery_offers_the_fix_for_each_cause(void **state)
{
    (void)state;
    static const struct {
        crpki_err cause;
        const char *what, *button;
        ui_choice choice;
    } rows[] = {
        {CRPKI_E_NOT_LOGGED_IN, "ログインの有効期限が切れた", "G ビズ ID でログイン",
         UI_CHOICE_LOGIN},
        {CRPKI_E_NETWORK, "接続できません", "再試行", UI_CHOICE_RETRY},
        {CRPKI_E_PROXY, "プロキシサーバー", "再試行", UI_CHOICE_RETRY},
        {CRPKI_E_TLS, "TLS", "再試行", UI_CHOICE_RETRY},
        {CRPKI_E_UNKNOWN_CREDENTIAL, "この証明書は署名サービスで使えなく", NULL, UI_CHOICE_CANCEL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        rssp_cancel *c = rssp_cancel_new();
        ui_recovery_request rq = {.cause = rows[i].cause,
                                  .note = "ログインできませんでした: \xe2\x80\xae悪意",
                                  .program = "C:\\Apps\\e-Tax.exe",
                                  .cancel = c};
        ui_recovery *r = NULL;
        ui_recovery_open(CRPKI_UI_DIALOG, &rq, &r);
        assert_non_null(r);
        HWND h = find_class(CRPKI_UI_RECOVERY_CLASS);
        assert_non_null(h);
        char buf[1024];
        text_of(h, CRPKI_UI_ID_R_WHAT, buf, sizeof buf);
        if (!strstr(buf, rows[i].what))
            fail_msg("%s: the dialog says \"%s\"", crpki_err_name(rows[i].cause), buf);
        text_of(h, CRPKI_UI_ID_R_PROGRAM, buf, sizeof buf);
        assert_string_equal(buf, "要求元プログラム: C:\\Apps\\e-Tax.exe");
        text_of(h, CRPKI_UI_ID_R_STATUS, buf, sizeof buf);
        assert_null(strstr(buf, "\xe2\x80\xae")); /* the note is cleaned: no bidi override */
        assert_non_null(strstr(buf, "ログインできませんでした"));
        HWND action = GetDlgItem(h, CRPKI_UI_ID_R_ACTION);
        if (rows[i].button) {
            text_of(h, CRPKI_UI_ID_R_ACTION, buf, sizeof buf);
            assert_string_equal(buf, rows[i].button);
            assert_true(IsWindowVisible(action));
            SendMessageW(action, BM_CLICK, 0, 0);
        } else {
            assert_false(IsWindowVisible(action)); /* nothing to do here but read */
            text_of(h, CRPKI_UI_ID_R_CANCEL, buf, sizeof buf);
            assert_string_equal(buf, "閉じる");
            SendMessageW(GetDlgItem(h, CRPKI_UI_ID_R_CANCEL), BM_CLICK, 0, 0);
        }
        assert_int_equal(ui_recovery_wait(r), rows[i].choice);
        assert_int_equal(ui_recovery_cancelled(r), rows[i].choice == UI_CHOICE_CANCEL);
        ui_recovery_close(r);
        assert_false(IsWindow(h));
        rssp_cancel_free(c);
    }
}

static void recovery_login_shows_the_url_and_cancels(void **state)
{
    (void)state;
    rssp_cancel *c = rssp_cancel_new();
    ui_recovery_request rq = {.cause = CRPKI_E_NOT_LOGGED_IN, .program = "app.exe", .cancel = c};
    ui_recovery *r = NULL;
    ui_recovery_open(CRPKI_UI_DIALOG, &rq, &r);
    assert_non_null(r);
    HWND h = find_class(CRPKI_UI_RECOVERY_CLASS);
    assert_non_null(h);
    SendMessageW(GetDlgItem(h, CRPKI_UI_ID_R_ACTION), BM_CLICK, 0, 0);
    assert_int_equal(ui_recovery_wait(r), UI_CHOICE_LOGIN);
    assert_false(ui_recovery_cancelled(r));
    ui_recovery_login_url(r, "https://login.example.jp/authorize?state=x");
    char buf[1024] = "";
    for (int i = 0; i < 100 && !buf[0]; i++) {
        Sleep(20);
        text_of(h, CRPKI_UI_ID_R_URL, buf, sizeof buf);
    }
    assert_string_equal(buf, "https://login.example.jp/authorize?state=x");
    assert_true(IsWindowVisible(GetDlgItem(h, CRPKI_UI_ID_R_URL)));
    assert_false(IsWindowEnabled(GetDlgItem(h, CRPKI_UI_ID_R_ACTION)));
    /* キャンセル while the browser login runs ends it */
    SendMessageW(GetDlgItem(h, CRPKI_UI_ID_R_CANCEL), BM_CLICK, 0, 0);
    assert_true(ui_recovery_cancelled(r));
    ui_recovery_close(r);
    rssp_cancel_free(c);
}

static void recovery_wait_ends_when_the_sign_call_is_cancelled(void **state)
{
    (void)state;
    rssp_cancel *c = rssp_cancel_new();
    ui_recovery_request rq = {.cause = CRPKI_E_NETWORK, .cancel = c};
    ui_recovery *r = NULL;
    ui_recovery_open(CRPKI_UI_DIALOG, &rq, &r);
    assert_non_null(r);
    rssp_cancel_trigger(c); /* signing_cancel: the provider is being released */
    assert_int_equal(ui_recovery_wait(r), UI_CHOICE_CANCEL);
    ui_recovery_close(r);
    assert_null(find_class(CRPKI_UI_RECOVERY_CLASS) == NULL ? NULL : (void *)1);
    rssp_cancel_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dialog_shows_code_what_program_and_counts_down),
        cmocka_unit_test(dialog_shows_the_count_of_many_documents),
        cmocka_unit_test(hostile_text_reads_cleaned_in_the_window),
        cmocka_unit_test(cancel_button_triggers_the_cancel),
        cmocka_unit_test(closing_from_the_title_bar_cancels),
        cmocka_unit_test(two_dialogs_at_once_and_again_after),
        cmocka_unit_test(a_denial_is_said_before_the_dialog_goes),
        cmocka_unit_test(recovery_offers_the_fix_for_each_cause),
        cmocka_unit_test(recovery_login_shows_the_url_and_cancels),
        cmocka_unit_test(recovery_wait_ends_when_the_sign_call_is_cancelled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
