/* 1. 通信環境設定: the proxy, the Windows sign-on at the proxy and the
 * service URL (read-only where the administrator fixed them), and the
 * connection test. */
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

/* ---- 1. 通信環境設定 ---------------------------------------------------------- */

/* What the administrator fixed stays as it is shown: those controls are
 * disabled (app->proxy_fixed, app->sign_on_fixed, from proxy show). */
void net_manual_enable(gui_app *app)
{
    int on = gp_checked(app, IDC_PX_MANUAL) && !app->proxy_fixed;
    const int ids[] = {IDC_PX_HOST, IDC_PX_PORT, IDC_PX_USER, IDC_PX_PASS, IDC_PX_BASIC};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        EnableWindow(gp_ctl(app, ids[i]), on);
    const int modes[] = {IDC_PX_NONE, IDC_PX_SYSTEM, IDC_PX_MANUAL};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        EnableWindow(gp_ctl(app, modes[i]), !app->proxy_fixed);
    /* the sign-on answers a proxy, of Windows' settings or this one */
    EnableWindow(gp_ctl(app, IDC_PX_SIGNON), !gp_checked(app, IDC_PX_NONE) && !app->sign_on_fixed);
}

void net_create(gui_app *app)
{
    int p = GUI_PAGE_NETWORK;
    gui_add(app, p, WC_BUTTONW, L"プロキシ", WS_VISIBLE | BS_GROUPBOX, 0, 215, 92, 655, 246);
    gui_add(app, p, WC_BUTTONW, L"使用しない (直接接続)", RADIO | WS_GROUP | WS_TABSTOP,
            IDC_PX_NONE, 232, 114, 280, 22);
    gui_add(app, p, WC_STATICW, NULL, LABEL, IDC_PX_NOTE, 520, 116, 340, 20);
    gui_add(app, p, WC_BUTTONW, L"Windows のプロキシ設定を使う", RADIO, IDC_PX_SYSTEM, 232, 138,
            400, 22);
    gui_add(app, p, WC_BUTTONW, L"次のプロキシを使う", RADIO, IDC_PX_MANUAL, 232, 162, 400, 22);
    gui_add(app, p, WC_STATICW, L"ホスト名:", LABEL | WS_GROUP, 0, 252, 196, 80, 20);
    gui_add(app, p, WC_EDITW, NULL, EDIT, IDC_PX_HOST, 335, 192, 250, 24);
    gui_add(app, p, WC_STATICW, L"ポート:", LABEL, 0, 600, 196, 50, 20);
    gui_add(app, p, WC_EDITW, NULL, EDIT | ES_NUMBER, IDC_PX_PORT, 655, 192, 80, 24);
    gui_add(app, p, WC_STATICW, L"ユーザー名:", LABEL, 0, 252, 226, 80, 20);
    gui_add(app, p, WC_EDITW, NULL, EDIT, IDC_PX_USER, 335, 222, 250, 24);
    gui_add(app, p, WC_STATICW, L"パスワード:", LABEL, 0, 252, 256, 80, 20);
    gui_add(app, p, WC_EDITW, NULL, EDIT | ES_PASSWORD, IDC_PX_PASS, 335, 252, 250, 24);
    gui_add(app, p, WC_BUTTONW, L"Basic 認証も許可する (パスワードが読み取れる形で送られます)",
            CHECK, IDC_PX_BASIC, 335, 282, 520, 22);
    gui_add(app, p, WC_BUTTONW,
            L"プロキシの認証に Windows のサインイン情報を使う (パスワードの入力は不要です)", CHECK,
            IDC_PX_SIGNON, 232, 310, 620, 22);
    gui_add(app, p, WC_STATICW, L"接続先 (リモート署名サービスの URL):", LABEL, 0, 215, 348, 400,
            20);
    gui_add(app, p, WC_EDITW, NULL, EDIT, IDC_SVC_URL, 215, 370, 655, 24);
    gui_add(app, p, WC_STATICW, NULL, LABEL, IDC_SVC_NOTE, 215, 398, 655, 20);
    gui_add(app, p, WC_BUTTONW, L"保存する", BTN, IDC_NET_SAVE, 215, 424, 130, 30);
    gui_add(app, p, WC_BUTTONW, L"接続テスト", BTN, IDC_NET_TEST, 355, 424, 130, 30);
    gp_check(app, IDC_PX_SYSTEM, 1);
    gp_check(app, IDC_PX_SIGNON, 1);
    net_manual_enable(app);
}

