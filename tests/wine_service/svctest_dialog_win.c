/* svctest_dialog on Windows (svctest_dialog.h). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "svctest_dialog.h"

#include <wchar.h>

#include "core/ui/ui_internal.h"

typedef struct {
    DWORD pid;
    int visible_only;
    const wchar_t *cls; /* NULL: any window */
    HWND found;
    int count;
} find_ctx;

static int has_class(HWND h, const wchar_t *want)
{
    wchar_t cls[64];
    return GetClassNameW(h, cls, 64) > 0 && wcscmp(cls, want) == 0;
}

/* The approval dialog or the recovery dialog. */
static int is_dialog_class(HWND h)
{
    return has_class(h, CRPKI_UI_DIALOG_CLASS) || has_class(h, CRPKI_UI_RECOVERY_CLASS);
}

static BOOL CALLBACK one_window(HWND h, LPARAM lp)
{
    find_ctx *c = (find_ctx *)lp;
    DWORD pid = 0;
    GetWindowThreadProcessId(h, &pid);
    if (pid != c->pid || (c->cls && !has_class(h, c->cls)))
        return TRUE;
    if (c->visible_only && !IsWindowVisible(h))
        return TRUE;
    c->count++;
    if (!c->found)
        c->found = h;
    return TRUE;
}

static find_ctx scan_class(int visible_only, const wchar_t *cls)
{
    find_ctx c = {GetCurrentProcessId(), visible_only, cls, NULL, 0};
    EnumWindows(one_window, (LPARAM)&c);
    return c;
}

static find_ctx scan(int visible_only)
{
    return scan_class(visible_only, CRPKI_UI_DIALOG_CLASS);
}

static void *wait_class(const wchar_t *cls, unsigned timeout_ms)
{
    ULONGLONG end = GetTickCount64() + timeout_ms;
    for (;;) {
        find_ctx c = scan_class(1, cls);
        if (c.found)
            return c.found;
        if (GetTickCount64() >= end)
            return NULL;
        Sleep(20);
    }
}

void *svctest_dialog_wait(unsigned timeout_ms)
{
    return wait_class(CRPKI_UI_DIALOG_CLASS, timeout_ms);
}

void *svctest_recovery_wait(unsigned timeout_ms)
{
    return wait_class(CRPKI_UI_RECOVERY_CLASS, timeout_ms);
}

int svctest_dialog_count(void)
{
    return scan(0).count;
}

int svctest_visible_windows(void)
{
    return scan_class(1, NULL).count;
}

int svctest_dialog_alive(void *dlg)
{
    return dlg && IsWindow((HWND)dlg) && is_dialog_class((HWND)dlg);
}

int svctest_dialog_text(void *dlg, int id, char *buf, size_t n)
{
    if (n == 0)
        return -1;
    buf[0] = '\0';
    HWND c = svctest_dialog_alive(dlg) ? GetDlgItem((HWND)dlg, id) : NULL;
    if (!c)
        return -1;
    wchar_t w[4096];
    w[0] = 0;
    GetWindowTextW(c, w, 4096);
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)n, NULL, NULL))
        buf[n - 1] = '\0';
    return 0;
}

int svctest_dialog_click(void *dlg, int id)
{
    HWND b = svctest_dialog_alive(dlg) ? GetDlgItem((HWND)dlg, id) : NULL;
    if (!b || !IsWindowEnabled(b))
        return -1;
    SendMessageW(b, BM_CLICK, 0, 0);
    return 0;
}
