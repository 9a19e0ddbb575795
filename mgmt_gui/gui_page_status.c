/* 状態の確認: the checks of crpki-mgmt status, and the log file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>

#include <commctrl.h>
#include <commdlg.h>
#include <shellapi.h>

#include "base/platform/plat_str.h"
#include "base/platform/plat_utf16_win.h"
#include "gui_page.h"

/* ---- 状態 --------------------------------------------------------------------------- */

void status_create(gui_app *app)
{
    static const wchar_t *const cols[] = {L"項目", L"結果", L"内容"};
    static const int widths[] = {150, 50, 430};
    int p = GUI_PAGE_STATUS;
    gui_add(app, p, WC_STATICW, L"確認結果:", LABEL, 0, 215, 92, 200, 18);
    HWND lv = gui_add(app, p, WC_LISTVIEWW, NULL,
                      WS_VISIBLE | WS_TABSTOP | LVS_REPORT | LVS_SINGLESEL | LVS_SHOWSELALWAYS,
                      IDC_STATUS_LIST, 215, 112, 655, 290);
    gp_lv_columns(lv, cols, widths, 3, app);
    gui_add(app, p, WC_BUTTONW, L"確認する", BTN, IDC_STATUS_RUN, 215, 410, 130, 30);
    gui_add(app, p, WC_STATICW, L"ログ ファイル:", LABEL, 0, 215, 458, 100, 20);
    gui_add(app, p, WC_EDITW, NULL, EDIT | ES_READONLY, IDC_LOG_PATH, 315, 454, 445, 24);
    gui_add(app, p, WC_BUTTONW, L"場所を開く", BTN, IDC_LOG_OPEN, 770, 452, 100, 28);
}

void status_run(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_STATUS);
    if (j && gui_job_cmd(j, "status", NULL) == 0)
        gp_start(app, j, L"状態を確認しています…");
    else
        gui_job_free(j);
}

void status_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    HWND lv = gp_ctl(app, IDC_STATUS_LIST);
    SendMessageW(lv, LVM_DELETEALLITEMS, 0, 0);
    const cJSON *c;
    int failed = 0, n = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(res, "checks"))
    {
        char detail[1024];
        const char *fix = gp_jstr(c, "fix");
        snprintf(detail, sizeof detail, "%s%s%s", gp_jstr(c, "detail"), fix[0] ? " → 対処: " : "",
                 fix);
        const char *cells[] = {gp_jstr(c, "label"), gp_jbool(c, "ok") ? "OK" : "NG", detail};
        gp_lv_row(lv, cells, 3, !gp_jbool(c, "ok"));
        failed += !gp_jbool(c, "ok");
        n++;
    }
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(res, "paths");
    gp_set_text(gp_ctl(app, IDC_LOG_PATH), gp_jstr(paths, "log"));
    if (!n)
        gp_show_error(app, res, L"エラー: 状態を確認できません");
    else if (failed) {
        wchar_t m[128];
        swprintf(m, 128, L"%d 件の項目に問題があります。「内容」の対処を行ってください。", failed);
        app->status_error = 1;
        gui_set_status(app, m, NULL);
    } else
        gp_show_ok(app, L"すべて正常です。署名できます。");
    if (app->page == GUI_PAGE_LOGIN)
        login_state_shown(app, res);
}

void status_log_open(gui_app *app)
{
    wchar_t path[1024];
    GetWindowTextW(gp_ctl(app, IDC_LOG_PATH), path, 1024);
    wchar_t *slash = wcsrchr(path, L'\\');
    if (slash)
        *slash = 0;
    if (path[0])
        ShellExecuteW(app->wnd, L"open", path, NULL, NULL, SW_SHOWNORMAL);
}
