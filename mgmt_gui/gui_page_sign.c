/* テスト署名: a test signature of files under one approval. */
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

/* ---- テスト署名 ------------------------------------------------------------------- */

void sign_create(gui_app *app)
{
    int p = GUI_PAGE_SIGN;
    gui_add(app, p, WC_STATICW, L"署名するファイル (1 行に 1 つ):", LABEL, 0, 215, 96, 400, 20);
    gui_add(app, p, WC_EDITW, NULL,
            WS_VISIBLE | WS_TABSTOP | ES_MULTILINE | ES_AUTOVSCROLL | ES_AUTOHSCROLL |
                ES_WANTRETURN | WS_VSCROLL,
            IDC_SIGN_FILES, 215, 118, 545, 96);
    gui_add(app, p, WC_BUTTONW, L"参照...", BTN, IDC_SIGN_BROWSE, 770, 118, 100, 28);
    gui_add(app, p, WC_STATICW, L"プロバイダー:", LABEL, 0, 215, 228, 100, 20);
    HWND cb = gui_add(app, p, WC_COMBOBOXW, NULL, WS_VISIBLE | WS_TABSTOP | CBS_DROPDOWNLIST,
                      IDC_SIGN_PROV, 315, 224, 220, 100);
    SendMessageW(cb, CB_ADDSTRING, 0, (LPARAM)L"CSP (CryptoAPI)");
    SendMessageW(cb, CB_ADDSTRING, 0, (LPARAM)L"KSP (CNG)");
    SendMessageW(cb, CB_SETCURSEL, 0, 0);
    gui_add(app, p, WC_BUTTONW, L"テスト署名する", BTN, IDC_SIGN_RUN, 215, 262, 150, 30);
    gui_add(app, p, WC_STATICW, L"結果:", LABEL, 0, 215, 302, 100, 18);
    gui_add(app, p, WC_EDITW, NULL,
            WS_VISIBLE | WS_TABSTOP | ES_MULTILINE | ES_READONLY | ES_AUTOVSCROLL | WS_VSCROLL,
            IDC_SIGN_RESULT, 215, 322, 655, 180);
}

void sign_browse(gui_app *app)
{
    wchar_t buf[8192] = L"";
    OPENFILENAMEW of;
    memset(&of, 0, sizeof of);
    of.lStructSize = sizeof of;
    of.hwndOwner = app->wnd;
    of.lpstrFile = buf;
    of.nMaxFile = 8192;
    of.lpstrTitle = L"署名するファイルを選択";
    of.Flags = OFN_ALLOWMULTISELECT | OFN_EXPLORER | OFN_FILEMUSTEXIST | OFN_HIDEREADONLY;
    if (!GetOpenFileNameW(&of))
        return;
    /* one file: the path; several: the folder, then the names */
    wchar_t out[16384] = L"";
    const wchar_t *dir = buf, *name = buf + wcslen(buf) + 1;
    if (!*name)
        wcsncpy(out, buf, 16383);
    for (; *name; name += wcslen(name) + 1) {
        size_t used = wcslen(out);
        swprintf(out + used, 16384 - used, L"%ls\\%ls\r\n", dir, name);
    }
    SetWindowTextW(gp_ctl(app, IDC_SIGN_FILES), out);
}

void sign_run(gui_app *app)
{
    char *files = gui_text_utf8(gp_ctl(app, IDC_SIGN_FILES));
    if (!files)
        return;
    gui_job *j = gui_job_new(ACT_SIGN);
    if (!j) {
        free(files);
        return;
    }
    const char *prov =
        SendMessageW(gp_ctl(app, IDC_SIGN_PROV), CB_GETCURSEL, 0, 0) == 1 ? "ksp" : "csp";
    /* the command line: sign FILE... --provider P (at most 30 files here) */
    int c = j->ncmds++;
    const char *fixed[] = {"CrpkiManagementTool", "--lang", "ja", "sign", "--provider", prov};
    for (size_t i = 0; i < 6; i++)
        j->argv[c][j->argc[c]++] = plat_strdup(fixed[i]);
    int nf = 0;
    for (char *line = strtok(files, "\r\n"); line && j->argc[c] < GUI_JOB_MAX_ARGS - 1;
         line = strtok(NULL, "\r\n")) {
        while (*line == ' ')
            line++;
        if (*line) {
            j->argv[c][j->argc[c]++] = plat_strdup(line);
            nf++;
        }
    }
    free(files);
    if (!nf) {
        gui_job_free(j);
        gp_ask(app, L"署名するファイルを指定してください。", L"テスト署名", MB_OK | MB_ICONWARNING);
        return;
    }
    SetWindowTextW(gp_ctl(app, IDC_SIGN_RESULT), L"");
    gp_start(app, j, L"署名しています… スマートフォンの G ビズ ID アプリで承認してください。");
}

void sign_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    char out[8192] = "";
    size_t used = 0;
    const cJSON *f, *files = cJSON_GetObjectItemCaseSensitive(res, "files");
    if (files) {
        cJSON_ArrayForEach(f, files)
        {
            used += (size_t)snprintf(
                out + used, sizeof out - used, "%s %s%s%s\r\n",
                gp_jbool(f, "signed") ? "○ 署名・検証済み:" : "× 署名なし:", gp_jstr(f, "file"),
                gp_jbool(f, "signed") ? " → " : "",
                gp_jbool(f, "signed") ? gp_jstr(f, "out") : gp_jstr(f, "code"));
            if (used >= sizeof out)
                break;
        }
    } else if (j->rc == 0)
        snprintf(out, sizeof out, "○ 署名・検証済み: %s → %s\r\n", gp_jstr(res, "file"),
                 gp_jstr(res, "out"));
    gp_set_text(gp_ctl(app, IDC_SIGN_RESULT), out);
    if (j->rc != 0)
        gp_show_error(app, res, L"エラー: 署名できませんでした");
    else
        gp_show_ok(app, L"テスト署名に成功しました。署名は検証済みです。");
}
