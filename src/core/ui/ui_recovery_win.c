/* ui_recovery_win: the recovery dialog (ui.h, "when a signature cannot go
 * through"). Like the approval dialog (ui_dialog_win.c) it runs on a thread
 * of its own with its own message loop, placed over the application's
 * window and topmost but not owned by it, for the same reason: the signing
 * thread is blocked and pumps nothing. The signing thread waits for a button
 * (an event), then, for a login, tells the window the URL; the window never
 * waits on the signing thread. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/log/log.h"
#include "base/platform/plat_machine.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_utf16_win.h"
#include "base/util/text_clean.h"
#include "core/ui/ui_internal.h"
#include "core/ui/ui_window_win.h"

#define CLIENT_W 500
#define CLIENT_H 286
#define MARGIN   16
#define WHAT_PX  15 /* the sentence that says what happened, bold */

#define WM_APP_LOGIN (WM_APP + 1) /* the login runs: lParam a wchar_t * URL, freed here */

struct ui_recovery {
    HANDLE ready, chosen; /* chosen: set once a button was pressed */
    plat_thread *th;
    HWND hwnd, parent;
    crpki_err open_err;
    char why[200];
    rssp_cancel *cancel;
    volatile LONG closing, choice, cancelled;
    ui_recovery_text t;
    ui_win_fonts fonts; /* big: what happened */
    wchar_t *title, *what, *todo, *program, *status, *button, *cancel_text;
    wchar_t tool[MAX_PATH + 64]; /* the management tool's command line, or "" */
};

static LRESULT CALLBACK rec_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp);
static ui_win_class rec_class = {CRPKI_UI_RECOVERY_CLASS, rec_proc, 0};

/* The installed management tool (HKLM\Software\CrpkiRemoteSign InstallDir,
 * written by the MSI; plat_machine.h) with the page to open: empty when
 * it is not installed, so no button offers what cannot open. */
static void find_tool(ui_recovery *r)
{
    r->tool[0] = L'\0';
    if (!r->t.tool_page)
        return;
    char *u = NULL, why[160];
    if (plat_machine_get(CRPKI_UI_INSTALL_DIR_VALUE, &u, why, sizeof why) != 1)
        return;
    wchar_t *dir = plat_utf8_to_wide(u);
    free(u);
    if (!dir)
        return;
    size_t n = wcslen(dir);
    if (n && dir[n - 1] == L'\\')
        dir[n - 1] = L'\0';
    wchar_t exe[MAX_PATH + 32];
    int k = _snwprintf(exe, sizeof exe / sizeof exe[0], L"%ls\\CrpkiManagementTool.exe", dir);
    free(dir);
    if (k < 0 || k >= (int)(sizeof exe / sizeof exe[0]) ||
        GetFileAttributesW(exe) == INVALID_FILE_ATTRIBUTES)
        return;
    wchar_t page[16];
    MultiByteToWideChar(CP_UTF8, 0, r->t.tool_page, -1, page, 16);
    _snwprintf(r->tool, sizeof r->tool / sizeof r->tool[0], L"\"%ls\" --page %ls", exe, page);
    r->tool[sizeof r->tool / sizeof r->tool[0] - 1] = L'\0';
}

static void open_tool(ui_recovery *r)
{
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    wchar_t cmd[sizeof r->tool / sizeof r->tool[0]];
    wcscpy(cmd, r->tool); /* CreateProcessW may write into it */
    if (CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
        log_write(CRPKI_LOG_INFO, "ui", "recovery: the management tool opened at %s",
                  r->t.tool_page);
    } else {
        log_write(CRPKI_LOG_WARN, "ui", "recovery: cannot start the management tool (%lu)",
                  GetLastError());
    }
}

static void choose(ui_recovery *r, ui_choice c)
{
    if (c == UI_CHOICE_CANCEL)
        InterlockedExchange(&r->cancelled, 1);
    InterlockedExchange(&r->choice, (LONG)c);
    SetEvent(r->chosen);
}

