/* status: a health check of everything a signature needs. Each check prints
 * OK or NG with, for NG, the fix; exit 8 when any failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certstore.h"
#include "mgmt.h"
#include "out.h"
#include "base/platform/plat_fs.h"

typedef struct {
    mgmt_ctx *c;
    cJSON *arr;
    int failed;
    const char *first_fix;
    int service_ok;        /* the service answered (the login check then asks it) */
    const char *login_fix; /* how to log in, for the login checks */
} checks;

static void check(checks *k, const char *name, int ok, const char *label, const char *detail,
                  const char *fix)
{
    mgmt_ctx *c = k->c;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(k->arr, o);
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "label", label);
    cJSON_AddBoolToObject(o, "ok", ok);
    cJSON_AddStringToObject(o, "detail", detail ? detail : "");
    if (!ok && fix)
        cJSON_AddStringToObject(o, "fix", fix);
    out_say(c, "[%s] %s: %s\n", ok ? "OK" : "NG", label, detail ? detail : "");
    if (!ok) {
        k->failed++;
        if (fix)
            out_say(c, "     %s: %s\n", L(c, "対処", "fix"), fix);
        if (!k->first_fix)
            k->first_fix = fix;
    }
}

static void err_detail(mgmt_ctx *c, crpki_err r, const crpki_error_info *ei, char *buf, size_t n)
{
    snprintf(buf, n, "%s (%s)", c->ja ? crpki_strerror_ja(r) : crpki_strerror(r), ei->detail);
}

static void paths(mgmt_ctx *c)
{
    char *cfg = plat_path_join(c->home, "config.json");
    char *log = plat_path_join(c->home, "crpki.log");
    char *keys = plat_path_join(c->home, "keys.json");
    cJSON *p = cJSON_AddObjectToObject(out_json(c), "paths");
    cJSON_AddStringToObject(p, "home", c->home);
    cJSON_AddStringToObject(p, "config", cfg ? cfg : "");
    cJSON_AddStringToObject(p, "log", log ? log : "");
    cJSON_AddStringToObject(p, "keys", keys ? keys : "");
    out_say(c, "%s %s\n", L(c, "設定ファイル:", "config file: "), cfg ? cfg : "");
    out_say(c, "%s %s\n", L(c, "ログ:        ", "log:         "), log ? log : "");
    out_say(c, "%s %s\n", L(c, "鍵カタログ:  ", "key catalog: "), keys ? keys : "");
    free(cfg);
    free(log);
    free(keys);
}

static void certificates(checks *k)
{
    mgmt_ctx *c = k->c;
    crpki_error_info ei;
    catalog_keys cat;
    char buf[512];
    crpki_err r = catalog_load(c->home, &cat, &ei);
    if (r != CRPKI_OK) {
        err_detail(c, r, &ei, buf, sizeof buf);
        check(k, "certificates", 0, L(c, "証明書", "certificates"), buf,
              FIX(c, "crpki-mgmt unset の後 crpki-mgmt use で設定し直してください",
                  "run crpki-mgmt unset, then select again with crpki-mgmt use",
                  "「4. 証明書設定」で設定を解除してから設定し直してください"));
        return;
    }
    cJSON *arr = cJSON_AddArrayToObject(out_json(c), "certificates");
    if (cat.n == 0)
        check(
            k, "certificates", 0, L(c, "証明書", "certificates"),
            L(c, "署名に使う証明書が設定されていません", "no certificate is selected for signing"),
            FIX(c, "crpki-mgmt certs で確認し crpki-mgmt use で設定してください",
                "list with crpki-mgmt certs and select one with crpki-mgmt use",
                "「3. 証明書一覧取得」で確認し、「4. 証明書設定」で設定してください"));
    for (size_t i = 0; i < cat.n; i++) {
        const catalog_entry *e = &cat.v[i];
        char to[40];
        mgmt_fmt_gtime(e->valid_to, to, sizeof to);
        int expired = mgmt_gtime_past(e->valid_to);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "id", e->credential_id);
        cJSON_AddStringToObject(o, "subject", e->subject_dn ? e->subject_dn : "");
        cJSON_AddStringToObject(o, "valid_to", to);
        cJSON_AddBoolToObject(o, "expired", expired);
        cJSON_AddStringToObject(o, "providers", mgmt_providers_desc(e->providers));
        snprintf(buf, sizeof buf, "%s %s, %s %s, %s", e->credential_id,
                 mgmt_providers_desc(e->providers), L(c, "有効期限", "valid until"), to,
                 e->subject_dn ? e->subject_dn : "");
        check(k, "certificate", !expired, L(c, "証明書", "certificate"), buf,
              FIX(c, "新しい証明書を取得し crpki-mgmt use で設定し直してください",
                  "obtain a new certificate and select it with crpki-mgmt use",
                  "新しい証明書を取得し、「4. 証明書設定」で設定し直してください"));
    }
    catalog_free(&cat);
}

