/* The pages: each one's controls, the crpki-mgmt commands its buttons run
 * (gui_job), and how their JSON results are shown. No decision about
 * certificates, logins or settings is made here: the commands make them. */
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
#include "gui.h"

enum {
    ACT_NET_LOAD = 1,
    ACT_NET_SAVE,
    ACT_NET_TEST,
    ACT_LOGIN_STATE,
    ACT_LOGIN,
    ACT_CERTS,
    ACT_USE,
    ACT_UNSET,
    ACT_LOGOUT,
    ACT_STATUS,
    ACT_SIGN,
    ACT_EXPORT,
    ACT_HISTORY,
    ACT_HISTORY_CSV,
};

#define BTN   (WS_VISIBLE | WS_TABSTOP | BS_PUSHBUTTON)
#define EDIT  (WS_VISIBLE | WS_TABSTOP | ES_AUTOHSCROLL)
#define LABEL (WS_VISIBLE | SS_NOPREFIX)
#define RADIO (WS_VISIBLE | BS_AUTORADIOBUTTON)
#define CHECK (WS_VISIBLE | WS_TABSTOP | BS_AUTOCHECKBOX)

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

/* ---- small helpers --------------------------------------------------------- */

static int ask(gui_app *app, const wchar_t *text, const wchar_t *title, UINT type);
static void certs_shown(gui_app *app);

static HWND ctl(gui_app *app, int id)
{
    return GetDlgItem(app->wnd, id);
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

static int jbool(const cJSON *o, const char *k)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static double jnum(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void set_text_utf8(HWND h, const char *s)
{
    wchar_t *w = gui_wide(s);
    SetWindowTextW(h, w ? w : L"");
    free(w);
}

static void lv_columns(HWND lv, const wchar_t *const *names, const int *widths, int n, gui_app *app)
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
static void lv_row(HWND lv, const char *const *cells, int n, LPARAM lparam)
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
static void show_error(gui_app *app, const cJSON *res, const wchar_t *fallback)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(res, "error");
    app->status_error = 1;
    if (!e) {
        gui_set_status(app, fallback, NULL);
        return;
    }
    char line[1024], detail[2048];
    snprintf(line, sizeof line, "エラー: %s", jstr(e, "message"));
    const char *fix = jstr(e, "fix"), *d = jstr(e, "detail");
    snprintf(detail, sizeof detail, "%s%s%s%s%s", fix[0] ? "対処: " : "", fix,
             fix[0] && d[0] ? "\r\n" : "", d[0] ? "詳細: " : "", d);
    wchar_t *wl = gui_wide(line), *wd = gui_wide(detail);
    gui_set_status(app, wl, wd);
    free(wl);
    free(wd);
    InvalidateRect(ctl(app, IDC_STATUS), NULL, TRUE);
}

static void show_ok(gui_app *app, const wchar_t *text)
{
    app->status_error = 0;
    gui_set_status(app, text, NULL);
    InvalidateRect(ctl(app, IDC_STATUS), NULL, TRUE);
}

static int start(gui_app *app, gui_job *j, const wchar_t *what)
{
    if (app->job) {
        ask(app, L"前の処理が終わるまでお待ちください。", L"管理ツール",
            MB_OK | MB_ICONINFORMATION);
        gui_job_free(j);
        return -1;
    }
    if (gui_job_start(app, j) != 0) {
        show_error(app, NULL, L"エラー: 処理を開始できませんでした (メモリ不足)");
        return -1;
    }
    gui_busy(app, what);
    return 0;
}

/* A message box in Japanese (its buttons too: はい / いいえ where Windows
 * has the Japanese resources). */
static int ask(gui_app *app, const wchar_t *text, const wchar_t *title, UINT type)
{
    return MessageBoxExW(app->wnd, text, title, type, MAKELANGID(LANG_JAPANESE, SUBLANG_DEFAULT));
}

static int checked(gui_app *app, int id)
{
    return SendMessageW(ctl(app, id), BM_GETCHECK, 0, 0) == BST_CHECKED;
}

static void check(gui_app *app, int id, int on)
{
    SendMessageW(ctl(app, id), BM_SETCHECK, on ? BST_CHECKED : BST_UNCHECKED, 0);
}

/* ---- 1. 通信環境設定 ---------------------------------------------------------- */

/* What the administrator fixed stays as it is shown: those controls are
 * disabled (app->proxy_fixed, app->sign_on_fixed, from proxy show). */
static void net_manual_enable(gui_app *app)
{
    int on = checked(app, IDC_PX_MANUAL) && !app->proxy_fixed;
    const int ids[] = {IDC_PX_HOST, IDC_PX_PORT, IDC_PX_USER, IDC_PX_PASS, IDC_PX_BASIC};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        EnableWindow(ctl(app, ids[i]), on);
    const int modes[] = {IDC_PX_NONE, IDC_PX_SYSTEM, IDC_PX_MANUAL};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        EnableWindow(ctl(app, modes[i]), !app->proxy_fixed);
    /* the sign-on answers a proxy, of Windows' settings or this one */
    EnableWindow(ctl(app, IDC_PX_SIGNON), !checked(app, IDC_PX_NONE) && !app->sign_on_fixed);
}

static void net_create(gui_app *app)
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
    check(app, IDC_PX_SYSTEM, 1);
    check(app, IDC_PX_SIGNON, 1);
    net_manual_enable(app);
}