static void on_login(ui_recovery *r, wchar_t *url)
{
    HWND h = r->hwnd;
    SetDlgItemTextW(h, CRPKI_UI_ID_R_URL, url ? url : L"");
    free(url);
    ui_win_set_text(h, CRPKI_UI_ID_R_TODO,
                    "ブラウザで G ビズ ID にログインしてください。ブラウザが開かない場合は、"
                    "次の URL をブラウザで開いてください。ログインが終わると署名を続けます。");
    ui_win_set_text(h, CRPKI_UI_ID_R_STATUS, "ブラウザでのログインを待っています…");
    ShowWindow(GetDlgItem(h, CRPKI_UI_ID_R_URL), SW_SHOW);
    EnableWindow(GetDlgItem(h, CRPKI_UI_ID_R_ACTION), FALSE);
    ShowWindow(GetDlgItem(h, CRPKI_UI_ID_R_TOOL), SW_HIDE);
    SetFocus(GetDlgItem(h, CRPKI_UI_ID_R_CANCEL));
}

static LRESULT CALLBACK rec_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    ui_recovery *r = (ui_recovery *)GetWindowLongPtrW(h, GWLP_USERDATA);
    switch (msg) {
    case WM_NCCREATE: {
        const CREATESTRUCTW *cs = (const CREATESTRUCTW *)lp;
        SetWindowLongPtrW(h, GWLP_USERDATA, (LONG_PTR)cs->lpCreateParams);
        break;
    }
    case WM_COMMAND:
        if (!r)
            break;
        if (LOWORD(wp) == CRPKI_UI_ID_R_ACTION) {
            EnableWindow(GetDlgItem(h, CRPKI_UI_ID_R_ACTION), FALSE);
            if (r->t.action == UI_CHOICE_RETRY)
                ui_win_set_text(h, CRPKI_UI_ID_R_STATUS, "もう一度試しています…");
            choose(r, r->t.action);
            return 0;
        }
        if (LOWORD(wp) == CRPKI_UI_ID_R_TOOL) {
            open_tool(r);
            return 0;
        }
        if (LOWORD(wp) == CRPKI_UI_ID_R_CANCEL) {
            EnableWindow(GetDlgItem(h, CRPKI_UI_ID_R_CANCEL), FALSE);
            choose(r, UI_CHOICE_CANCEL);
            return 0;
        }
        break;
    case WM_APP_LOGIN:
        if (r)
            on_login(r, (wchar_t *)lp);
        else
            free((void *)lp);
        return 0;
    case WM_CLOSE:
        /* the X or Alt+F4: キャンセル; ours (ui_recovery_close): go */
        if (r && !InterlockedCompareExchange(&r->closing, 0, 0)) {
            choose(r, UI_CHOICE_CANCEL);
            return 0;
        }
        DestroyWindow(h);
        return 0;
    case WM_DESTROY:
        PostQuitMessage(0);
        return 0;
    default:
        break;
    }
    return DefWindowProcW(h, msg, wp, lp);
}