/* The way to the service: which proxy, decided how (informational: a
 * wrong way shows in the service check). */
static void route_check(checks *k)
{
    mgmt_ctx *c = k->c;
    rssp_route r;
    crpki_error_info ei;
    char buf[1024], how[600];
    if (!c->client || rssp_client_route(c->client, &r, &ei) != CRPKI_OK)
        return;
    static const char *const FROM[] = {"direct", "explicit", "environment",
                                       "static", "pac",      "wpad"};
    cJSON *j = cJSON_AddObjectToObject(out_json(c), "route");
    cJSON_AddStringToObject(j, "from", FROM[r.from]);
    if (r.proxy)
        cJSON_AddStringToObject(j, "proxy", r.proxy);
    if (r.script)
        cJSON_AddStringToObject(j, "script", r.script);
    if (r.note)
        cJSON_AddStringToObject(j, "note", r.note);
    cJSON_AddNumberToObject(j, "count", (double)r.count);
    cJSON_AddBoolToObject(j, "sign_on", r.sign_on);
    const char *script = r.script && *r.script ? r.script : "";
    switch (r.from) {
    case RSSP_ROUTE_EXPLICIT:
        snprintf(how, sizeof how, "%s", L(c, "個別に設定したプロキシ", "the configured proxy"));
        break;
    case RSSP_ROUTE_ENVIRONMENT:
        snprintf(how, sizeof how, "%s", L(c, "環境変数 https_proxy", "https_proxy environment"));
        break;
    case RSSP_ROUTE_STATIC:
        snprintf(how, sizeof how, "%s",
                 L(c, "Windows のプロキシ設定 (固定)", "Windows proxy settings (fixed)"));
        break;
    case RSSP_ROUTE_PAC:
        snprintf(how, sizeof how, L(c, "自動構成スクリプト %s", "setup script %s"), script);
        break;
    case RSSP_ROUTE_WPAD:
        snprintf(how, sizeof how, "%s",
                 L(c, "設定を自動的に検出 (WPAD)", "automatic detection (WPAD)"));
        break;
    default:
        snprintf(how, sizeof how, "%s", L(c, "プロキシの設定なし", "no proxy setting"));
        break;
    }
    int n = r.proxy ? snprintf(buf, sizeof buf,
                               L(c, "プロキシ %s 経由 (%s)", "through proxy %s (%s)"), r.proxy, how)
                    : snprintf(buf, sizeof buf, L(c, "直接接続 (%s)", "direct (%s)"), how);
    if (n > 0 && (size_t)n < sizeof buf && r.count > 1)
        n += snprintf(buf + n, sizeof buf - (size_t)n,
                      L(c, "、つながらなければ次の %zu 件を順に試します",
                        ", the next %zu tried in order if it fails"),
                      r.count - 1);
    if (n > 0 && (size_t)n < sizeof buf && r.sign_on)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%s",
                      L(c, "、Windows のサインインで認証", ", Windows sign-on offered"));
    if (n > 0 && (size_t)n < sizeof buf && r.note)
        snprintf(buf + n, sizeof buf - (size_t)n,
                 L(c, " ※使えなかった自動設定: %s", " (passed over: %s)"), r.note);
    check(k, "route", 1, L(c, "通信経路", "route"), buf, NULL);
    rssp_route_free(&r);
}

/* ---- the checks, in the order they run and print ---------------------------------- */

