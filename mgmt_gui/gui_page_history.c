/* 署名履歴: the signing record, and its CSV for audits. */
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

/* ---- 署名履歴 ----------------------------------------------------------------------- */

static const char *const OUTCOMES[] = {NULL, "signed", "denied", "expired", "cancelled", "error"};
static const wchar_t *const OUTCOME_TEXT[] = {L"すべて",   L"署名済み",   L"拒否",
                                              L"期限切れ", L"キャンセル", L"エラー"};

static const char *outcome_ja(const char *o)
{
    for (size_t i = 1; i < sizeof OUTCOMES / sizeof OUTCOMES[0]; i++)
        if (strcmp(OUTCOMES[i], o) == 0) {
            static char buf[32];
            WideCharToMultiByte(CP_UTF8, 0, OUTCOME_TEXT[i], -1, buf, sizeof buf, NULL, NULL);
            return buf;
        }
    return o;
}

void history_create(gui_app *app)
{
    static const wchar_t *const cols[] = {L"日時",         L"結果",       L"プログラム",
                                          L"署名した内容", L"承認コード", L"件数"};
    static const int widths[] = {135, 65, 140, 160, 80, 40};
    int p = GUI_PAGE_HISTORY;
    gui_add(app, p, WC_STATICW, L"開始日:", LABEL, 0, 215, 98, 55, 20);
    HWND since = gui_add(app, p, WC_EDITW, NULL, EDIT, IDC_HIST_SINCE, 270, 94, 100, 24);
    SendMessageW(since, EM_SETCUEBANNER, FALSE, (LPARAM)L"例 2026-04-01");
    gui_add(app, p, WC_STATICW, L"結果:", LABEL, 0, 380, 98, 40, 20);
    HWND cb = gui_add(app, p, WC_COMBOBOXW, NULL, WS_VISIBLE | WS_TABSTOP | CBS_DROPDOWNLIST,
                      IDC_HIST_OUTCOME, 420, 94, 120, 200);
    for (size_t i = 0; i < sizeof OUTCOME_TEXT / sizeof OUTCOME_TEXT[0]; i++)
        SendMessageW(cb, CB_ADDSTRING, 0, (LPARAM)OUTCOME_TEXT[i]);
    SendMessageW(cb, CB_SETCURSEL, 0, 0);
    gui_add(app, p, WC_BUTTONW, L"表示", BTN, IDC_HIST_SHOW, 550, 92, 80, 28);
    gui_add(app, p, WC_BUTTONW, L"CSV に出力...", BTN, IDC_HIST_CSV, 640, 92, 130, 28);
    gui_add(app, p, WC_STATICW, L"署名の記録:", LABEL, 0, 215, 128, 200, 18);
    HWND lv = gui_add(app, p, WC_LISTVIEWW, NULL,
                      WS_VISIBLE | WS_TABSTOP | LVS_REPORT | LVS_SINGLESEL | LVS_SHOWSELALWAYS,
                      IDC_HIST_LIST, 215, 148, 655, 345);
    gp_lv_columns(lv, cols, widths, 6, app);
}

static int history_cmd(gui_app *app, gui_job *j, const char *csv)
{
    char *since = gui_text_utf8(gp_ctl(app, IDC_HIST_SINCE));
    LRESULT o = SendMessageW(gp_ctl(app, IDC_HIST_OUTCOME), CB_GETCURSEL, 0, 0);
    const char *outcome = o > 0 && o < 6 ? OUTCOMES[o] : NULL;
    const char *a[8];
    int n = 0;
    a[n++] = "history";
    if (since && since[0])
        a[n++] = "--since", a[n++] = since;
    if (outcome)
        a[n++] = "--outcome", a[n++] = outcome;
    if (csv)
        a[n++] = "--csv", a[n++] = csv;
    a[n] = NULL;
    int r = gui_job_cmd(j, a[0], a[1], a[2], a[3], a[4], a[5], a[6], NULL);
    free(since);
    return r;
}

void history_run(gui_app *app, int csv)
{
    char *path = NULL;
    if (csv) {
        wchar_t buf[1024] = L"signing-history.csv";
        if (!gp_save_dialog(app, L"署名履歴の CSV の保存先", L"CSV (*.csv)\0*.csv\0", L"csv", buf,
                            1024))
            return;
        path = plat_wide_to_utf8(buf);
    }
    gui_job *j = gui_job_new(csv ? ACT_HISTORY_CSV : ACT_HISTORY);
    if (j && history_cmd(app, j, path) == 0)
        gp_start(app, j, csv ? L"CSV に出力しています…" : L"署名履歴を読み込んでいます…");
    else
        gui_job_free(j);
    free(path);
}

void history_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    if (j->rc != 0) {
        gp_show_error(app, res, L"エラー: 署名履歴を読めません");
        return;
    }
    HWND lv = gp_ctl(app, IDC_HIST_LIST);
    SendMessageW(lv, LVM_DELETEALLITEMS, 0, 0);
    const cJSON *r;
    int n = 0;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(res, "records"))
    {
        char count[16], when[40];
        snprintf(count, sizeof count, "%u", (unsigned)gp_jnum(r, "count"));
        snprintf(when, sizeof when, "%.19s", gp_jstr(r, "time_local"));
        if (strlen(when) > 10)
            when[10] = ' ';
        const char *prog = gp_jstr(r, "program");
        const char *base = strrchr(prog, '\\');
        const char *cells[] = {when,
                               outcome_ja(gp_jstr(r, "outcome")),
                               base ? base + 1 : prog,
                               gp_jstr(r, "what"),
                               gp_jstr(r, "approval_code"),
                               count};
        gp_lv_row(lv, cells, 6, strcmp(gp_jstr(r, "outcome"), "signed") != 0);
        n++;
    }
    wchar_t m[160];
    if (j->action == ACT_HISTORY_CSV)
        swprintf(m, 160, L"%d 件を CSV に出力しました (Excel で開けます)。", n);
    else
        swprintf(m, 160, n ? L"%d 件の記録があります。" : L"記録はありません。", n);
    gp_show_ok(app, m);
}