static int build_controls(ui_recovery *r)
{
    const DWORD text = SS_LEFT | SS_NOPREFIX;
    const int w = CLIENT_W - 2 * MARGIN;
    HWND h = r->hwnd;
    const ui_win_fonts *f = &r->fonts;
    int has_action = r->button != NULL, has_tool = r->tool[0] != L'\0';
    int ok =
        ui_win_add(h, f, L"STATIC", r->what, text, CRPKI_UI_ID_R_WHAT, MARGIN, 14, w, 42, f->big) &&
        ui_win_add(h, f, L"STATIC", r->todo, text, CRPKI_UI_ID_R_TODO, MARGIN, 62, w, 58,
                   f->font) &&
        /* the path's middle gives way, never the file name */
        ui_win_add(h, f, L"STATIC", r->program, SS_LEFTNOWORDWRAP | SS_NOPREFIX | SS_PATHELLIPSIS,
                   CRPKI_UI_ID_R_PROGRAM, MARGIN, 124, w, 20, f->font) &&
        ui_win_add(h, f, L"EDIT", L"", WS_BORDER | WS_TABSTOP | ES_READONLY | ES_AUTOHSCROLL,
                   CRPKI_UI_ID_R_URL, MARGIN, 150, w, 24, f->font) &&
        ui_win_add(h, f, L"STATIC", r->status, text, CRPKI_UI_ID_R_STATUS, MARGIN, 182, w, 40,
                   f->font) &&
        ui_win_add(h, f, L"BUTTON", L"管理ツールを開く", WS_TABSTOP, CRPKI_UI_ID_R_TOOL, MARGIN,
                   240, 150, 30, f->font) &&
        ui_win_add(h, f, L"BUTTON", has_action ? r->button : L"",
                   (has_action ? BS_DEFPUSHBUTTON : 0) | WS_TABSTOP, CRPKI_UI_ID_R_ACTION,
                   CLIENT_W - MARGIN - 120 - 8 - 180, 240, 180, 30, f->font) &&
        ui_win_add(h, f, L"BUTTON", r->cancel_text,
                   (has_action ? 0 : BS_DEFPUSHBUTTON) | WS_TABSTOP, CRPKI_UI_ID_R_CANCEL,
                   CLIENT_W - MARGIN - 120, 240, 120, 30, f->font);
    if (!ok)
        return 0;
    ShowWindow(GetDlgItem(h, CRPKI_UI_ID_R_URL), SW_HIDE);
    if (!has_action)
        ShowWindow(GetDlgItem(h, CRPKI_UI_ID_R_ACTION), SW_HIDE);
    if (!has_tool)
        ShowWindow(GetDlgItem(h, CRPKI_UI_ID_R_TOOL), SW_HIDE);
    return 1;
}