static void config_check(checks *k)
{
    mgmt_ctx *c = k->c;
    char buf[512];
    crpki_error_info ei;
    crpki_err r = crpki_config_load(c->home, &c->cfg, &ei);
    if (r != CRPKI_OK) {
        err_detail(c, r, &ei, buf, sizeof buf);
        check(k, "config", 0, L(c, "設定", "configuration"), buf,
              L(c, "config.json を修正してください", "correct config.json"));
        return;
    }
    c->cfg_loaded = 1;
    crpki_config_open_log(&c->cfg);
    check(k, "config", 1, L(c, "設定", "configuration"), L(c, "読み込めました", "loaded"), NULL);
    if (!c->cfg.machine_ignored)
        return;
    snprintf(buf, sizeof buf, "%s %s",
             L(c, "全社共通の設定を無視しました:", "the machine-wide settings are ignored:"),
             c->cfg.machine_ignored);
    check(k, "machine_config", 0, L(c, "全社共通の設定", "machine configuration"), buf,
          L(c,
            "管理者だけが変更できるようにしてください (インストーラーを再実行するか、"
            "フォルダーの所有者とアクセス許可を Administrators と SYSTEM に限定)",
            "make it changeable by administrators only (run the installer again, or "
            "restrict the folder's owner and permissions to Administrators and SYSTEM)"));
}

/* The service answers over verified TLS; then the route it took. */
static void service_check(checks *k)
{
    mgmt_ctx *c = k->c;
    char buf[512];
    crpki_error_info ei;
    if (!c->cfg_loaded)
        return;
    if (!c->cfg.service_url) {
        check(k, "service", 0, L(c, "署名サービス", "signing service"),
              L(c, "service_url が設定されていません", "service_url is not set"),
              FIX(c, "crpki-mgmt service set URL で接続先を設定してください",
                  "set the service URL with crpki-mgmt service set URL",
                  "「1. 通信環境設定」で接続先を設定してください"));
        return;
    }
    crpki_err r = connect_open(&c->cfg, &c->client, &c->auth, &ei);
    rssp_service_info info;
    memset(&info, 0, sizeof info);
    if (r == CRPKI_OK)
        r = rssp_info(c->client, &info, &ei);
    cJSON *s = cJSON_AddObjectToObject(out_json(c), "service");
    cJSON_AddStringToObject(s, "url", c->cfg.service_url);
    if (r == CRPKI_OK) {
        k->service_ok = 1;
        cJSON_AddStringToObject(s, "name", info.name ? info.name : "");
        cJSON_AddNumberToObject(s, "latency_ms", info.latency_ms);
        snprintf(buf, sizeof buf,
                 L(c, "%s に接続できます (TLS 検証済み、%s、応答 %.1f ms)",
                   "%s reachable (TLS verified, %s, %.1f ms)"),
                 c->cfg.service_url, info.name ? info.name : "?", info.latency_ms);
        check(k, "service", 1, L(c, "署名サービス", "signing service"), buf, NULL);
    } else {
        err_detail(c, r, &ei, buf, sizeof buf);
        const char *fix =
            r == CRPKI_E_TLS
                ? L(c,
                    "社内の TLS 検査用ルート証明書があれば config.json の ca_bundle "
                    "に指定してください",
                    "set a corporate TLS-inspection root as ca_bundle in config.json")
                : FIX(c,
                      "ネットワーク接続、service_url、プロキシ設定 (crpki-mgmt proxy show) "
                      "を確認してください",
                      "check the network, service_url and the proxy (crpki-mgmt proxy show)",
                      "ネットワーク接続と、「1. 通信環境設定」の接続先とプロキシを確認して"
                      "ください");
        check(k, "service", 0, L(c, "署名サービス", "signing service"), buf, fix);
    }
    rssp_service_info_free(&info);
    route_check(k);
}