static void net_load(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_NET_LOAD);
    if (j && gui_job_cmd(j, "proxy", "show", NULL) == 0 &&
        gui_job_cmd(j, "service", "show", NULL) == 0)
        start(app, j, L"設定を読み込んでいます…");
    else
        gui_job_free(j);
}

static const wchar_t PW_KEPT[] = L"********"; /* shown for a stored password */

static void net_loaded(gui_app *app, gui_job *j)
{
    if (j->rc != 0) {
        show_error(app, j->json[j->ran - 1], L"エラー: 設定を読めません");
        return;
    }
    const cJSON *px = cJSON_GetObjectItemCaseSensitive(j->json[0], "proxy");
    const char *mode = jstr(px, "mode");
    check(app, IDC_PX_NONE, strcmp(mode, "none") == 0);
    check(app, IDC_PX_SYSTEM, strcmp(mode, "system") == 0);
    check(app, IDC_PX_MANUAL, strcmp(mode, "explicit") == 0);
    set_text_utf8(ctl(app, IDC_PX_HOST), jstr(px, "host"));
    wchar_t port[16] = L"";
    if (jnum(px, "port") > 0)
        swprintf(port, 16, L"%u", (unsigned)jnum(px, "port"));
    SetWindowTextW(ctl(app, IDC_PX_PORT), port);
    set_text_utf8(ctl(app, IDC_PX_USER), jstr(px, "user"));
    SetWindowTextW(ctl(app, IDC_PX_PASS), jbool(px, "password_set") ? PW_KEPT : L"");
    SendMessageW(ctl(app, IDC_PX_PASS), EM_SETMODIFY, FALSE, 0);
    check(app, IDC_PX_BASIC, jbool(px, "allow_basic"));
    const cJSON *so = cJSON_GetObjectItemCaseSensitive(px, "sign_on");
    check(app, IDC_PX_SIGNON, !cJSON_IsFalse(so));
    app->proxy_fixed = jbool(px, "fixed");
    app->sign_on_fixed = jbool(px, "sign_on_fixed");
    SetWindowTextW(ctl(app, IDC_PX_NOTE), app->proxy_fixed || app->sign_on_fixed
                                              ? L"組織の管理者によって設定されています"
                                              : L"");
    net_manual_enable(app);
    const cJSON *svc = cJSON_GetObjectItemCaseSensitive(j->json[1], "service");
    set_text_utf8(ctl(app, IDC_SVC_URL), jstr(svc, "url"));
    app->service_machine = jbool(svc, "fixed");
    SendMessageW(ctl(app, IDC_SVC_URL), EM_SETREADONLY, app->service_machine, 0);
    SetWindowTextW(ctl(app, IDC_SVC_NOTE),
                   app->service_machine
                       ? L"接続先は組織の管理者によって設定されています (変更できません)。"
                       : L"");
    show_ok(app, L"現在の設定を表示しています。");
}

