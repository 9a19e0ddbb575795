/* dialog_win: the approval dialog on Windows (ui_internal.h). Built with
 * CreateWindowExW (no resource script), Japanese text in UTF-16: the prompt,
 * the approval code in large type, what is signed, the requesting program,
 * the certificate, a countdown updated each second by a timer, and a
 * キャンセル button that triggers the sign call's rssp_cancel.
 *
 * It runs on a thread of its own with its own message loop: the signing
 * thread - often the application's UI thread - is blocked long-polling the
 * service and pumps no messages.
 *
 * The window is placed over the application's window (parent_window) and
 * kept topmost, but deliberately NOT made a Win32 owned window: an owner on
 * another thread attaches the two threads' input queues, which makes
 * activation and focus changes synchronous with the blocked signing thread
 * (Raymond Chen, "Sharing an input queue takes what used to be asynchronous
 * and makes it synchronous"); the dialog would then hang exactly while it is
 * needed. For the same reason nothing here sends a message to the parent. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/platform/plat_thread.h"
#include "base/util/text_clean.h"
#include "base/platform/plat_utf16_win.h"
#include "core/ui/ui_window_win.h"
#include "core/ui/ui_internal.h"

#define TIMER_ID   1
#define CLIENT_W   460
#define CLIENT_H   298
#define MARGIN     16
#define CODE_PT_PX 40 /* approval code glyph height at 96 dpi */

#define WM_APP_OUTCOME (WM_APP + 1) /* wParam: the crpki_err the signature ended with */

struct ui_dialog {
    HANDLE ready; /* set once the window is up or failed */
    plat_thread *th;
    HWND hwnd;
    crpki_err open_err;
    char why[200];
    rssp_cancel *cancel;
    volatile LONG closing; /* ui_close asked: WM_CLOSE is ours */
    HWND parent;
    unsigned expires_in_s;
    ULONGLONG started;
    ui_win_fonts fonts; /* big: the code */
    wchar_t *title, *prompt, *code, *what, *program, *publisher, *subject, *cancel_text,
        *cancelling;
};

static LRESULT CALLBACK dlg_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp);
static ui_win_class dlg_class = {CRPKI_UI_DIALOG_CLASS, dlg_proc, 0};

static unsigned seconds_left(const ui_dialog *d)
{
    ULONGLONG el = (GetTickCount64() - d->started) / 1000;
    return el >= d->expires_in_s ? 0 : (unsigned)(d->expires_in_s - el);
}

static void set_countdown(ui_dialog *d)
{
    char buf[96];
    ui_countdown_text(seconds_left(d), buf, sizeof buf);
    ui_win_set_text(d->hwnd, CRPKI_UI_ID_COUNTDOWN, buf);
}

static void on_cancel(ui_dialog *d)
{
    if (rssp_cancel_is_triggered(d->cancel))
        return;
    if (d->cancel)
        rssp_cancel_trigger(d->cancel);
    EnableWindow(GetDlgItem(d->hwnd, CRPKI_UI_ID_CANCEL), FALSE);
    SetDlgItemTextW(d->hwnd, CRPKI_UI_ID_COUNTDOWN, d->cancelling);
}

static HWND add_control(ui_dialog *d, const wchar_t *cls, const wchar_t *text, DWORD style, int id,
                        int x, int y, int w, int h, HFONT font)
{
    return ui_win_add(d->hwnd, &d->fonts, cls, text, style, id, x, y, w, h, font);
}

static int build_controls(ui_dialog *d)
{
    const DWORD text = SS_LEFT | SS_NOPREFIX;
    const DWORD line = SS_LEFTNOWORDWRAP | SS_NOPREFIX | SS_ENDELLIPSIS;
    const int w = CLIENT_W - 2 * MARGIN;
    int ok =
        add_control(d, L"STATIC", d->prompt, text, -1, MARGIN, 14, w, 36, d->fonts.font) &&
        add_control(d, L"STATIC", d->code, SS_CENTER | SS_NOPREFIX, CRPKI_UI_ID_CODE, MARGIN, 54, w,
                    56, d->fonts.big) &&
        add_control(d, L"STATIC", d->what, text | SS_EDITCONTROL, CRPKI_UI_ID_WHAT, MARGIN, 118, w,
                    36, d->fonts.font) &&
        /* the path's middle gives way, never the file name */
        add_control(d, L"STATIC", d->program, SS_LEFTNOWORDWRAP | SS_NOPREFIX | SS_PATHELLIPSIS,
                    CRPKI_UI_ID_PROGRAM, MARGIN, 158, w, 20, d->fonts.font) &&
        /* who published the program, as Windows verified it */
        add_control(d, L"STATIC", d->publisher, line, CRPKI_UI_ID_PUBLISHER, MARGIN, 180, w, 20,
                    d->fonts.font) &&
        add_control(d, L"STATIC", d->subject, line, CRPKI_UI_ID_SUBJECT, MARGIN, 202, w, 20,
                    d->fonts.font) &&
        add_control(d, L"STATIC", L"", line, CRPKI_UI_ID_COUNTDOWN, MARGIN, 226, w, 20,
                    d->fonts.font) &&
        add_control(d, L"BUTTON", d->cancel_text, BS_DEFPUSHBUTTON | WS_TABSTOP, CRPKI_UI_ID_CANCEL,
                    CLIENT_W - MARGIN - 120, 258, 120, 28, d->fonts.font);
    set_countdown(d);
    return ok;
}