/* A stored login that (with the service reachable) a call accepts. */
static void login_verified(checks *k, crpki_auth *au, crpki_auth_status *st, cJSON *lj)
{
    mgmt_ctx *c = k->c;
    char buf[512], when[40];
    crpki_error_info ei;
    crpki_err r = CRPKI_OK;
    if (k->service_ok) {
        char **ids = NULL;
        size_t n = 0;
        r = rssp_list_credentials(c->client, &ids, &n, &ei);
        rssp_free_strings(ids, n);
        /* a refresh may have happened: read the expiry again */
        if (r == CRPKI_OK)
            crpki_auth_get_status(au, st, NULL);
    }
    mgmt_fmt_unix(st->access_expires_at, when, sizeof when);
    cJSON_AddBoolToObject(lj, "logged_in", r == CRPKI_OK);
    cJSON_AddBoolToObject(lj, "verified", k->service_ok && r == CRPKI_OK);
    if (st->access_expires_at)
        cJSON_AddStringToObject(lj, "access_expires_at", when);
    if (r != CRPKI_OK) {
        err_detail(c, r, &ei, buf, sizeof buf);
        check(k, "login", 0, L(c, "ログイン", "login"), buf, k->login_fix);
        return;
    }
    snprintf(buf, sizeof buf,
             L(c, "ログイン中 (アクセス トークンの有効期限 %s、以後は自動更新)%s",
               "logged in (access token valid until %s, renewed automatically)%s"),
             st->access_expires_at ? when : "-",
             k->service_ok ? "" : L(c, " ※サービスで未確認", " (not confirmed: no service)"));
    check(k, "login", 1, L(c, "ログイン", "login"), buf, NULL);
}

/* The token store, then (service reachable) a call that needs it. */
static void login_check(checks *k)
{
    mgmt_ctx *c = k->c;
    char buf[512];
    crpki_error_info ei;
    crpki_auth *off = NULL;
    crpki_auth *au = c->auth;
    if (!au && crpki_auth_new_offline(c->home, &off, NULL) == CRPKI_OK)
        au = off;
    crpki_auth_status st;
    memset(&st, 0, sizeof st);
    crpki_err r = au ? crpki_auth_get_status(au, &st, &ei) : CRPKI_E_INTERNAL;
    cJSON *lj = cJSON_AddObjectToObject(out_json(c), "login");
    k->login_fix = FIX(c, "crpki-mgmt login でログインしてください", "log in with crpki-mgmt login",
                       "「2. G ビズ ID 認証」でログインしてください");
    if (r != CRPKI_OK) {
        err_detail(c, r, &ei, buf, sizeof buf);
        check(k, "login", 0, L(c, "ログイン", "login"), buf, k->login_fix);
    } else if (!st.logged_in) {
        cJSON_AddBoolToObject(lj, "logged_in", 0);
        check(k, "login", 0, L(c, "ログイン", "login"),
              L(c, "ログインしていません", "not logged in"), k->login_fix);
    } else {
        login_verified(k, au, &st, lj);
    }
    crpki_auth_free(off);
}

/* Windows: both providers registered. */
static void providers_check(checks *k)
{
    mgmt_ctx *c = k->c;
    if (!certstore_available())
        return;
    static const struct {
        unsigned p;
        const char *name, *label;
    } P[] = {{CRPKI_CAT_CSP, "provider_csp", "CSP (" CRPKI_CSP_NAME ")"},
             {CRPKI_CAT_KSP, "provider_ksp", "KSP (" CRPKI_KSP_NAME ")"}};
    for (size_t i = 0; i < 2; i++) {
        int reg = certstore_provider_registered(P[i].p) == 1;
        check(k, P[i].name, reg, P[i].label,
              reg ? L(c, "登録されています", "registered")
                  : L(c, "登録されていません", "not registered"),
              L(c, "署名ドライバをインストールし直してください", "reinstall the signing driver"));
    }
}

int cmd_status(mgmt_ctx *c, mgmt_args *a)
{
    const char *pos[1];
    if (arg_rest(c, a, pos, 0) < 0)
        return MGMT_EXIT_USAGE;
    static void (*const CHECKS[])(checks *) = {config_check, service_check, login_check,
                                               certificates, providers_check};
    checks k = {c, cJSON_AddArrayToObject(out_json(c), "checks"), 0, NULL, 0, NULL};
    paths(c);
    for (size_t i = 0; i < sizeof CHECKS / sizeof CHECKS[0]; i++)
        CHECKS[i](&k);
    if (k.failed == 0) {
        out_say(c, "%s\n", L(c, "すべて正常です。", "All checks passed."));
        return 0;
    }
    char buf[64];
    snprintf(buf, sizeof buf, L(c, "%d 件の確認で問題があります", "%d check(s) failed"), k.failed);
    return out_error(c, MGMT_EXIT_UNHEALTHY, "UNHEALTHY", buf, NULL, k.first_fix);
}
