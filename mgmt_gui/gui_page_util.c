/* gui_page_util: the helpers the pages share (controls, JSON results,
 * starting a job, the status line, the save dialog). */
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

/* ---- small helpers --------------------------------------------------------- */

HWND gp_ctl(gui_app *app, int id)
{
    return GetDlgItem(app->wnd, id);
}

const char *gp_jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

int gp_jbool(const cJSON *o, const char *k)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

double gp_jnum(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

void gp_set_text(HWND h, const char *s)
{
    wchar_t *w = gui_wide(s);
    SetWindowTextW(h, w ? w : L"");
    free(w);
}

void gp_lv_columns(HWND lv, const wchar_t *const *names, const int *widths, int n, gui_app *app)
{
    ListView_SetExtendedListViewStyle(lv, LVS_EX_FULLROWSELECT | LVS_EX_GRIDLINES |
                                              LVS_EX_DOUBLEBUFFER);
    for (int i = 0; i < n; i++) {
        LVCOLUMNW c;
        memset(&c, 0, sizeof c);
        c.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_SUBITEM;
        c.pszText = (wchar_t *)names[i];
        c.cx = gui_scale(app, widths[i]);
        c.iSubItem = i;
        SendMessageW(lv, LVM_INSERTCOLUMNW, (WPARAM)i, (LPARAM)&c);
    }
}

/* Adds a row; cells are UTF-8. lparam: the row's flag (custom draw). */
void gp_lv_row(HWND lv, const char *const *cells, int n, LPARAM lparam)
{
    int row = (int)SendMessageW(lv, LVM_GETITEMCOUNT, 0, 0);
    for (int i = 0; i < n; i++) {
        wchar_t *w = gui_wide(cells[i]);
        LVITEMW it;
        memset(&it, 0, sizeof it);
        it.mask = LVIF_TEXT | (i == 0 ? LVIF_PARAM : 0);
        it.iItem = row;
        it.iSubItem = i;
        it.pszText = w ? w : (wchar_t *)L"";
        it.lParam = lparam;
        SendMessageW(lv, i == 0 ? LVM_INSERTITEMW : LVM_SETITEMW, 0, (LPARAM)&it);
        free(w);
    }
}

/* The error of a failed command: the status line (red) and the detail box
 * with what to do next. */
void gp_show_error(gui_app *app, const cJSON *res, const wchar_t *fallback)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(res, "error");
    app->status_error = 1;
    if (!e) {
        gui_set_status(app, fallback, NULL);
        return;
    }
    char line[1024], detail[2048];
    snprintf(line, sizeof line, "エラー: %s", gp_jstr(e, "message"));
    const char *fix = gp_jstr(e, "fix"), *d = gp_jstr(e, "detail");
    snprintf(detail, sizeof detail, "%s%s%s%s%s", fix[0] ? "対処: " : "", fix,
             fix[0] && d[0] ? "\r\n" : "", d[0] ? "詳細: " : "", d);
    wchar_t *wl = gui_wide(line), *wd = gui_wide(detail);
    gui_set_status(app, wl, wd);
    free(wl);
    free(wd);
    InvalidateRect(gp_ctl(app, IDC_STATUS), NULL, TRUE);
}

void gp_show_ok(gui_app *app, const wchar_t *text)
{
    app->status_error = 0;
    gui_set_status(app, text, NULL);
    InvalidateRect(gp_ctl(app, IDC_STATUS), NULL, TRUE);
}

int gp_start(gui_app *app, gui_job *j, const wchar_t *what)
{
    if (app->job) {
        gp_ask(app, L"前の処理が終わるまでお待ちください。", L"管理ツール",
               MB_OK | MB_ICONINFORMATION);
        gui_job_free(j);
        return -1;
    }
    if (gui_job_start(app, j) != 0) {
        gp_show_error(app, NULL, L"エラー: 処理を開始できませんでした (メモリ不足)");
        return -1;
    }
    gui_busy(app, what);
    return 0;
}

/* A message box in Japanese (its buttons too: はい / いいえ where Windows
 * has the Japanese resources). */
int gp_ask(gui_app *app, const wchar_t *text, const wchar_t *title, UINT type)
{
    return MessageBoxExW(app->wnd, text, title, type, MAKELANGID(LANG_JAPANESE, SUBLANG_DEFAULT));
}

int gp_checked(gui_app *app, int id)
{
    return SendMessageW(gp_ctl(app, id), BM_GETCHECK, 0, 0) == BST_CHECKED;
}

void gp_check(gui_app *app, int id, int on)
{
    SendMessageW(gp_ctl(app, id), BM_SETCHECK, on ? BST_CHECKED : BST_UNCHECKED, 0);
}
