/* login: gBizID login in the system browser (the guideline's login
 * function): auth_login.h does it; this shows the URL and the outcome. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth/auth_login.h"
#include "mgmt.h"
#include "out.h"

typedef struct {
    mgmt_ctx *c;
    int no_browser;
    unsigned timeout_s;
} login_view;

/* The URL on the console and as an event (the window shows it), for when
 * no browser comes up. */
static void login_url_shown(void *ctx, const char *url, int browser_started)
{
    const login_view *v = ctx;
    mgmt_ctx *c = v->c;
    out_event(c, "login_url", url);
    out_note(c, "%s\n  %s\n",
             L(c,
               "ブラウザで G ビズ ID にログインしてください。開かない場合は次の URL "
               "を開いてください:",
               "Log in to gBizID in the browser. If it does not open, open this URL:"),
             url);
    if (!browser_started && !v->no_browser)
        out_note(c, "%s\n",
                 L(c, "ブラウザを起動できませんでした。上の URL を手動で開いてください。",
                   "could not start a browser: open the URL above yourself."));
    out_note(c,
             L(c, "ログインの完了を待っています (最大 %u 秒)...\n",
               "waiting for the login to complete (up to %u s)...\n"),
             v->timeout_s);
}

static int login_cancelled(void *ctx)
{
    const login_view *v = ctx;
    return mgmt_cancelled(v->c);
}

int cmd_login(mgmt_ctx *c, mgmt_args *a)
{
    const char *tv = NULL;
    int rt = arg_value(a, "--timeout", &tv);
    int no_browser = arg_flag(a, "--no-browser");
    const char *pos[1];
    if (arg_rest(c, a, pos, 0) < 0)
        return MGMT_EXIT_USAGE;
    unsigned timeout_s = AUTH_LOGIN_DEFAULT_TIMEOUT_S;
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

    login_view v = {c, no_browser, timeout_s};
    auth_login_opts o = {.timeout_s = timeout_s,
                         .no_browser = no_browser,
                         .on_url = login_url_shown,
                         .cancelled = login_cancelled,
                         .ctx = &v};
    crpki_error_info ei;
    int64_t expires = 0;
    crpki_err r = auth_login_browser(c->client, c->auth, &o, &expires, &ei);
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
