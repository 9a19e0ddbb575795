/* 2. G ビズ ID 認証: the login state and the login through the browser. */
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

/* ---- 2. G ビズ ID 認証 ---------------------------------------------------------- */

void login_create(gui_app *app)
{
    int p = GUI_PAGE_LOGIN;
    gui_add(app, p, WC_STATICW, L"ログイン状態を確認しています…", LABEL, IDC_LOGIN_STATE, 215, 96,
            655, 40);
    gui_add(app, p, WC_BUTTONW, L"G ビズ ID でログイン", BTN, IDC_LOGIN, 215, 142, 220, 32);
    gui_add(app, p, WC_STATICW,
            L"ブラウザが開かない場合は、次のアドレスをブラウザに貼り付けてください:", LABEL, 0, 215,
            190, 655, 20);
    gui_add(app, p, WC_EDITW, NULL, EDIT | ES_READONLY, IDC_LOGIN_URL, 215, 212, 545, 24);
    gui_add(app, p, WC_BUTTONW, L"ブラウザで開く", BTN | WS_DISABLED, IDC_LOGIN_OPEN, 770, 210, 100,
            28);
}

void login_state(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_LOGIN_STATE);
    if (j && gui_job_cmd(j, "status", NULL) == 0)
        gp_start(app, j, L"ログイン状態を確認しています…");
    else
        gui_job_free(j);
}

void login_state_shown(gui_app *app, const cJSON *res)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(res, "login");
    char buf[512];
    if (gp_jbool(l, "logged_in"))
        snprintf(buf, sizeof buf,
                 "ログインしています。アクセス トークンの有効期限: %s (以後は自動で更新されます)",
                 gp_jstr(l, "access_expires_at"));
    else
        snprintf(buf, sizeof buf,
                 "ログインしていません。「G ビズ ID でログイン」を押してください。");
    gp_set_text(gp_ctl(app, IDC_LOGIN_STATE), buf);
}

void login_start(gui_app *app)
{
    SetWindowTextW(gp_ctl(app, IDC_LOGIN_URL), L"");
    EnableWindow(gp_ctl(app, IDC_LOGIN_OPEN), FALSE);
    gui_job *j = gui_job_new(ACT_LOGIN);
    /* then the certificates: who logged in (the holder and the company) */
    if (j && gui_job_cmd(j, "login", "--timeout", "300", NULL) == 0 &&
        gui_job_cmd(j, "certs", NULL) == 0)
        gp_start(app, j, L"ブラウザでのログインを待っています… (最大 5 分)");
    else
        gui_job_free(j);
}

void login_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    if (j->rc != 0 && j->ran < 2) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(res, "error");
        if (strcmp(gp_jstr(e, "code"), "CRPKI_E_CANCELLED") == 0)
            gp_show_ok(app, L"ログインを取り消しました。");
        else
            gp_show_error(app, res, L"エラー: ログインできませんでした");
        return;
    }
    char who[600] = "", buf[1024];
    const cJSON *first =
        j->ran == 2
            ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j->json[1], "credentials"), 0)
            : NULL;
    if (first)
        snprintf(who, sizeof who, "%s (%s) として", gp_jstr(first, "holder"),
                 gp_jstr(first, "organization"));
    snprintf(buf, sizeof buf,
             "%sログインしました。アクセス トークンの有効期限: %s (以後は自動で更新されます)", who,
             gp_jstr(res, "access_expires_at"));
    gp_set_text(gp_ctl(app, IDC_LOGIN_STATE), buf);
    if (j->ran == 2 && j->rc == 0) { /* the list is ready for pages 3 and 4 */
        cJSON_Delete(app->certs);
        app->certs = j->json[1];
        j->json[1] = NULL;
        certs_shown(app);
    }
    SetWindowTextW(gp_ctl(app, IDC_LOGIN_URL), L"");
    EnableWindow(gp_ctl(app, IDC_LOGIN_OPEN), FALSE);
    gp_show_ok(app, L"G ビズ ID にログインしました。次に「3. 証明書一覧取得」へ進んでください。");
}
