/* The frame: the navigation list of the pages, the page area, and the
 * progress line (bar, text, キャンセル, detail) under it. Controls are laid
 * out at 96 DPI and scaled to the window's DPI, again when it moves to a
 * monitor of another DPI (per-monitor v2 in the manifest). */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include <commctrl.h>

#include "base/platform/plat_thread.h"
#include "base/platform/plat_utf16_win.h"
#include "core/ui/ui_font_win.h"
#include "gui.h"

#define CLIENT_W 880
#define CLIENT_H 600

static const wchar_t *const PAGE_NAMES[GUI_PAGE_COUNT] = {
    L"1. 通信環境設定", L"2. G ビズ ID 認証",     L"3. 証明書一覧取得",
    L"4. 証明書設定",   L"5. G ビズ ID 認証解除", L"状態の確認",
    L"テスト署名",      L"証明書の保存",          L"署名履歴",
};

static UINT window_dpi(HWND w)
{
    typedef UINT(WINAPI * dpi_fn)(HWND);
    dpi_fn f =
        (dpi_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"user32.dll"), "GetDpiForWindow");
    UINT d = f && w ? f(w) : 0;
    if (!d) {
        HDC dc = GetDC(NULL);
        d = dc ? (UINT)GetDeviceCaps(dc, LOGPIXELSY) : 96;
        if (dc)
            ReleaseDC(NULL, dc);
    }
    return d ? d : 96;
}

static void make_fonts(gui_app *app)
{
    if (app->font)
        DeleteObject(app->font);
    if (app->title_font)
        DeleteObject(app->title_font);
    HDC dc = GetDC(NULL);
    LOGFONTW lf;
    ui_win_message_font(dc, &lf);
    if (dc)
        ReleaseDC(NULL, dc);
    lf.lfHeight = -MulDiv(9, (int)app->dpi, 72);
    app->font = CreateFontIndirectW(&lf);
    lf.lfHeight = -MulDiv(14, (int)app->dpi, 72);
    lf.lfWeight = FW_BOLD;
    app->title_font = CreateFontIndirectW(&lf);
}

static void layout(gui_app *app)
{
    for (int i = 0; i < app->nctl; i++) {
        gui_ctl *c = &app->ctl[i];
        MoveWindow(c->hwnd, gui_scale(app, c->x), gui_scale(app, c->y), gui_scale(app, c->w),
                   gui_scale(app, c->h), FALSE);
        int id = GetDlgCtrlID(c->hwnd);
        SendMessageW(c->hwnd, WM_SETFONT,
                     (WPARAM)(id == IDC_PAGE_TITLE ? app->title_font : app->font), FALSE);
    }
    InvalidateRect(app->wnd, NULL, TRUE);
}

void gui_show_page(gui_app *app, int page)
{
    if (page < 0 || page >= GUI_PAGE_COUNT)
        return;
    app->page = page;
    for (int i = 0; i < app->nctl; i++)
        if (app->ctl[i].page >= 0)
            ShowWindow(app->ctl[i].hwnd, app->ctl[i].page == page ? SW_SHOW : SW_HIDE);
    SendDlgItemMessageW(app->wnd, IDC_NAV, LB_SETCURSEL, (WPARAM)page, 0);
    SetDlgItemTextW(app->wnd, IDC_PAGE_TITLE, PAGE_NAMES[page]);
    gui_pages_shown(app, page);
}

static void job_done(gui_app *app, gui_job *j)
{
    if (app->thread) {
        plat_thread_join(app->thread);
        app->thread = NULL;
    }
    if (app->job == j)
        app->job = NULL;
    gui_progress(app, 0);
    for (int c = 0; c < j->ran; c++)
        j->json[c] = j->result[c] ? cJSON_Parse(j->result[c]) : NULL;
    gui_pages_done(app, j);
    gui_job_free(j);
}

static LRESULT CALLBACK wnd_proc(HWND w, UINT msg, WPARAM wp, LPARAM lp)
{
    gui_app *app = (gui_app *)GetWindowLongPtrW(w, GWLP_USERDATA);
    switch (msg) {
    case WM_NCCREATE: {
        CREATESTRUCTW *cs = (CREATESTRUCTW *)lp;
        app = cs->lpCreateParams;
        app->wnd = w;
        SetWindowLongPtrW(w, GWLP_USERDATA, (LONG_PTR)app);
        break;
    }
    case WM_COMMAND:
        if (!app)
            break;
        if (LOWORD(wp) == IDC_NAV && HIWORD(wp) == LBN_SELCHANGE) {
            LRESULT sel = SendMessageW((HWND)lp, LB_GETCURSEL, 0, 0);
            if (sel >= 0)
                gui_show_page(app, (int)sel);
            return 0;
        }
        if (LOWORD(wp) == IDC_CANCEL) {
            if (app->job) {
                InterlockedExchange(&app->job->cancel, 1);
                gui_set_status(app, L"キャンセルしています…", NULL);
            }
            return 0;
        }
        gui_pages_command(app, LOWORD(wp), HIWORD(wp));
        return 0;
    case WM_NOTIFY: {
        LRESULT res = 0;
        if (app && gui_pages_notify(app, (NMHDR *)lp, &res))
            return res;
        break;
    }
    case WM_GUI_JOB_NOTE: {
        wchar_t *t = app ? gui_job_take(app->job, WM_GUI_JOB_NOTE, 0) : NULL;
        if (!t)
            return 0;
        /* progress lines end with a newline; the status line shows one line */
        size_t n = wcslen(t);
        while (n && (t[n - 1] == L'\n' || t[n - 1] == L'\r'))
            t[--n] = 0;
        if (n)
            SetDlgItemTextW(w, IDC_STATUS, t);
        free(t);
        return 0;
    }
    case WM_GUI_JOB_EVENT: {
        wchar_t *v = app ? gui_job_take(app->job, WM_GUI_JOB_EVENT, (int)wp) : NULL;
        if (v)
            gui_pages_event(app, (int)wp, v);
        free(v);
        return 0;
    }
    case WM_GUI_JOB_DONE:
        /* only the running job's end: another program's post is ignored */
        if (app && lp && (gui_job *)lp == app->job)
            job_done(app, (gui_job *)lp);
        return 0;
    case WM_GUI_SHOW_PAGE:
        if (wp < GUI_PAGE_COUNT)
            gui_show_page(app, (int)wp);
        return 0;
    case WM_DPICHANGED: {
        app->dpi = HIWORD(wp);
        const RECT *r = (const RECT *)lp;
        make_fonts(app);
        SetWindowPos(w, NULL, r->left, r->top, r->right - r->left, r->bottom - r->top,
                     SWP_NOZORDER | SWP_NOACTIVATE);
        layout(app);
        return 0;
    }
    case WM_CTLCOLORSTATIC:
        if (app && (HWND)lp == GetDlgItem(w, IDC_STATUS) && app->status_error) {
            SetTextColor((HDC)wp, RGB(0xB0, 0x00, 0x20));
            SetBkMode((HDC)wp, TRANSPARENT);
            return (LRESULT)GetSysColorBrush(COLOR_BTNFACE);
        }
        break;
    case WM_CLOSE:
        if (app && app->job)
            InterlockedExchange(&app->job->cancel, 1);
        DestroyWindow(w);
        return 0;
    case WM_DESTROY:
        PostQuitMessage(0);
        return 0;
    }
    return DefWindowProcW(w, msg, wp, lp);
}

