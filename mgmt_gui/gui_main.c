/* CrpkiManagementTool.exe: one window per user session. A second start
 * brings the first window forward and exits. */
#include <windows.h>

#include "gui.h"

int WINAPI wWinMain(HINSTANCE inst, HINSTANCE prev, PWSTR cmd, int show)
{
    (void)prev, (void)cmd;
    HANDLE one = CreateMutexW(NULL, TRUE, GUI_MUTEX_NAME);
    if (one && GetLastError() == ERROR_ALREADY_EXISTS) {
        /* the first instance may still be making its window */
        for (int i = 0; i < 50; i++) {
            HWND w = FindWindowW(GUI_WINDOW_CLASS, NULL);
            if (w) {
                if (IsIconic(w))
                    ShowWindow(w, SW_RESTORE);
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