void net_load(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_NET_LOAD);
    if (j && gui_job_cmd(j, "proxy", "show", NULL) == 0 &&
        gui_job_cmd(j, "service", "show", NULL) == 0)
        gp_start(app, j, L"設定を読み込んでいます…");
    else
        gui_job_free(j);
}

static const wchar_t PW_KEPT[] = L"********"; /* shown for a stored password */

void net_loaded(gui_app *app, gui_job *j)
{
    if (j->rc != 0) {
        gp_show_error(app, j->json[j->ran - 1], L"エラー: 設定を読めません");
        return;
    }
    const cJSON *px = cJSON_GetObjectItemCaseSensitive(j->json[0], "proxy");
    const char *mode = gp_jstr(px, "mode");
    gp_check(app, IDC_PX_NONE, strcmp(mode, "none") == 0);
    gp_check(app, IDC_PX_SYSTEM, strcmp(mode, "system") == 0);
    gp_check(app, IDC_PX_MANUAL, strcmp(mode, "explicit") == 0);
    gp_set_text(gp_ctl(app, IDC_PX_HOST), gp_jstr(px, "host"));
    wchar_t port[16] = L"";
    if (gp_jnum(px, "port") > 0)
        swprintf(port, 16, L"%u", (unsigned)gp_jnum(px, "port"));
    SetWindowTextW(gp_ctl(app, IDC_PX_PORT), port);
    gp_set_text(gp_ctl(app, IDC_PX_USER), gp_jstr(px, "user"));
    SetWindowTextW(gp_ctl(app, IDC_PX_PASS), gp_jbool(px, "password_set") ? PW_KEPT : L"");
    SendMessageW(gp_ctl(app, IDC_PX_PASS), EM_SETMODIFY, FALSE, 0);
    gp_check(app, IDC_PX_BASIC, gp_jbool(px, "allow_basic"));
    const cJSON *so = cJSON_GetObjectItemCaseSensitive(px, "sign_on");
    gp_check(app, IDC_PX_SIGNON, !cJSON_IsFalse(so));
    app->proxy_fixed = gp_jbool(px, "fixed");
    app->sign_on_fixed = gp_jbool(px, "sign_on_fixed");
    SetWindowTextW(gp_ctl(app, IDC_PX_NOTE), app->proxy_fixed || app->sign_on_fixed
                                                 ? L"組織の管理者によって設定されています"
                                                 : L"");
    net_manual_enable(app);
    const cJSON *svc = cJSON_GetObjectItemCaseSensitive(j->json[1], "service");
    gp_set_text(gp_ctl(app, IDC_SVC_URL), gp_jstr(svc, "url"));
    app->service_machine = gp_jbool(svc, "fixed");
    SendMessageW(gp_ctl(app, IDC_SVC_URL), EM_SETREADONLY, app->service_machine, 0);
    SetWindowTextW(gp_ctl(app, IDC_SVC_NOTE),
                   app->service_machine
                       ? L"接続先は組織の管理者によって設定されています (変更できません)。"
                       : L"");
    gp_show_ok(app, L"現在の設定を表示しています。");
}