int gui_app_init(gui_app *app, HINSTANCE inst, int show)
{
    app->inst = inst;
    INITCOMMONCONTROLSEX icc = {sizeof icc, ICC_STANDARD_CLASSES | ICC_LISTVIEW_CLASSES |
                                                ICC_PROGRESS_CLASS | ICC_DATE_CLASSES};
    InitCommonControlsEx(&icc);
    WNDCLASSEXW wc;
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = wnd_proc;
    wc.hInstance = inst;
    wc.hIcon = LoadIconW(inst, MAKEINTRESOURCEW(1));
    wc.hIconSm = wc.hIcon;
    wc.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW);
    wc.hbrBackground = (HBRUSH)(COLOR_BTNFACE + 1);
    wc.lpszClassName = GUI_WINDOW_CLASS;
    if (!RegisterClassExW(&wc))
        return -1;
    app->dpi = window_dpi(NULL);
    make_fonts(app);
    RECT r = {0, 0, gui_scale(app, CLIENT_W), gui_scale(app, CLIENT_H)};
    DWORD style = WS_OVERLAPPED | WS_CAPTION | WS_SYSMENU | WS_MINIMIZEBOX;
    AdjustWindowRectEx(&r, style, FALSE, WS_EX_CONTROLPARENT);
    HWND w = CreateWindowExW(
        WS_EX_CONTROLPARENT, GUI_WINDOW_CLASS, L"リモート署名ドライバ 管理ツール", style,
        CW_USEDEFAULT, CW_USEDEFAULT, r.right - r.left, r.bottom - r.top, NULL, NULL, inst, app);
    if (!w)
        return -1;
    UINT d = window_dpi(w);
    if (d != app->dpi) { /* the monitor the window opened on */
        app->dpi = d;
        make_fonts(app);
    }

    /* the label before each control is its accessible name */
    gui_add(app, -1, WC_STATICW, L"設定の項目:", WS_VISIBLE | SS_NOPREFIX, 0, 10, 12, 190, 18);
    HWND nav = gui_add(app, -1, WC_LISTBOXW, NULL,
                       WS_VISIBLE | WS_TABSTOP | WS_VSCROLL | LBS_NOTIFY | LBS_NOINTEGRALHEIGHT,
                       IDC_NAV, 10, 32, 190, 558);
    for (int i = 0; i < GUI_PAGE_COUNT; i++)
        SendMessageW(nav, LB_ADDSTRING, 0, (LPARAM)PAGE_NAMES[i]);
    SendMessageW(nav, LB_SETITEMHEIGHT, 0, gui_scale(app, 26));
    gui_add(app, -1, WC_STATICW, PAGE_NAMES[0], WS_VISIBLE, IDC_PAGE_TITLE, 215, 10, 655, 30);
    gui_add(app, -1, WC_STATICW, NULL, WS_VISIBLE, IDC_PAGE_HELP, 215, 44, 655, 44);
    /* the outcome line (two lines may wrap), a thin progress bar under it
       while a job runs, キャンセル beside it, the detail and fix below */
    gui_add(app, -1, WC_STATICW, NULL, WS_VISIBLE | SS_NOPREFIX, IDC_STATUS, 215, 504, 550, 36);
    gui_add(app, -1, PROGRESS_CLASSW, NULL, PBS_MARQUEE, IDC_BUSY, 215, 542, 550, 6);
    gui_add(app, -1, WC_BUTTONW, L"キャンセル", WS_VISIBLE | WS_TABSTOP | WS_DISABLED, IDC_CANCEL,
            775, 506, 95, 28);
    gui_add(app, -1, WC_EDITW, NULL,
            WS_VISIBLE | WS_TABSTOP | ES_MULTILINE | ES_READONLY | ES_AUTOVSCROLL | WS_VSCROLL,
            IDC_DETAIL, 215, 552, 655, 40);
    gui_pages_create(app);
    gui_show_page(app, GUI_PAGE_NETWORK);
    ShowWindow(w, show);
    UpdateWindow(w);
    SetFocus(nav);
    return 0;
}
