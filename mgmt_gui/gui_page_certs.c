/* 3. 証明書一覧取得 / 4. 証明書設定: the certificates of the gBizID, and
 * selecting one for a provider. */
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

/* ---- 3. 証明書一覧 / 4. 証明書設定 --------------------------------------------- */

void certs_create(gui_app *app)
{
    static const wchar_t *const cols[] = {L"名義人",   L"会社名", L"発行者",
                                          L"有効期限", L"鍵",     L"使用"};
    static const int widths[] = {100, 160, 130, 100, 70, 65};
    gui_add(app, GUI_PAGE_CERTS, WC_STATICW, L"証明書:", LABEL, 0, 215, 92, 200, 18);
    HWND lv = gui_add(app, GUI_PAGE_CERTS, WC_LISTVIEWW, NULL,
                      WS_VISIBLE | WS_TABSTOP | LVS_REPORT | LVS_SINGLESEL | LVS_SHOWSELALWAYS,
                      IDC_CERT_LIST, 215, 112, 655, 340);
    gp_lv_columns(lv, cols, widths, 6, app);
    gui_add(app, GUI_PAGE_CERTS, WC_BUTTONW, L"最新の情報に更新", BTN, IDC_CERT_REFRESH, 215, 462,
            160, 30);

    int p = GUI_PAGE_USE;
    gui_add(app, p, WC_STATICW, L"証明書:", LABEL, 0, 215, 96, 100, 20);
    gui_add(app, p, WC_COMBOBOXW, NULL, WS_VISIBLE | WS_TABSTOP | CBS_DROPDOWNLIST | WS_VSCROLL,
            IDC_USE_CERT, 215, 118, 655, 200);
    gui_add(app, p, WC_BUTTONW, L"使うプロバイダー", WS_VISIBLE | BS_GROUPBOX, 0, 215, 156, 655,
            100);
    gui_add(app, p, WC_BUTTONW, L"CSP と KSP の両方 (おすすめ)", RADIO | WS_GROUP | WS_TABSTOP,
            IDC_USE_BOTH, 232, 178, 500, 22);
    gui_add(app, p, WC_BUTTONW, L"CSP (CryptoAPI) のみ", RADIO, IDC_USE_CSP, 232, 202, 500, 22);
    gui_add(app, p, WC_BUTTONW, L"KSP (CNG) のみ", RADIO, IDC_USE_KSP, 232, 226, 500, 22);
    gui_add(app, p, WC_BUTTONW, L"設定する", BTN | WS_GROUP, IDC_USE_SET, 215, 272, 140, 30);
    gui_add(app, p, WC_BUTTONW, L"設定を解除する", BTN, IDC_USE_UNSET, 365, 272, 140, 30);
    gp_check(app, IDC_USE_BOTH, 1);
}

void certs_load(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_CERTS);
    if (j && gui_job_cmd(j, "certs", NULL) == 0)
        gp_start(app, j, L"証明書の一覧を取得しています…");
    else
        gui_job_free(j);
}

static const char *providers_text(const cJSON *cr, char *buf, size_t n)
{
    const cJSON *p;
    int csp = 0, ksp = 0;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(cr, "providers"))
    {
        if (cJSON_IsString(p) && strcmp(p->valuestring, "csp") == 0)
            csp = 1;
        if (cJSON_IsString(p) && strcmp(p->valuestring, "ksp") == 0)
            ksp = 1;
    }
    snprintf(buf, n, "%s", csp && ksp ? "CSP+KSP" : csp ? "CSP" : ksp ? "KSP" : "-");
    return buf;
}