static void net_save(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_NET_SAVE);
    if (!j)
        return;
    char *url = gui_text_utf8(ctl(app, IDC_SVC_URL));
    char *host = gui_text_utf8(ctl(app, IDC_PX_HOST));
    char *port = gui_text_utf8(ctl(app, IDC_PX_PORT));
    char *user = gui_text_utf8(ctl(app, IDC_PX_USER));
    char *pass = gui_text_utf8(ctl(app, IDC_PX_PASS));
    int pass_changed = (int)SendMessageW(ctl(app, IDC_PX_PASS), EM_GETMODIFY, 0, 0);
    int ok = url && host && port && user && pass;
    if (ok && !app->service_machine && url[0])
        ok = gui_job_cmd(j, "service", "set", url, NULL) == 0;
    if (ok && app->proxy_fixed) {
        /* the administrator's proxy: nothing of it to save */
    } else if (ok && checked(app, IDC_PX_MANUAL)) {
        if (!host[0] || !port[0]) {
            ask(app, L"プロキシのホスト名とポートを入力してください。", L"通信環境設定",
                MB_OK | MB_ICONWARNING);
            ok = 0;
            SetFocus(ctl(app, host[0] ? IDC_PX_PORT : IDC_PX_HOST));
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
            if (ok && checked(app, IDC_PX_BASIC))
                ok = gui_job_arg(j, "--allow-basic") == 0;
        }
    } else if (ok)
        ok = gui_job_cmd(j, "proxy", checked(app, IDC_PX_NONE) ? "none" : "system", NULL) == 0;
    if (ok && !app->proxy_fixed && !app->sign_on_fixed && !checked(app, IDC_PX_NONE) &&
        !checked(app, IDC_PX_SIGNON))
        ok = gui_job_arg(j, "--no-sign-on") == 0;
    if (pass) {
        SecureZeroMemory(pass, strlen(pass));
        free(pass);
    }
    free(url), free(host), free(port), free(user);
    if (ok && j->ncmds == 0) { /* everything here is the administrator's */
        gui_job_free(j);
        show_ok(app, L"保存する設定はありません (組織の管理者によって設定されています)。");
    } else if (ok)
        start(app, j, L"設定を保存しています…");
    else
        gui_job_free(j);
}

static void net_saved(gui_app *app, gui_job *j)
{
    if (j->rc != 0) {
        show_error(app, j->json[j->ran - 1], L"エラー: 設定を保存できません");
        return;
    }
    SendMessageW(ctl(app, IDC_PX_PASS), EM_SETMODIFY, FALSE, 0);
    if (GetWindowTextLengthW(ctl(app, IDC_PX_PASS)) > 0)
        SetWindowTextW(ctl(app, IDC_PX_PASS), PW_KEPT);
    show_ok(app, L"通信環境設定を保存しました。「接続テスト」で確認できます。");
}

static const cJSON *status_check(const cJSON *res, const char *name)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(res, "checks"))
    {
        if (strcmp(jstr(c, "name"), name) == 0)
            return c;
    }
    return NULL;
}

static void net_tested(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[j->ran - 1] : NULL;
    const cJSON *svc = status_check(res, "service");
    if (!svc) {
        show_error(app, res, L"エラー: 接続テストを実行できません");
        return;
    }
    char line[1024];
    snprintf(line, sizeof line, "%s%s",
             jbool(svc, "ok") ? "接続できました: " : "接続できません: ", jstr(svc, "detail"));
    wchar_t *w = gui_wide(line), *fix = gui_wide(jstr(svc, "fix"));
    app->status_error = !jbool(svc, "ok");
    gui_set_status(app, w, fix && fix[0] ? fix : NULL);
    InvalidateRect(ctl(app, IDC_STATUS), NULL, TRUE);
    free(w);
    free(fix);
}

/* ---- 2. G ビズ ID 認証 ---------------------------------------------------------- */

static void login_create(gui_app *app)
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

static void login_state(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_LOGIN_STATE);
    if (j && gui_job_cmd(j, "status", NULL) == 0)
        start(app, j, L"ログイン状態を確認しています…");
    else
        gui_job_free(j);
}

static void login_state_shown(gui_app *app, const cJSON *res)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(res, "login");
    char buf[512];
    if (jbool(l, "logged_in"))
        snprintf(buf, sizeof buf,
                 "ログインしています。アクセス トークンの有効期限: %s (以後は自動で更新されます)",
                 jstr(l, "access_expires_at"));
    else
        snprintf(buf, sizeof buf,
                 "ログインしていません。「G ビズ ID でログイン」を押してください。");
    set_text_utf8(ctl(app, IDC_LOGIN_STATE), buf);
}

static void login_start(gui_app *app)
{
    SetWindowTextW(ctl(app, IDC_LOGIN_URL), L"");
    EnableWindow(ctl(app, IDC_LOGIN_OPEN), FALSE);
    gui_job *j = gui_job_new(ACT_LOGIN);
    /* then the certificates: who logged in (the holder and the company) */
    if (j && gui_job_cmd(j, "login", "--timeout", "300", NULL) == 0 &&
        gui_job_cmd(j, "certs", NULL) == 0)
        start(app, j, L"ブラウザでのログインを待っています… (最大 5 分)");
    else
        gui_job_free(j);
}

