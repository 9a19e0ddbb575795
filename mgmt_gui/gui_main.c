/* CrpkiManagementTool.exe [--page network|login|certs|use|logout|status|sign|export|history]:
 * one window per user session, opened at the page named (the drivers'
 * recovery dialog opens the page that fixes what stopped a signature). A
 * second start brings the first window forward at that page and exits. */
#include <windows.h>

#include <wchar.h>

#include "gui.h"

/* The page --page names in cmd, or -1. */
static int page_arg(const wchar_t *cmd)
{
    static const wchar_t *const NAMES[GUI_PAGE_COUNT] = {
        [GUI_PAGE_NETWORK] = L"network", [GUI_PAGE_LOGIN] = L"login",
        [GUI_PAGE_CERTS] = L"certs",     [GUI_PAGE_USE] = L"use",
        [GUI_PAGE_LOGOUT] = L"logout",   [GUI_PAGE_STATUS] = L"status",
        [GUI_PAGE_SIGN] = L"sign",       [GUI_PAGE_EXPORT] = L"export",
        [GUI_PAGE_HISTORY] = L"history",
    };
    const wchar_t *p = cmd ? wcsstr(cmd, L"--page") : NULL;
    if (!p)
        return -1;
    p += 6;
    while (*p == L' ' || *p == L'=')
        p++;
    for (int i = 0; i < GUI_PAGE_COUNT; i++) {
        size_t n = wcslen(NAMES[i]);
        if (wcsncmp(p, NAMES[i], n) == 0 && (p[n] == L'\0' || p[n] == L' '))
            return i;
    }
    return -1;
}

int WINAPI wWinMain(HINSTANCE inst, HINSTANCE prev, PWSTR cmd, int show)
{
    (void)prev;
    int page = page_arg(cmd);
    HANDLE one = CreateMutexW(NULL, TRUE, GUI_MUTEX_NAME);
    if (one && GetLastError() == ERROR_ALREADY_EXISTS) {
        /* the first instance may still be making its window */
        for (int i = 0; i < 50; i++) {
            HWND w = FindWindowW(GUI_WINDOW_CLASS, NULL);
            if (w) {
                if (IsIconic(w))
                    ShowWindow(w, SW_RESTORE);
                if (page >= 0)
                    PostMessageW(w, WM_GUI_SHOW_PAGE, (WPARAM)page, 0);
                SetForegroundWindow(w);
                break;
            }
            Sleep(100);
        }
        CloseHandle(one);
        return 0;
    }
    static gui_app app;
    if (gui_app_init(&app, inst, show) != 0) {
        MessageBoxW(NULL, L"管理ツールの画面を作成できませんでした。", L"管理ツール",
                    MB_OK | MB_ICONERROR);
        return 1;
    }
    if (page >= 0)
        gui_show_page(&app, page);
    MSG m;
    while (GetMessageW(&m, NULL, 0, 0) > 0) {
        if (IsDialogMessageW(app.wnd, &m)) /* Tab, arrows, Enter between controls */
            continue;
        TranslateMessage(&m);
        DispatchMessageW(&m);
    }
    if (one)
        CloseHandle(one);
    return (int)m.wParam;
}