static void rec_thread(void *arg)
{
    ui_recovery *r = arg;
    if (!ui_win_class_acquire(&rec_class)) {
        r->open_err = CRPKI_E_INTERNAL;
        snprintf(r->why, sizeof r->why, "RegisterClassExW failed (%lu)", GetLastError());
        SetEvent(r->ready);
        return;
    }
    ui_win_fonts_make(&r->fonts, WHAT_PX);
    int x, y, w, h;
    ui_win_place(&r->fonts, r->parent, CLIENT_W, CLIENT_H, &x, &y, &w, &h);
    r->hwnd = CreateWindowExW(WS_EX_DLGMODALFRAME | WS_EX_TOPMOST | WS_EX_CONTROLPARENT,
                              CRPKI_UI_RECOVERY_CLASS, r->title, WS_POPUP | WS_CAPTION | WS_SYSMENU,
                              x, y, w, h, NULL, NULL, ui_win_module(), r);
    if (!r->hwnd || !build_controls(r)) {
        r->open_err = CRPKI_E_NOT_SUPPORTED;
        snprintf(r->why, sizeof r->why, "cannot create the window (%lu): no display?",
                 GetLastError());
        if (r->hwnd)
            DestroyWindow(r->hwnd);
        r->hwnd = NULL;
        ui_win_class_release(&rec_class);
        SetEvent(r->ready);
        return;
    }
    ShowWindow(r->hwnd, SW_SHOWNORMAL);
    UpdateWindow(r->hwnd);
    SetForegroundWindow(r->hwnd);
    SetFocus(GetDlgItem(r->hwnd, r->button ? CRPKI_UI_ID_R_ACTION : CRPKI_UI_ID_R_CANCEL));
    SetEvent(r->ready);

    MSG msg;
    while (GetMessageW(&msg, NULL, 0, 0) > 0) {
        if (!IsDialogMessageW(r->hwnd, &msg)) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
    /* a URL posted after the window went is freed here, not lost */
    while (PeekMessageW(&msg, NULL, WM_APP_LOGIN, WM_APP_LOGIN, PM_REMOVE))
        free((void *)msg.lParam);
    r->hwnd = NULL;
    ui_win_class_release(&rec_class);
}

static void rec_free(ui_recovery *r)
{
    if (!r)
        return;
    if (r->ready)
        CloseHandle(r->ready);
    if (r->chosen)
        CloseHandle(r->chosen);
    ui_win_fonts_free(&r->fonts);
    free(r->title);
    free(r->what);
    free(r->todo);
    free(r->program);
    free(r->status);
    free(r->button);
    free(r->cancel_text);
    free(r);
}

crpki_err ui_recovery_dialog_open(const ui_recovery_request *req, ui_recovery **out, char *why,
                                  size_t whysz)
{
    *out = NULL;
    ui_recovery *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(why, whysz, "out of memory");
        return CRPKI_E_NO_MEMORY;
    }
    if (ui_recovery_texts(req->cause, &r->t) != 0) {
        free(r);
        snprintf(why, whysz, "nothing to offer for %s", crpki_err_name(req->cause));
        return CRPKI_E_INVALID_ARG;
    }
    r->cancel = req->cancel;
    r->parent = (HWND)req->parent_window;
    char prog[1024], note[600] = "";
    ui_label_text("要求元プログラム", req->program, prog, sizeof prog);
    if (req->note && *req->note)
        text_clean(req->note, note, sizeof note);
    r->title = plat_utf8_to_wide(r->t.title);
    r->what = plat_utf8_to_wide(r->t.what);
    r->todo = plat_utf8_to_wide(r->t.todo);
    r->program = plat_utf8_to_wide(prog);
    r->status = plat_utf8_to_wide(note);
    r->button = r->t.button ? plat_utf8_to_wide(r->t.button) : NULL;
    r->cancel_text = plat_utf8_to_wide(r->t.button ? CRPKI_UI_CANCEL : "閉じる");
    r->ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    r->chosen = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!r->title || !r->what || !r->todo || !r->program || !r->status ||
        (r->t.button && !r->button) || !r->cancel_text || !r->ready || !r->chosen) {
        snprintf(why, whysz, "out of memory");
        rec_free(r);
        return CRPKI_E_NO_MEMORY;
    }
    find_tool(r);
    r->th = plat_thread_start(rec_thread, r);
    if (!r->th) {
        snprintf(why, whysz, "cannot start the dialog thread");
        rec_free(r);
        return CRPKI_E_INTERNAL;
    }
    WaitForSingleObject(r->ready, INFINITE);
    if (r->open_err != CRPKI_OK) {
        crpki_err e = r->open_err;
        snprintf(why, whysz, "%s", r->why);
        plat_thread_join(r->th);
        rec_free(r);
        return e;
    }
    *out = r;
    return CRPKI_OK;
}

ui_choice ui_recovery_wait(ui_recovery *r)
{
    if (!r)
        return UI_CHOICE_CANCEL;
    /* the sign call's cancel (the provider released, the process ending)
       ends the wait as キャンセル would */
    while (WaitForSingleObject(r->chosen, 200) == WAIT_TIMEOUT)
        if (rssp_cancel_is_triggered(r->cancel)) {
            InterlockedExchange(&r->cancelled, 1);
            return UI_CHOICE_CANCEL;
        }
    return (ui_choice)InterlockedCompareExchange(&r->choice, 0, 0);
}

void ui_recovery_login_url(ui_recovery *r, const char *url)
{
    if (!r || !r->hwnd)
        return;
    wchar_t *w = plat_utf8_to_wide(url ? url : "");
    if (!PostMessageW(r->hwnd, WM_APP_LOGIN, 0, (LPARAM)w))
        free(w);
}

int ui_recovery_cancelled(ui_recovery *r)
{
    return !r || InterlockedCompareExchange(&r->cancelled, 0, 0) != 0 ||
           rssp_cancel_is_triggered(r->cancel);
}

void ui_recovery_close(ui_recovery *r)
{
    if (!r)
        return;
    InterlockedExchange(&r->closing, 1);
    HWND h = r->hwnd;
    if (h)
        PostMessageW(h, WM_CLOSE, 0, 0);
    plat_thread_join(r->th);
    rec_free(r);
}
