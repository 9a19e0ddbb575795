/* The pages' dispatch: creating them, what showing one does, and routing
 * commands, events, results and notifications to the page they belong to
 * (gui_page_*.c, one file per page; gui_page.h). */
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

static const wchar_t *const HELP[GUI_PAGE_COUNT] = {
    L"リモート署名サービスへの接続方法を設定します。社内ネットワークでプロキシを使うかどうかは、"
    L"ネットワーク管理者に確認してください。",
    L"G ビズ ID (gBizID プライム) でログインします。ボタンを押すとブラウザが開きます。ログインして"
    L"同意すると、この画面に結果が表示されます。",
    L"G ビズ ID に紐づく商業登記電子証明書の一覧です。有効期限まで 30 日を切った証明書は色を"
    L"変えて表示します。",
    L"署名に使う証明書とプロバイダーを選んで「設定する」を押します。証明書は Windows の個人"
    L"証明書ストアに登録され、署名アプリケーションから選べるようになります。",
    L"この PC での G ビズ ID のログインを解除し、サービス側でも無効にします。",
    L"署名に必要なものがそろっているかを確認します。問題があれば対処方法を表示します。",
    L"ファイルに試しに署名します (分離署名 .p7s)。承認要求がスマートフォンの G ビズ ID アプリに"
    L"届きます。複数のファイルも 1 回の承認で署名できます。",
    L"利用者の証明書と、発行した登記所の CA 証明書をファイルに保存します。",
    L"この PC で行った署名の記録です (新しい順)。監査用に CSV (Excel で開けます) に出力できます。",
};

/* ---- dispatch ------------------------------------------------------------------------ */

void gui_pages_create(gui_app *app)
{
    net_create(app);
    login_create(app);
    certs_create(app);
    logout_create(app);
    status_create(app);
    sign_create(app);
    export_create(app);
    history_create(app);
}

void gui_pages_shown(gui_app *app, int page)
{
    SetDlgItemTextW(app->wnd, IDC_PAGE_HELP, HELP[page]);
    if (app->job)
        return;
    switch (page) {
    case GUI_PAGE_NETWORK:
        net_load(app);
        break;
    case GUI_PAGE_LOGIN:
        login_state(app);
        break;
    case GUI_PAGE_CERTS:
    case GUI_PAGE_USE:
        if (!app->certs)
            certs_load(app);
        break;
    case GUI_PAGE_STATUS:
        status_run(app);
        break;
    case GUI_PAGE_HISTORY:
        history_run(app, 0);
        break;
    default:
        break;
    }
}

void gui_pages_command(gui_app *app, int id, int code)
{
    if (code != BN_CLICKED)
        return;
    switch (id) {
    case IDC_PX_NONE:
    case IDC_PX_SYSTEM:
    case IDC_PX_MANUAL:
        net_manual_enable(app);
        break;
    case IDC_NET_SAVE:
        net_save(app);
        break;
    case IDC_NET_TEST: {
        gui_job *j = gui_job_new(ACT_NET_TEST);
        if (j && gui_job_cmd(j, "status", NULL) == 0)
            gp_start(app, j, L"リモート署名サービスに接続しています…");
        else
            gui_job_free(j);
        break;
    }
    case IDC_LOGIN:
        login_start(app);
        break;
    case IDC_LOGIN_OPEN: {
        wchar_t url[4096];
        GetWindowTextW(gp_ctl(app, IDC_LOGIN_URL), url, 4096);
        if (wcsncmp(url, L"https://", 8) == 0)
            ShellExecuteW(app->wnd, L"open", url, NULL, NULL, SW_SHOWNORMAL);
        break;
    }
    case IDC_CERT_REFRESH:
        certs_load(app);
        break;
    case IDC_USE_SET:
    case IDC_USE_UNSET:
        use_run(app, id == IDC_USE_SET);
        break;
    case IDC_LOGOUT:
        logout_run(app);
        break;
    case IDC_STATUS_RUN:
        status_run(app);
        break;
    case IDC_LOG_OPEN:
        status_log_open(app);
        break;
    case IDC_SIGN_BROWSE:
        sign_browse(app);
        break;
    case IDC_SIGN_RUN:
        sign_run(app);
        break;
    case IDC_EXP_BROWSE:
        export_browse(app);
        break;
    case IDC_EXP_SAVE:
        export_run(app);
        break;
    case IDC_HIST_SHOW:
    case IDC_HIST_CSV:
        history_run(app, id == IDC_HIST_CSV);
        break;
    default:
        break;
    }
}