void net_save(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_NET_SAVE);
    if (!j)
        return;
    char *url = gui_text_utf8(gp_ctl(app, IDC_SVC_URL));
    char *host = gui_text_utf8(gp_ctl(app, IDC_PX_HOST));
    char *port = gui_text_utf8(gp_ctl(app, IDC_PX_PORT));
    char *user = gui_text_utf8(gp_ctl(app, IDC_PX_USER));
    char *pass = gui_text_utf8(gp_ctl(app, IDC_PX_PASS));
    int pass_changed = (int)SendMessageW(gp_ctl(app, IDC_PX_PASS), EM_GETMODIFY, 0, 0);
    int ok = url && host && port && user && pass;
    if (ok && !app->service_machine && url[0])
        ok = gui_job_cmd(j, "service", "set", url, NULL) == 0;
    if (ok && app->proxy_fixed) {
        /* the administrator's proxy: nothing of it to save */
    } else if (ok && gp_checked(app, IDC_PX_MANUAL)) {
        if (!host[0] || !port[0]) {
            gp_ask(app, L"プロキシのホスト名とポートを入力してください。", L"通信環境設定",
                   MB_OK | MB_ICONWARNING);
            ok = 0;
            SetFocus(gp_ctl(app, host[0] ? IDC_PX_PORT : IDC_PX_HOST));
        } else {
            char hp[600];
            snprintf(hp, sizeof hp, "%s:%s", host, port);
            ok = gui_job_cmd(j, "proxy", "set", hp, NULL) == 0;
            if (ok && user[0])
                ok = gui_job_arg(j, "--user") == 0 && gui_job_arg(j, user) == 0;
            if (ok && user[0] && pass_changed && pass[0]) {
                snprintf(j->secret, sizeof j->secret, "%s", pass);
                ok = gui_job_arg(j, "--password-stdin") == 0;
            } else if (ok && user[0] && !pass_changed && pass[0]) {
                ok = gui_job_arg(j, "--keep-password") == 0;
            }
            if (ok && gp_checked(app, IDC_PX_BASIC))
                ok = gui_job_arg(j, "--allow-basic") == 0;
        }
    } else if (ok)
        ok = gui_job_cmd(j, "proxy", gp_checked(app, IDC_PX_NONE) ? "none" : "system", NULL) == 0;
    if (ok && !app->proxy_fixed && !app->sign_on_fixed && !gp_checked(app, IDC_PX_NONE) &&
        !gp_checked(app, IDC_PX_SIGNON))
        ok = gui_job_arg(j, "--no-sign-on") == 0;
    if (pass) {
        SecureZeroMemory(pass, strlen(pass));
        free(pass);
    }
    free(url), free(host), free(port), free(user);
    if (ok && j->ncmds == 0) { /* everything here is the administrator's */
        gui_job_free(j);
        gp_show_ok(app, L"保存する設定はありません (組織の管理者によって設定されています)。");
    } else if (ok)
        gp_start(app, j, L"設定を保存しています…");
    else
        gui_job_free(j);
}

void net_saved(gui_app *app, gui_job *j)
{
    if (j->rc != 0) {
        gp_show_error(app, j->json[j->ran - 1], L"エラー: 設定を保存できません");
        return;
    }
    SendMessageW(gp_ctl(app, IDC_PX_PASS), EM_SETMODIFY, FALSE, 0);
    if (GetWindowTextLengthW(gp_ctl(app, IDC_PX_PASS)) > 0)
        SetWindowTextW(gp_ctl(app, IDC_PX_PASS), PW_KEPT);
    gp_show_ok(app, L"通信環境設定を保存しました。「接続テスト」で確認できます。");
}

static const cJSON *status_check(const cJSON *res, const char *name)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(res, "checks"))
    {
        if (strcmp(gp_jstr(c, "name"), name) == 0)
            return c;
    }
    return NULL;
}

void net_tested(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[j->ran - 1] : NULL;
    const cJSON *svc = status_check(res, "service");
    if (!svc) {
        gp_show_error(app, res, L"エラー: 接続テストを実行できません");
        return;
    }
    char line[1024];
    snprintf(line, sizeof line, "%s%s",
             gp_jbool(svc, "ok") ? "接続できました: " : "接続できません: ", gp_jstr(svc, "detail"));
    wchar_t *w = gui_wide(line), *fix = gui_wide(gp_jstr(svc, "fix"));
    app->status_error = !gp_jbool(svc, "ok");
    gui_set_status(app, w, fix && fix[0] ? fix : NULL);
    InvalidateRect(gp_ctl(app, IDC_STATUS), NULL, TRUE);
    free(w);
    free(fix);
}
