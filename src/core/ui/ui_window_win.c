/* ui_window_win: the driver's small windows' shared parts (ui_window_win.h). */
#include "core/ui/ui_window_win.h"

#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_utf16_win.h"
#include "core/ui/ui_font_win.h"

static SRWLOCK class_lock = SRWLOCK_INIT;

HINSTANCE ui_win_module(void)
{
    HMODULE m = NULL;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                           GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (LPCWSTR)(void *)&ui_win_module, &m);
    return (HINSTANCE)m;
}

int ui_win_class_acquire(ui_win_class *c)
{
    int ok = 1;
    AcquireSRWLockExclusive(&class_lock);
    if (c->users == 0) {
        WNDCLASSEXW wc;
        memset(&wc, 0, sizeof wc);
        wc.cbSize = sizeof wc;
        wc.lpfnWndProc = c->proc;
        wc.hInstance = ui_win_module();
        wc.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW);
        wc.hIcon = LoadIconW(NULL, (LPCWSTR)IDI_INFORMATION);
        wc.hbrBackground = (HBRUSH)(COLOR_BTNFACE + 1);
        wc.lpszClassName = c->name;
        ok = RegisterClassExW(&wc) != 0 || GetLastError() == ERROR_CLASS_ALREADY_EXISTS;
    }
    if (ok)
        c->users++;
    ReleaseSRWLockExclusive(&class_lock);
    return ok;
}

void ui_win_class_release(ui_win_class *c)
{
    AcquireSRWLockExclusive(&class_lock);
    if (c->users > 0 && --c->users == 0)
        UnregisterClassW(c->name, ui_win_module());
    ReleaseSRWLockExclusive(&class_lock);
}

int ui_win_px(const ui_win_fonts *f, int v)
{
    return MulDiv(v, f->dpi, 96);
}

void ui_win_fonts_make(ui_win_fonts *f, int big_px)
{
    HDC dc = GetDC(NULL);
    f->dpi = dc ? GetDeviceCaps(dc, LOGPIXELSY) : 96;
    if (f->dpi <= 0)
        f->dpi = 96;
    LOGFONTW lf;
    ui_win_message_font(dc, &lf);
    if (dc)
        ReleaseDC(NULL, dc);
    f->font = CreateFontIndirectW(&lf);
    f->big = NULL;
    if (big_px > 0) {
        lf.lfHeight = -ui_win_px(f, big_px);
        lf.lfWeight = FW_BOLD;
        f->big = CreateFontIndirectW(&lf);
    }
}

void ui_win_fonts_free(ui_win_fonts *f)
{
    if (f->font)
        DeleteObject(f->font);
    if (f->big)
        DeleteObject(f->big);
    f->font = f->big = NULL;
}

void ui_win_place(const ui_win_fonts *f, HWND parent, int cw, int ch, int *x, int *y, int *w,
                  int *h)
{
    RECT r = {0, 0, ui_win_px(f, cw), ui_win_px(f, ch)};
    AdjustWindowRectEx(&r, WS_POPUP | WS_CAPTION | WS_SYSMENU, FALSE, WS_EX_DLGMODALFRAME);
    *w = r.right - r.left;
    *h = r.bottom - r.top;
    RECT area;
    /* GetWindowRect reads the window manager's data: it sends the parent's
     * thread no message. */
    if (!(parent && IsWindow(parent) && GetWindowRect(parent, &area)) ||
        area.right - area.left < 50)
        SystemParametersInfoW(SPI_GETWORKAREA, 0, &area, 0);
    *x = area.left + (area.right - area.left - *w) / 2;
    *y = area.top + (area.bottom - area.top - *h) / 2;
}

HWND ui_win_add(HWND parent, const ui_win_fonts *f, const wchar_t *cls, const wchar_t *text,
                DWORD style, int id, int x, int y, int w, int h, HFONT font)
{
    HWND c = CreateWindowExW(0, cls, text ? text : L"", WS_CHILD | WS_VISIBLE | style,
                             ui_win_px(f, x), ui_win_px(f, y), ui_win_px(f, w), ui_win_px(f, h),
                             parent, (HMENU)(INT_PTR)id, ui_win_module(), NULL);
    if (c && font)
        SendMessageW(c, WM_SETFONT, (WPARAM)font, FALSE);
    return c;
}

void ui_win_set_text(HWND dlg, int id, const char *utf8)
{
    wchar_t *w = plat_utf8_to_wide(utf8 ? utf8 : "");
    if (w) {
        SetDlgItemTextW(dlg, id, w);
        free(w);
    }
}
