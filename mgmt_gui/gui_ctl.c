/* The controls of the window: created at 96-DPI coordinates scaled to the
 * window's DPI (gui_window.c lays them out again when the DPI changes),
 * their text as UTF-8, and the progress line under the pages (status text,
 * detail, bar, キャンセル). What the pages and the window build on. */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include <commctrl.h>

#include "base/platform/plat_utf16_win.h"
#include "gui.h"

wchar_t *gui_wide(const char *utf8)
{
    wchar_t *w = plat_utf8_to_wide(utf8 ? utf8 : "");
    return w;
}

char *gui_text_utf8(HWND ctl)
{
    int n = GetWindowTextLengthW(ctl);
    wchar_t *w = calloc((size_t)n + 1, sizeof *w);
    if (!w)
        return NULL;
    GetWindowTextW(ctl, w, n + 1);
    char *s = plat_wide_to_utf8(w);
    SecureZeroMemory(w, ((size_t)n + 1) * sizeof *w);
    free(w);
    return s;
}

int gui_scale(const gui_app *app, int v)
{
    return MulDiv(v, (int)app->dpi, 96);
}

HWND gui_add(gui_app *app, int page, const wchar_t *cls, const wchar_t *text, DWORD style, int id,
             int x, int y, int w, int h)
{
    if (app->nctl >= GUI_MAX_CTLS)
        return NULL;
    DWORD ex = 0;
    if (wcscmp(cls, WC_EDITW) == 0 || wcscmp(cls, WC_LISTVIEWW) == 0 ||
        wcscmp(cls, WC_LISTBOXW) == 0)
        ex = WS_EX_CLIENTEDGE;
    HWND h_ = CreateWindowExW(ex, cls, text, WS_CHILD | style, gui_scale(app, x), gui_scale(app, y),
                              gui_scale(app, w), gui_scale(app, h), app->wnd, (HMENU)(INT_PTR)id,
                              app->inst, NULL);
    if (!h_)
        return NULL;
    SendMessageW(h_, WM_SETFONT, (WPARAM)(id == IDC_PAGE_TITLE ? app->title_font : app->font),
                 FALSE);
    gui_ctl *c = &app->ctl[app->nctl++];
    c->hwnd = h_;
    c->page = page;
    c->x = x, c->y = y, c->w = w, c->h = h;
    if (page >= 0 && page != app->page)
        ShowWindow(h_, SW_HIDE);
    else
        ShowWindow(h_, SW_SHOW);
    return h_;
}

void gui_set_status(gui_app *app, const wchar_t *text, const wchar_t *detail)
{
    SetDlgItemTextW(app->wnd, IDC_STATUS, text ? text : L"");
    SetDlgItemTextW(app->wnd, IDC_DETAIL, detail ? detail : L"");
}

void gui_progress(gui_app *app, int on)
{
    HWND bar = GetDlgItem(app->wnd, IDC_BUSY);
    ShowWindow(bar, on ? SW_SHOW : SW_HIDE);
    SendMessageW(bar, PBM_SETMARQUEE, (WPARAM)on, 40);
    EnableWindow(GetDlgItem(app->wnd, IDC_CANCEL), on);
}

void gui_busy(gui_app *app, const wchar_t *text)
{
    app->status_error = 0;
    gui_set_status(app, text, NULL);
    gui_progress(app, 1);
}
