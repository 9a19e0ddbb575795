/* login: gBizID login in the system browser (guideline §3.3 No.2):
 * authorization code + PKCE + state, redirected to a loopback listener
 * (RFC 8252), the code exchanged, the tokens stored protected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "browser.h"
#include "loopback.h"
#include "mgmt.h"
#include "out.h"

#define LOGIN_DEFAULT_TIMEOUT_S 300

static const char PAGE_OK_TITLE[] = "ログインしました / Logged in";
static const char PAGE_OK_BODY[] =
    "crpki-mgmt へのログインが完了しました。このウィンドウを閉じてかまいません。<br>"
    "Login complete. You may close this window.";
static const char PAGE_FAIL_TITLE[] = "ログインできませんでした / Login failed";
static const char PAGE_FAIL_BODY[] =
    "crpki-mgmt の画面でエラーの内容を確認してください。このウィンドウは閉じてかまいません。<br>"
    "See crpki-mgmt for the reason. You may close this window.";

/* The loopback listener takes only this login's answer; others are logged. */
static int is_this_login(void *ctx, const char *target)
{
    crpki_error_info ei;
    if (rssp_login_check_redirect(ctx, target, &ei) == CRPKI_OK)
        return 1;
    log_write(CRPKI_LOG_WARN, "mgmt", "login: a request to the loopback listener ignored: %s",
              ei.detail);
    return 0;
}

static int login_cancelled(void *ctx)
{
    return mgmt_cancelled(ctx);
}

int cmd_login(mgmt_ctx *c, mgmt_args *a)
{
    const char *tv = NULL;
    int rt = arg_value(a, "--timeout", &tv);
    int no_browser = arg_flag(a, "--no-browser");
    const char *pos[1];
    if (arg_rest(c, a, pos, 0) < 0)
        return MGMT_EXIT_USAGE;
    unsigned timeout_s = LOGIN_DEFAULT_TIMEOUT_S;
    if (rt < 0)
        return mgmt_usage(c, "--timeout に秒数を指定してください", "--timeout needs seconds");
    if (rt > 0) {
        char *end;
        long t = strtol(tv, &end, 10);
        if (*end || t < 1 || t > 3600 || tv[0] < '0' || tv[0] > '9')
            return mgmt_usage(c, "--timeout は 1〜3600 秒です", "--timeout takes 1-3600 seconds");
        timeout_s = (unsigned)t;
    }
    int rc = mgmt_connect(c);
    if (rc)
        return rc;

    crpki_error_info ei;
    loopback_listener *lb = NULL;
    rssp_login *login = NULL;
    char *target = NULL;
    rssp_tokens tok;
    memset(&tok, 0, sizeof tok);
    unsigned port = 0;
    crpki_err r = loopback_open(&lb, &port, &ei);
    if (r == CRPKI_OK) {
        char redirect[64];
        snprintf(redirect, sizeof redirect, "http://127.0.0.1:%u/callback", port);
        r = rssp_login_begin(c->client, redirect, &login, &ei);
    }
    if (r == CRPKI_OK) {
        const char *url = rssp_login_url(login);
        out_event(c, "login_url", url);
        loopback_set_cancel(lb, login_cancelled, c);
        /* the URL carries no secret: PKCE sends only the challenge */
        out_note(c, "%s\n  %s\n",
                 L(c,
                   "ブラウザで G ビズ ID にログインしてください。開かない場合は次の URL "
                   "を開いてください:",
                   "Log in to gBizID in the browser. If it does not open, open this URL:"),
                 url);
        if (!no_browser && browser_open(url) != 0)
            out_note(c, "%s\n",
                     L(c, "ブラウザを起動できませんでした。上の URL を手動で開いてください。",
                       "could not start a browser: open the URL above yourself."));
        out_note(c,
                 L(c, "ログインの完了を待っています (最大 %u 秒)...\n",
                   "waiting for the login to complete (up to %u s)...\n"),
                 timeout_s);
        r = loopback_wait(lb, "/callback", timeout_s * 1000u, is_this_login, login, &target, &ei);
    }
    if (r == CRPKI_OK) {
        /* checks state, maps error=access_denied, exchanges the code */
        r = rssp_login_finish(c->client, login, target, &tok, &ei);
        if (r == CRPKI_OK)
            r = crpki_auth_save_login(c->auth, &tok, &ei);
        if (r == CRPKI_OK)
            loopback_respond(lb, 200, PAGE_OK_TITLE, PAGE_OK_BODY);
        else
            loopback_respond(lb, 400, PAGE_FAIL_TITLE, PAGE_FAIL_BODY);
    }
    int64_t expires = tok.access_expires_at;
    rssp_tokens_free(&tok);
    free(target);
    rssp_login_free(login);
    loopback_close(lb);
    if (r == CRPKI_E_DEADLINE)
        return mgmt_fail(c, r, &ei,
                         "もう一度 crpki-mgmt login を実行し、時間内にログインしてください",
                         "run crpki-mgmt login again and complete the login in time");
    if (r == CRPKI_E_CANCELLED)
        return mgmt_fail(c, r, &ei, "", "");
    if (r == CRPKI_E_DENIED)
        return mgmt_fail(c, r, &ei, "ブラウザで「同意する」を選んでもう一度ログインしてください",
                         "log in again and give consent in the browser");
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei, NULL, NULL);
    char when[40];
    mgmt_fmt_unix(expires, when, sizeof when);
    cJSON *j = out_json(c);
    cJSON_AddBoolToObject(j, "logged_in", 1);
    cJSON_AddStringToObject(j, "access_expires_at", when);
    out_say(c, "%s\n", L(c, "G ビズ ID にログインしました。", "Logged in to gBizID."));
    out_say(
        c, "%s\n",
        L(c,
          "次に crpki-mgmt certs で証明書を確認し、crpki-mgmt use "
          "で署名に使う証明書を設定してください。",
          "Next: list the certificates with crpki-mgmt certs and select one with crpki-mgmt use."));
    return 0;
}