void gui_pages_event(gui_app *app, int event, const wchar_t *value)
{
    if (event == GUI_EVENT_LOGIN_URL) {
        SetWindowTextW(gp_ctl(app, IDC_LOGIN_URL), value);
        EnableWindow(gp_ctl(app, IDC_LOGIN_OPEN), TRUE);
    }
}

void gui_pages_done(gui_app *app, gui_job *j)
{
    switch (j->action) {
    case ACT_NET_LOAD:
        net_loaded(app, j);
        break;
    case ACT_NET_SAVE:
        net_saved(app, j);
        break;
    case ACT_NET_TEST:
        net_tested(app, j);
        break;
    case ACT_LOGIN_STATE:
        if (j->ran && j->json[0])
            login_state_shown(app, j->json[0]);
        gp_show_ok(app, L"");
        break;
    case ACT_LOGIN:
        login_done(app, j);
        break;
    case ACT_CERTS:
        certs_done(app, j);
        break;
    case ACT_USE:
    case ACT_UNSET:
        use_done(app, j);
        break;
    case ACT_LOGOUT:
        if (j->rc != 0)
            gp_show_error(app, j->json[0], L"エラー: 認証を解除できませんでした");
        else {
            cJSON_Delete(app->certs);
            app->certs = NULL;
            gp_show_ok(app, L"G ビズ ID の認証を解除しました。");
        }
        break;
    case ACT_STATUS:
        status_done(app, j);
        break;
    case ACT_SIGN:
        sign_done(app, j);
        break;
    case ACT_EXPORT:
        if (j->rc != 0)
            gp_show_error(app, j->json[0], L"エラー: 保存できませんでした");
        else
            gp_show_ok(app, L"証明書を保存しました。");
        break;
    case ACT_HISTORY:
    case ACT_HISTORY_CSV:
        history_done(app, j);
        break;
    default:
        break;
    }
}

/* Rows flagged (expiring certificate, failed check, unsigned record) are
 * drawn on a light red background. */
int gui_pages_notify(gui_app *app, NMHDR *nm, LRESULT *res)
{
    /* a selected row's whole text (a list column cuts it) in the detail box */
    if (nm->code == LVN_ITEMCHANGED &&
        (nm->idFrom == IDC_STATUS_LIST || nm->idFrom == IDC_HIST_LIST)) {
        NMLISTVIEW *lv = (NMLISTVIEW *)nm;
        if ((lv->uNewState & LVIS_SELECTED) && !(lv->uOldState & LVIS_SELECTED)) {
            wchar_t line[2048] = L"", cell[1024];
            int cols = nm->idFrom == IDC_STATUS_LIST ? 3 : 6;
            for (int c = 0; c < cols; c++) {
                cell[0] = 0;
                ListView_GetItemText(nm->hwndFrom, lv->iItem, c, cell, 1024);
                if (c)
                    wcsncat(line, L" / ", 2047 - wcslen(line));
                wcsncat(line, cell, 2047 - wcslen(line));
            }
            SetDlgItemTextW(app->wnd, IDC_DETAIL, line);
        }
        return 0;
    }
    if (nm->code != NM_CUSTOMDRAW || (nm->idFrom != IDC_CERT_LIST &&
                                      nm->idFrom != IDC_STATUS_LIST && nm->idFrom != IDC_HIST_LIST))
        return 0;
    NMLVCUSTOMDRAW *cd = (NMLVCUSTOMDRAW *)nm;
    if (cd->nmcd.dwDrawStage == CDDS_PREPAINT) {
        *res = CDRF_NOTIFYITEMDRAW;
        return 1;
    }
    if (cd->nmcd.dwDrawStage == CDDS_ITEMPREPAINT) {
        if (cd->nmcd.lItemlParam) {
            cd->clrTextBk = RGB(0xFF, 0xE4, 0xE1);
            cd->clrText = RGB(0x90, 0x00, 0x10);
        }
        *res = CDRF_DODEFAULT;
        return 1;
    }
    return 0;
}