void certs_shown(gui_app *app)
{
    HWND lv = gp_ctl(app, IDC_CERT_LIST), cb = gp_ctl(app, IDC_USE_CERT);
    SendMessageW(lv, LVM_DELETEALLITEMS, 0, 0);
    SendMessageW(cb, CB_RESETCONTENT, 0, 0);
    const cJSON *cr;
    int n = 0;
    cJSON_ArrayForEach(cr, cJSON_GetObjectItemCaseSensitive(app->certs, "credentials"))
    {
        char key[32], prov[16], valid[64], item[1024];
        snprintf(key, sizeof key, "%s %u", gp_jstr(cr, "key_type"),
                 (unsigned)gp_jnum(cr, "key_bits"));
        const char *to = gp_jstr(cr, "valid_to");
        snprintf(valid, sizeof valid, "%.10s%s", to,
                 strcmp(gp_jstr(cr, "status"), "valid") != 0 ? " (無効)"
                 : gp_jbool(cr, "expiring_soon")             ? " (まもなく期限切れ)"
                                                             : "");
        const char *cells[] = {gp_jstr(cr, "holder"),
                               gp_jstr(cr, "organization"),
                               gp_jstr(cr, "issuer_name"),
                               valid,
                               key,
                               providers_text(cr, prov, sizeof prov)};
        gp_lv_row(lv, cells, 6,
                  gp_jbool(cr, "expiring_soon") || strcmp(gp_jstr(cr, "status"), "valid"));
        snprintf(item, sizeof item, "%s (%s) — %s — 有効期限 %.10s — 使用: %s",
                 gp_jstr(cr, "holder"), gp_jstr(cr, "organization"), key, to, prov);
        wchar_t *w = gui_wide(item);
        SendMessageW(cb, CB_ADDSTRING, 0, (LPARAM)(w ? w : L""));
        free(w);
        n++;
    }
    SendMessageW(cb, CB_SETCURSEL, 0, 0);
    wchar_t msg[128];
    swprintf(msg, 128,
             n ? L"証明書が %d 件あります。" : L"この G ビズ ID に紐づく証明書はありません。", n);
    gp_show_ok(app, msg);
}

void certs_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    if (j->rc != 0) {
        gp_show_error(app, res, L"エラー: 証明書の一覧を取得できません");
        return;
    }
    cJSON_Delete(app->certs);
    app->certs = j->json[0];
    j->json[0] = NULL;
    certs_shown(app);
}

static const char *selected_cert_id(gui_app *app)
{
    LRESULT sel = SendMessageW(gp_ctl(app, IDC_USE_CERT), CB_GETCURSEL, 0, 0);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(app->certs, "credentials");
    const cJSON *cr = sel >= 0 ? cJSON_GetArrayItem(arr, (int)sel) : NULL;
    return cr ? gp_jstr(cr, "id") : NULL;
}

void use_run(gui_app *app, int set)
{
    const char *id = selected_cert_id(app);
    if (!id || !id[0]) {
        gp_ask(app, L"証明書がありません。先に「3. 証明書一覧取得」で一覧を取得してください。",
               L"証明書設定", MB_OK | MB_ICONWARNING);
        return;
    }
    const char *prov = gp_checked(app, IDC_USE_CSP)   ? "csp"
                       : gp_checked(app, IDC_USE_KSP) ? "ksp"
                                                      : "both";
    gui_job *j = gui_job_new(set ? ACT_USE : ACT_UNSET);
    int ok = j && (set ? gui_job_cmd(j, "use", id, "--provider", prov, NULL)
                       : gui_job_cmd(j, "unset", id, NULL)) == 0;
    ok = ok && gui_job_cmd(j, "certs", NULL) == 0; /* the list shows the new state */
    if (ok)
        gp_start(app, j, set ? L"証明書を設定しています…" : L"証明書の設定を解除しています…");
    else
        gui_job_free(j);
}

void use_done(gui_app *app, gui_job *j)
{
    if (j->rc != 0 || j->ran < 1) {
        gp_show_error(app, j->ran ? j->json[j->ran - 1] : NULL, L"エラー: 設定できません");
        return;
    }
    int sel = (int)SendMessageW(gp_ctl(app, IDC_USE_CERT), CB_GETCURSEL, 0, 0);
    if (j->ran == 2 && j->json[1]) {
        cJSON_Delete(app->certs);
        app->certs = j->json[1];
        j->json[1] = NULL;
        certs_shown(app);
        SendMessageW(gp_ctl(app, IDC_USE_CERT), CB_SETCURSEL, (WPARAM)sel, 0);
    }
    gp_show_ok(app,
               j->action == ACT_USE
                   ? L"証明書を設定しました。署名アプリケーションの証明書の選択に表示されます。"
                   : L"証明書の設定を解除しました。");
}
