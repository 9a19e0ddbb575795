/* auth_login: the browser login (auth_login.h). */
#include "core/auth/auth_login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/log/log.h"
#include "base/platform/plat_browser.h"
#include "core/auth/auth_loopback.h"

#define MOD "auth"

/* What the browser shows once it came back: the person returns to the
 * program that asked (the tool, or the application that signs). */
static const char PAGE_OK_TITLE[] = "ログインしました / Logged in";
static const char PAGE_OK_BODY[] =
    "G ビズ ID へのログインが完了しました。このウィンドウを閉じて、元の画面に戻ってください。<br>"
    "Login complete. Close this window and return to the program.";
static const char PAGE_FAIL_TITLE[] = "ログインできませんでした / Login failed";
static const char PAGE_FAIL_BODY[] =
    "ログインを求めた画面でエラーの内容を確認してください。このウィンドウは閉じてかまいません。<br>"
    "See the program that asked for the login for the reason. You may close this window.";

/* The loopback listener takes only this login's answer; others are logged. */
static int is_this_login(void *ctx, const char *target)
{
    crpki_error_info ei;
    if (rssp_login_check_redirect(ctx, target, &ei) == CRPKI_OK)
        return 1;
    log_write(CRPKI_LOG_WARN, MOD, "login: a request to the loopback listener ignored: %s",
              ei.detail);
    return 0;
}

crpki_err auth_login_browser(rssp_client *c, crpki_auth *a, const auth_login_opts *o,
                             int64_t *access_expires, crpki_error_info *ei)
{
    fail_clear(ei);
    if (access_expires)
        *access_expires = 0;
    if (!c || !a || !o)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "auth_login_browser: NULL argument");
    unsigned timeout_s = o->timeout_s ? o->timeout_s : AUTH_LOGIN_DEFAULT_TIMEOUT_S;
    loopback_listener *lb = NULL;
    rssp_login *login = NULL;
    char *target = NULL;
    rssp_tokens tok;
    memset(&tok, 0, sizeof tok);
    unsigned port = 0;
    crpki_err r = loopback_open(&lb, &port, ei);
    if (r == CRPKI_OK) {
        char redirect[64];
        snprintf(redirect, sizeof redirect, "http://127.0.0.1:%u/callback", port);
        r = rssp_login_begin(c, redirect, &login, ei);
    }
    if (r == CRPKI_OK) {
        const char *url = rssp_login_url(login);
        if (o->cancelled)
            loopback_set_cancel(lb, o->cancelled, o->ctx);
        int started = !o->no_browser && plat_open_url(url) == 0;
        if (!o->no_browser && !started)
            log_write(CRPKI_LOG_WARN, MOD, "login: no browser could be started");
        if (o->on_url)
            o->on_url(o->ctx, url, started);
        log_write(CRPKI_LOG_INFO, MOD, "login: waiting up to %u s for the browser", timeout_s);
        r = loopback_wait(lb, "/callback", timeout_s * 1000u, is_this_login, login, &target, ei);
    }
    if (r == CRPKI_OK) {
        /* checks state, maps error=access_denied, exchanges the code */
        r = rssp_login_finish(c, login, target, &tok, ei);
        if (r == CRPKI_OK)
            r = crpki_auth_save_login(a, &tok, ei);
        if (r == CRPKI_OK)
            loopback_respond(lb, 200, PAGE_OK_TITLE, PAGE_OK_BODY);
        else
            loopback_respond(lb, 400, PAGE_FAIL_TITLE, PAGE_FAIL_BODY);
    }
    if (r == CRPKI_OK && access_expires)
        *access_expires = tok.access_expires_at;
    log_write(r == CRPKI_OK ? CRPKI_LOG_INFO : CRPKI_LOG_WARN, MOD, "login: %s%s%s",
              r == CRPKI_OK ? "logged in" : crpki_err_name(r), r == CRPKI_OK ? "" : ": ",
              r == CRPKI_OK ? "" : (ei && ei->detail[0] ? ei->detail : crpki_strerror(r)));
    rssp_tokens_free(&tok);
    free(target);
    rssp_login_free(login);
    loopback_close(lb);
    return r;
}