static void login_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    if (j->rc != 0 && j->ran < 2) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(res, "error");
        if (strcmp(jstr(e, "code"), "CRPKI_E_CANCELLED") == 0)
            show_ok(app, L"ログインを取り消しました。");
        else
            show_error(app, res, L"エラー: ログインできませんでした");
        return;
    }
    char who[600] = "", buf[1024];
    const cJSON *first =
        j->ran == 2
            ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j->json[1], "credentials"), 0)
            : NULL;
    if (first)
        snprintf(who, sizeof who, "%s (%s) として", jstr(first, "holder"),
                 jstr(first, "organization"));
    snprintf(buf, sizeof buf,
             "%sログインしました。アクセス トークンの有効期限: %s (以後は自動で更新されます)", who,
             jstr(res, "access_expires_at"));
    set_text_utf8(ctl(app, IDC_LOGIN_STATE), buf);
    if (j->ran == 2 && j->rc == 0) { /* the list is ready for pages 3 and 4 */
        cJSON_Delete(app->certs);
        app->certs = j->json[1];
        j->json[1] = NULL;
        certs_shown(app);
    }
    SetWindowTextW(ctl(app, IDC_LOGIN_URL), L"");
    EnableWindow(ctl(app, IDC_LOGIN_OPEN), FALSE);
    show_ok(app, L"G ビズ ID にログインしました。次に「3. 証明書一覧取得」へ進んでください。");
}

/* ---- 3. 証明書一覧 / 4. 証明書設定 --------------------------------------------- */

static void certs_create(gui_app *app)
{
    static const wchar_t *const cols[] = {L"名義人",   L"会社名", L"発行者",
                                          L"有効期限", L"鍵",     L"使用"};
    static const int widths[] = {100, 160, 130, 100, 70, 65};
    gui_add(app, GUI_PAGE_CERTS, WC_STATICW, L"証明書:", LABEL, 0, 215, 92, 200, 18);
    HWND lv = gui_add(app, GUI_PAGE_CERTS, WC_LISTVIEWW, NULL,
                      WS_VISIBLE | WS_TABSTOP | LVS_REPORT | LVS_SINGLESEL | LVS_SHOWSELALWAYS,
                      IDC_CERT_LIST, 215, 112, 655, 340);
    lv_columns(lv, cols, widths, 6, app);
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
    check(app, IDC_USE_BOTH, 1);
}

static void certs_load(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_CERTS);
    if (j && gui_job_cmd(j, "certs", NULL) == 0)
        start(app, j, L"証明書の一覧を取得しています…");
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

static void certs_shown(gui_app *app)
{
    HWND lv = ctl(app, IDC_CERT_LIST), cb = ctl(app, IDC_USE_CERT);
    SendMessageW(lv, LVM_DELETEALLITEMS, 0, 0);
    SendMessageW(cb, CB_RESETCONTENT, 0, 0);
    const cJSON *cr;
    int n = 0;
    cJSON_ArrayForEach(cr, cJSON_GetObjectItemCaseSensitive(app->certs, "credentials"))
    {
        char key[32], prov[16], valid[64], item[1024];
        snprintf(key, sizeof key, "%s %u", jstr(cr, "key_type"), (unsigned)jnum(cr, "key_bits"));
        const char *to = jstr(cr, "valid_to");
        snprintf(valid, sizeof valid, "%.10s%s", to,
                 strcmp(jstr(cr, "status"), "valid") != 0 ? " (無効)"
                 : jbool(cr, "expiring_soon")             ? " (まもなく期限切れ)"
                                                          : "");
        const char *cells[] = {jstr(cr, "holder"),
                               jstr(cr, "organization"),
                               jstr(cr, "issuer_name"),
                               valid,
                               key,
                               providers_text(cr, prov, sizeof prov)};
        lv_row(lv, cells, 6, jbool(cr, "expiring_soon") || strcmp(jstr(cr, "status"), "valid"));
        snprintf(item, sizeof item, "%s (%s) — %s — 有効期限 %.10s — 使用: %s", jstr(cr, "holder"),
                 jstr(cr, "organization"), key, to, prov);
        wchar_t *w = gui_wide(item);
        SendMessageW(cb, CB_ADDSTRING, 0, (LPARAM)(w ? w : L""));
        free(w);
        n++;
    }
    SendMessageW(cb, CB_SETCURSEL, 0, 0);
    wchar_t msg[128];
    swprintf(msg, 128,
             n ? L"証明書が %d 件あります。" : L"この G ビズ ID に紐づく証明書はありません。", n);
    show_ok(app, msg);
}