static LRESULT CALLBACK dlg_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    ui_dialog *d = (ui_dialog *)GetWindowLongPtrW(h, GWLP_USERDATA);
    switch (msg) {
    case WM_NCCREATE: {
        const CREATESTRUCTW *cs = (const CREATESTRUCTW *)lp;
        SetWindowLongPtrW(h, GWLP_USERDATA, (LONG_PTR)cs->lpCreateParams);
        break;
    }
    case WM_TIMER:
        if (d && wp == TIMER_ID && !rssp_cancel_is_triggered(d->cancel))
            set_countdown(d);
        return 0;
    case WM_COMMAND:
        if (d && LOWORD(wp) == CRPKI_UI_ID_CANCEL) {
            on_cancel(d);
            return 0;
        }
        break;
    case WM_APP_OUTCOME:
        if (d) {
            char line[256];
            ui_outcome_text((crpki_err)wp, line, sizeof line);
            line[strcspn(line, "\n")] = '\0';
            KillTimer(h, TIMER_ID);
            ui_win_set_text(h, CRPKI_UI_ID_COUNTDOWN, line);
            EnableWindow(GetDlgItem(h, CRPKI_UI_ID_CANCEL), FALSE);
        }
        return 0;
    case WM_CLOSE:
        /* Ours (the sign call ended): go. The user's (the X, Alt+F4):
         * cancel; the sign call returns and closes us. */
        if (d && !InterlockedCompareExchange(&d->closing, 0, 0)) {
            on_cancel(d);
            return 0;
        }
        DestroyWindow(h);
        return 0;
    case WM_DESTROY:
        KillTimer(h, TIMER_ID);
        PostQuitMessage(0);
        return 0;
    default:
        break;
    }
    return DefWindowProcW(h, msg, wp, lp);
}