static void certs_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    if (j->rc != 0) {
        show_error(app, res, L"エラー: 証明書の一覧を取得できません");
        return;
    }
    cJSON_Delete(app->certs);
    app->certs = j->json[0];
    j->json[0] = NULL;
    certs_shown(app);
}

static const char *selected_cert_id(gui_app *app)
{
    LRESULT sel = SendMessageW(ctl(app, IDC_USE_CERT), CB_GETCURSEL, 0, 0);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(app->certs, "credentials");
    const cJSON *cr = sel >= 0 ? cJSON_GetArrayItem(arr, (int)sel) : NULL;
    return cr ? jstr(cr, "id") : NULL;
}

static void use_run(gui_app *app, int set)
{
    const char *id = selected_cert_id(app);
    if (!id || !id[0]) {
        ask(app, L"証明書がありません。先に「3. 証明書一覧取得」で一覧を取得してください。",
            L"証明書設定", MB_OK | MB_ICONWARNING);
        return;
    }
    const char *prov = checked(app, IDC_USE_CSP)   ? "csp"
                       : checked(app, IDC_USE_KSP) ? "ksp"
                                                   : "both";
    gui_job *j = gui_job_new(set ? ACT_USE : ACT_UNSET);
    int ok = j && (set ? gui_job_cmd(j, "use", id, "--provider", prov, NULL)
                       : gui_job_cmd(j, "unset", id, NULL)) == 0;
    ok = ok && gui_job_cmd(j, "certs", NULL) == 0; /* the list shows the new state */
    if (ok)
        start(app, j, set ? L"証明書を設定しています…" : L"証明書の設定を解除しています…");
    else
        gui_job_free(j);
}

static void use_done(gui_app *app, gui_job *j)
{
    if (j->rc != 0 || j->ran < 1) {
        show_error(app, j->ran ? j->json[j->ran - 1] : NULL, L"エラー: 設定できません");
        return;
    }
    int sel = (int)SendMessageW(ctl(app, IDC_USE_CERT), CB_GETCURSEL, 0, 0);
    if (j->ran == 2 && j->json[1]) {
        cJSON_Delete(app->certs);
        app->certs = j->json[1];
        j->json[1] = NULL;
        certs_shown(app);
        SendMessageW(ctl(app, IDC_USE_CERT), CB_SETCURSEL, (WPARAM)sel, 0);
    }
    show_ok(app, j->action == ACT_USE
                     ? L"証明書を設定しました。署名アプリケーションの証明書の選択に表示されます。"
                     : L"証明書の設定を解除しました。");
}

/* ---- 5. 認証解除 ------------------------------------------------------------------ */

static void logout_create(gui_app *app)
{
    int p = GUI_PAGE_LOGOUT;
    gui_add(app, p, WC_STATICW,
            L"注意: 認証を解除すると、もう一度ログインするまでこの PC では署名できません。"
            L"署名の途中で解除すると、その署名は失敗します。署名アプリケーションで署名して"
            L"いないことを確かめてから解除してください。",
            LABEL, 0, 215, 96, 655, 60);
    gui_add(app, p, WC_BUTTONW, L"この PC に設定した証明書も削除する", CHECK, IDC_LOGOUT_REMOVE,
            215, 166, 500, 24);
    gui_add(app, p, WC_BUTTONW, L"認証を解除する", BTN, IDC_LOGOUT, 215, 202, 160, 30);
}

static void logout_run(gui_app *app)
{
    if (ask(app, L"G ビズ ID の認証を解除しますか?\n署名の途中であれば、その署名は失敗します。",
            L"G ビズ ID 認証解除", MB_YESNO | MB_ICONWARNING | MB_DEFBUTTON2) != IDYES)
        return;
    gui_job *j = gui_job_new(ACT_LOGOUT);
    int ok =
        j && (checked(app, IDC_LOGOUT_REMOVE) ? gui_job_cmd(j, "logout", "--remove-certs", NULL)
                                              : gui_job_cmd(j, "logout", NULL)) == 0;
    if (ok)
        start(app, j, L"認証を解除しています…");
    else
        gui_job_free(j);
}

/* ---- 状態 --------------------------------------------------------------------------- */

static void status_create(gui_app *app)
{
    static const wchar_t *const cols[] = {L"項目", L"結果", L"内容"};
    static const int widths[] = {150, 50, 430};
    int p = GUI_PAGE_STATUS;
    gui_add(app, p, WC_STATICW, L"確認結果:", LABEL, 0, 215, 92, 200, 18);
    HWND lv = gui_add(app, p, WC_LISTVIEWW, NULL,
                      WS_VISIBLE | WS_TABSTOP | LVS_REPORT | LVS_SINGLESEL | LVS_SHOWSELALWAYS,
                      IDC_STATUS_LIST, 215, 112, 655, 290);
    lv_columns(lv, cols, widths, 3, app);
    gui_add(app, p, WC_BUTTONW, L"確認する", BTN, IDC_STATUS_RUN, 215, 410, 130, 30);
    gui_add(app, p, WC_STATICW, L"ログ ファイル:", LABEL, 0, 215, 458, 100, 20);
    gui_add(app, p, WC_EDITW, NULL, EDIT | ES_READONLY, IDC_LOG_PATH, 315, 454, 445, 24);
    gui_add(app, p, WC_BUTTONW, L"場所を開く", BTN, IDC_LOG_OPEN, 770, 452, 100, 28);
}

static void status_run(gui_app *app)
{
    gui_job *j = gui_job_new(ACT_STATUS);
    if (j && gui_job_cmd(j, "status", NULL) == 0)
        start(app, j, L"状態を確認しています…");
    else
        gui_job_free(j);
}

static void status_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    HWND lv = ctl(app, IDC_STATUS_LIST);
    SendMessageW(lv, LVM_DELETEALLITEMS, 0, 0);
    const cJSON *c;
    int failed = 0, n = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(res, "checks"))
    {
        char detail[1024];
        const char *fix = jstr(c, "fix");
        snprintf(detail, sizeof detail, "%s%s%s", jstr(c, "detail"), fix[0] ? " → 対処: " : "",
                 fix);
        const char *cells[] = {jstr(c, "label"), jbool(c, "ok") ? "OK" : "NG", detail};
        lv_row(lv, cells, 3, !jbool(c, "ok"));
        failed += !jbool(c, "ok");
        n++;
    }
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(res, "paths");
    set_text_utf8(ctl(app, IDC_LOG_PATH), jstr(paths, "log"));
    if (!n)
        show_error(app, res, L"エラー: 状態を確認できません");
    else if (failed) {
        wchar_t m[128];
        swprintf(m, 128, L"%d 件の項目に問題があります。「内容」の対処を行ってください。", failed);
        app->status_error = 1;
        gui_set_status(app, m, NULL);
    } else
        show_ok(app, L"すべて正常です。署名できます。");
    if (app->page == GUI_PAGE_LOGIN)
        login_state_shown(app, res);
}

static void log_open(gui_app *app)
{
    wchar_t path[1024];
    GetWindowTextW(ctl(app, IDC_LOG_PATH), path, 1024);
    wchar_t *slash = wcsrchr(path, L'\\');
    if (slash)
        *slash = 0;
    if (path[0])
        ShellExecuteW(app->wnd, L"open", path, NULL, NULL, SW_SHOWNORMAL);
}

/* ---- テスト署名 ------------------------------------------------------------------- */

static void sign_create(gui_app *app)
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

static void sign_browse(gui_app *app)
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
    SetWindowTextW(ctl(app, IDC_SIGN_FILES), out);
}

static void sign_run(gui_app *app)
{
    char *files = gui_text_utf8(ctl(app, IDC_SIGN_FILES));
    if (!files)
        return;
    gui_job *j = gui_job_new(ACT_SIGN);
    if (!j) {
        free(files);
        return;
    }
    const char *prov =
        SendMessageW(ctl(app, IDC_SIGN_PROV), CB_GETCURSEL, 0, 0) == 1 ? "ksp" : "csp";
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
        ask(app, L"署名するファイルを指定してください。", L"テスト署名", MB_OK | MB_ICONWARNING);
        return;
    }
    SetWindowTextW(ctl(app, IDC_SIGN_RESULT), L"");
    start(app, j, L"署名しています… スマートフォンの G ビズ ID アプリで承認してください。");
}