static void dialog_thread(void *arg)
{
    ui_dialog *d = arg;
    if (!ui_win_class_acquire(&dlg_class)) {
        d->open_err = CRPKI_E_INTERNAL;
        snprintf(d->why, sizeof d->why, "RegisterClassExW failed (%lu)", GetLastError());
        SetEvent(d->ready);
        return;
    }
    ui_win_fonts_make(&d->fonts, CODE_PT_PX);
    d->started = GetTickCount64(); /* the countdown's zero, before its first text */
    int x, y, w, h;
    ui_win_place(&d->fonts, d->parent, CLIENT_W, CLIENT_H, &x, &y, &w, &h);
    d->hwnd = CreateWindowExW(WS_EX_DLGMODALFRAME | WS_EX_TOPMOST | WS_EX_CONTROLPARENT,
                              CRPKI_UI_DIALOG_CLASS, d->title, WS_POPUP | WS_CAPTION | WS_SYSMENU,
                              x, y, w, h, NULL, NULL, ui_win_module(), d);
    if (!d->hwnd || !build_controls(d)) {
        d->open_err = CRPKI_E_NOT_SUPPORTED;
        snprintf(d->why, sizeof d->why, "cannot create the window (%lu): no display?",
                 GetLastError());
        if (d->hwnd)
            DestroyWindow(d->hwnd);
        d->hwnd = NULL;
        ui_win_class_release(&dlg_class);
        SetEvent(d->ready);
        return;
    }
    SetTimer(d->hwnd, TIMER_ID, 1000, NULL);
    ShowWindow(d->hwnd, SW_SHOWNORMAL);
    UpdateWindow(d->hwnd);
    SetForegroundWindow(d->hwnd);
    SetFocus(GetDlgItem(d->hwnd, CRPKI_UI_ID_CANCEL));
    SetEvent(d->ready);

    MSG msg;
    while (GetMessageW(&msg, NULL, 0, 0) > 0) {
        /* Tab, Enter and Esc (= キャンセル) as in a dialog box */
        if (!IsDialogMessageW(d->hwnd, &msg)) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
    d->hwnd = NULL;
    ui_win_class_release(&dlg_class);
}

static void dialog_free(ui_dialog *d)
{
    if (!d)
        return;
    if (d->ready)
        CloseHandle(d->ready);
    ui_win_fonts_free(&d->fonts);
    free(d->title);
    free(d->prompt);
    free(d->code);
    free(d->what);
    free(d->program);
    free(d->publisher);
    free(d->subject);
    free(d->cancel_text);
    free(d->cancelling);
    free(d);
}

static wchar_t *label(const char *name, const char *value)
{
    char buf[1024];
    ui_label_text(name, value, buf, sizeof buf);
    return plat_utf8_to_wide(buf);
}

crpki_err ui_dialog_open(const ui_request *req, rssp_cancel *cancel, ui_dialog **out, char *why,
                         size_t whysz)
{
    *out = NULL;
    ui_dialog *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(why, whysz, "out of memory");
        return CRPKI_E_NO_MEMORY;
    }
    d->cancel = cancel;
    d->parent = (HWND)req->parent_window;
    d->expires_in_s = req->expires_in_s;
    d->title = plat_utf8_to_wide(CRPKI_UI_TITLE);
    d->prompt = plat_utf8_to_wide(CRPKI_UI_PROMPT);
    char code[32]; /* the service's: cleaned as every shown text */
    text_clean(req->approval_code, code, sizeof code);
    d->code = plat_utf8_to_wide(code);
    char what_name[64];
    if (req->num_hashes > 1) /* many documents under this one approval */
        snprintf(what_name, sizeof what_name, "署名する内容 (%u 件)", (unsigned)req->num_hashes);
    else
        snprintf(what_name, sizeof what_name, "署名する内容");
    d->what = label(what_name, req->description);
    d->program = label("要求元プログラム",
                       req->program_path && *req->program_path ? req->program_path : req->program);
    char pub[256]; /* "発行元: ..." or why there is none, as the signing path says it */
    text_clean(req->publisher ? req->publisher : "", pub, sizeof pub);
    d->publisher = plat_utf8_to_wide(pub);
    char who[600]; /* the holder and the company, not the DN */
    ui_holder_text(req, who, sizeof who);
    d->subject = label("証明書", who);
    d->cancel_text = plat_utf8_to_wide(CRPKI_UI_CANCEL);
    d->cancelling = plat_utf8_to_wide(CRPKI_UI_CANCELLING);
    d->ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!d->title || !d->prompt || !d->code || !d->what || !d->program || !d->publisher ||
        !d->subject || !d->cancel_text || !d->cancelling || !d->ready) {
        snprintf(why, whysz, "out of memory, or text not UTF-8");
        dialog_free(d);
        return CRPKI_E_NO_MEMORY;
    }
    d->th = plat_thread_start(dialog_thread, d);
    if (!d->th) {
        snprintf(why, whysz, "cannot start the dialog thread");
        dialog_free(d);
        return CRPKI_E_INTERNAL;
    }
    WaitForSingleObject(d->ready, INFINITE);
    if (d->open_err != CRPKI_OK) {
        crpki_err e = d->open_err;
        snprintf(why, whysz, "%s", d->why);
        plat_thread_join(d->th);
        dialog_free(d);
        return e;
    }
    *out = d;
    return CRPKI_OK;
}

/* How long a denial or an expiry stays said before the dialog goes: the
 * person looked at the phone, not at the application's error message. */
#define OUTCOME_SHOWN_MS 1500

void ui_dialog_close(ui_dialog *d, crpki_err outcome)
{
    if (!d)
        return;
    HWND h = d->hwnd;
    if (h && (outcome == CRPKI_E_DENIED || outcome == CRPKI_E_APPROVAL_EXPIRED)) {
        /* a キャンセル pressed here says so already (キャンセルしています…) */
        PostMessageW(h, WM_APP_OUTCOME, (WPARAM)outcome, 0);
        Sleep(OUTCOME_SHOWN_MS);
    }
    InterlockedExchange(&d->closing, 1);
    if (h)
        PostMessageW(h, WM_CLOSE, 0, 0);
    plat_thread_join(d->th);
    dialog_free(d);
}