static void sign_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    char out[8192] = "";
    size_t used = 0;
    const cJSON *f, *files = cJSON_GetObjectItemCaseSensitive(res, "files");
    if (files) {
        cJSON_ArrayForEach(f, files)
        {
            used += (size_t)snprintf(out + used, sizeof out - used, "%s %s%s%s\r\n",
                                     jbool(f, "signed") ? "○ 署名・検証済み:" : "× 署名なし:",
                                     jstr(f, "file"), jbool(f, "signed") ? " → " : "",
                                     jbool(f, "signed") ? jstr(f, "out") : jstr(f, "code"));
            if (used >= sizeof out)
                break;
        }
    } else if (j->rc == 0)
        snprintf(out, sizeof out, "○ 署名・検証済み: %s → %s\r\n", jstr(res, "file"),
                 jstr(res, "out"));
    set_text_utf8(ctl(app, IDC_SIGN_RESULT), out);
    if (j->rc != 0)
        show_error(app, res, L"エラー: 署名できませんでした");
    else
        show_ok(app, L"テスト署名に成功しました。署名は検証済みです。");
}

/* ---- 証明書の保存 ----------------------------------------------------------------- */

static void export_create(gui_app *app)
{
    int p = GUI_PAGE_EXPORT;
    gui_add(app, p, WC_BUTTONW, L"保存する証明書", WS_VISIBLE | BS_GROUPBOX, 0, 215, 92, 320, 78);
    gui_add(app, p, WC_BUTTONW, L"利用者の証明書 (①)", RADIO | WS_GROUP | WS_TABSTOP, IDC_EXP_USER,
            232, 114, 290, 22);
    gui_add(app, p, WC_BUTTONW, L"登記所の CA 証明書 (②)", RADIO, IDC_EXP_CA, 232, 138, 290, 22);
    gui_add(app, p, WC_BUTTONW, L"形式", WS_VISIBLE | BS_GROUPBOX, 0, 550, 92, 320, 78);
    gui_add(app, p, WC_BUTTONW, L"DER (.cer)", RADIO | WS_GROUP | WS_TABSTOP, IDC_EXP_DER, 567, 114,
            290, 22);
    gui_add(app, p, WC_BUTTONW, L"PEM (.pem、テキスト)", RADIO, IDC_EXP_PEM, 567, 138, 290, 22);
    gui_add(app, p, WC_STATICW, L"保存先:", LABEL | WS_GROUP, 0, 215, 186, 100, 20);
    gui_add(app, p, WC_EDITW, NULL, EDIT, IDC_EXP_PATH, 215, 208, 545, 24);
    gui_add(app, p, WC_BUTTONW, L"参照...", BTN, IDC_EXP_BROWSE, 770, 206, 100, 28);
    gui_add(app, p, WC_BUTTONW, L"保存する", BTN, IDC_EXP_SAVE, 215, 246, 130, 30);
    check(app, IDC_EXP_USER, 1);
    check(app, IDC_EXP_DER, 1);
}

static int save_dialog(gui_app *app, const wchar_t *title, const wchar_t *filter,
                       const wchar_t *ext, wchar_t *buf, DWORD n)
{
    OPENFILENAMEW of;
    memset(&of, 0, sizeof of);
    of.lStructSize = sizeof of;
    of.hwndOwner = app->wnd;
    of.lpstrFile = buf;
    of.nMaxFile = n;
    of.lpstrTitle = title;
    of.lpstrFilter = filter;
    of.lpstrDefExt = ext;
    of.Flags = OFN_OVERWRITEPROMPT | OFN_PATHMUSTEXIST | OFN_HIDEREADONLY;
    return GetSaveFileNameW(&of) ? 1 : 0;
}

static void export_browse(gui_app *app)
{
    int pem = checked(app, IDC_EXP_PEM);
    wchar_t buf[1024];
    wcscpy(buf, checked(app, IDC_EXP_CA) ? L"registrar-ca" : L"certificate");
    wcscat(buf, pem ? L".pem" : L".cer");
    if (save_dialog(app, L"証明書の保存先",
                    pem ? L"PEM (*.pem)\0*.pem\0すべて (*.*)\0*.*\0"
                        : L"DER (*.cer)\0*.cer\0すべて (*.*)\0*.*\0",
                    pem ? L"pem" : L"cer", buf, 1024))
        SetWindowTextW(ctl(app, IDC_EXP_PATH), buf);
}

static void export_run(gui_app *app)
{
    char *path = gui_text_utf8(ctl(app, IDC_EXP_PATH));
    if (!path || !path[0]) {
        free(path);
        export_browse(app);
        path = gui_text_utf8(ctl(app, IDC_EXP_PATH));
        if (!path || !path[0]) {
            free(path);
            return;
        }
    }
    gui_job *j = gui_job_new(ACT_EXPORT);
    const char *ca = checked(app, IDC_EXP_CA) ? "--ca" : NULL;
    const char *pem = checked(app, IDC_EXP_PEM) ? "--pem" : NULL;
    int ok = j && (ca ? gui_job_cmd(j, "export-cert", "--out", path, ca, pem, NULL)
                      : gui_job_cmd(j, "export-cert", "--out", path, pem, NULL)) == 0;
    free(path);
    if (ok)
        start(app, j, L"証明書を保存しています…");
    else
        gui_job_free(j);
}

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

static void history_create(gui_app *app)
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
    lv_columns(lv, cols, widths, 6, app);
}

static int history_cmd(gui_app *app, gui_job *j, const char *csv)
{
    char *since = gui_text_utf8(ctl(app, IDC_HIST_SINCE));
    LRESULT o = SendMessageW(ctl(app, IDC_HIST_OUTCOME), CB_GETCURSEL, 0, 0);
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

static void history_run(gui_app *app, int csv)
{
    char *path = NULL;
    if (csv) {
        wchar_t buf[1024] = L"signing-history.csv";
        if (!save_dialog(app, L"署名履歴の CSV の保存先", L"CSV (*.csv)\0*.csv\0", L"csv", buf,
                         1024))
            return;
        path = plat_wide_to_utf8(buf);
    }
    gui_job *j = gui_job_new(csv ? ACT_HISTORY_CSV : ACT_HISTORY);
    if (j && history_cmd(app, j, path) == 0)
        start(app, j, csv ? L"CSV に出力しています…" : L"署名履歴を読み込んでいます…");
    else
        gui_job_free(j);
    free(path);
}

static void history_done(gui_app *app, gui_job *j)
{
    const cJSON *res = j->ran ? j->json[0] : NULL;
    if (j->rc != 0) {
        show_error(app, res, L"エラー: 署名履歴を読めません");
        return;
    }
    HWND lv = ctl(app, IDC_HIST_LIST);
    SendMessageW(lv, LVM_DELETEALLITEMS, 0, 0);
    const cJSON *r;
    int n = 0;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(res, "records"))
    {
        char count[16], when[40];
        snprintf(count, sizeof count, "%u", (unsigned)jnum(r, "count"));
        snprintf(when, sizeof when, "%.19s", jstr(r, "time_local"));
        if (strlen(when) > 10)
            when[10] = ' ';
        const char *prog = jstr(r, "program");
        const char *base = strrchr(prog, '\\');
        const char *cells[] = {when,
                               outcome_ja(jstr(r, "outcome")),
                               base ? base + 1 : prog,
                               jstr(r, "what"),
                               jstr(r, "approval_code"),
                               count};
        lv_row(lv, cells, 6, strcmp(jstr(r, "outcome"), "signed") != 0);
        n++;
    }
    wchar_t m[160];
    if (j->action == ACT_HISTORY_CSV)
        swprintf(m, 160, L"%d 件を CSV に出力しました (Excel で開けます)。", n);
    else
        swprintf(m, 160, n ? L"%d 件の記録があります。" : L"記録はありません。", n);
    show_ok(app, m);
}

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
            start(app, j, L"リモート署名サービスに接続しています…");
        else
            gui_job_free(j);
        break;
    }
    case IDC_LOGIN:
        login_start(app);
        break;
    case IDC_LOGIN_OPEN: {
        wchar_t url[4096];
        GetWindowTextW(ctl(app, IDC_LOGIN_URL), url, 4096);
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
        log_open(app);
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
        SetWindowTextW(ctl(app, IDC_LOGIN_URL), value);
        EnableWindow(ctl(app, IDC_LOGIN_OPEN), TRUE);
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
        show_ok(app, L"");
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
            show_error(app, j->json[0], L"エラー: 認証を解除できませんでした");
        else {
            cJSON_Delete(app->certs);
            app->certs = NULL;
            show_ok(app, L"G ビズ ID の認証を解除しました。");
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
            show_error(app, j->json[0], L"エラー: 保存できませんでした");
        else
            show_ok(app, L"証明書を保存しました。");
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
