/* What the commands share: configuration, the client, error reporting with
 * the fix, credentials from the service, formatting. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log/log.h"
#include "mgmt.h"
#include "out.h"
#include "base/error/fail.h"
#include "base/util/text.h"

int mgmt_exit_for(crpki_err e)
{
    if (crpki_err_is_network(e))
        return MGMT_EXIT_NETWORK;
    switch (e) {
    case CRPKI_OK:
        return MGMT_EXIT_OK;
    case CRPKI_E_INVALID_ARG:
        return MGMT_EXIT_USAGE;
    case CRPKI_E_CONFIG:
    case CRPKI_E_IO:
    case CRPKI_E_LOCK:
    case CRPKI_E_TOKEN_STORE:
        return MGMT_EXIT_CONFIG;
    case CRPKI_E_NOT_LOGGED_IN:
    case CRPKI_E_UNAUTHORIZED:
        return MGMT_EXIT_LOGIN;
    case CRPKI_E_DENIED:
    case CRPKI_E_APPROVAL_EXPIRED:
    case CRPKI_E_CANCELLED:
    case CRPKI_E_DEADLINE:
    case CRPKI_E_SILENT:
    case CRPKI_E_SAD_REJECTED:
    case CRPKI_E_BAD_SIGNATURE:
        return MGMT_EXIT_APPROVAL;
    case CRPKI_E_NO_KEY:
    case CRPKI_E_BAD_CERT:
    case CRPKI_E_UNKNOWN_CREDENTIAL:
    case CRPKI_E_UNSUPPORTED_ALG:
    case CRPKI_E_BAD_HASH:
    case CRPKI_E_NOT_SUPPORTED:
        return MGMT_EXIT_CERT;
    default:
        return MGMT_EXIT_FAILURE;
    }
}

/* The standard fix per error class. */
static const char *default_fix(mgmt_ctx *c, crpki_err e)
{
    switch (e) {
    case CRPKI_E_CONFIG:
        return L(c, "config.json を修正してください (docs/configuration.md)",
                 "correct config.json (docs/configuration.md)");
    case CRPKI_E_TOKEN_STORE:
    case CRPKI_E_NOT_LOGGED_IN:
    case CRPKI_E_UNAUTHORIZED:
        return FIX(c, "crpki-mgmt login でログインしてください", "log in with crpki-mgmt login",
                   "「2. G ビズ ID 認証」でログインしてください");
    case CRPKI_E_NETWORK:
    case CRPKI_E_TIMEOUT:
        return FIX(c,
                   "ネットワーク接続、config.json の service_url、プロキシ設定 (crpki-mgmt proxy "
                   "show) を確認してください",
                   "check the network, service_url in config.json and the proxy setting "
                   "(crpki-mgmt proxy show)",
                   "ネットワーク接続と、「1. 通信環境設定」の接続先とプロキシを確認してください");
    case CRPKI_E_PROXY:
        return FIX(c, "プロキシ設定を確認してください (crpki-mgmt proxy show / proxy set)",
                   "check the proxy setting (crpki-mgmt proxy show / proxy set)",
                   "「1. 通信環境設定」のプロキシを確認してください");
    case CRPKI_E_TLS:
        return L(c,
                 "サーバー証明書を検証できません。社内の TLS 検査用ルート証明書があれば "
                 "config.json の ca_bundle に指定してください",
                 "the server certificate cannot be verified; if a corporate TLS-inspection root "
                 "is in use, set it as ca_bundle in config.json");
    case CRPKI_E_BUSY:
    case CRPKI_E_SERVICE:
        return L(c, "しばらくしてから再実行してください", "try again later");
    case CRPKI_E_NO_KEY:
    case CRPKI_E_UNKNOWN_CREDENTIAL:
        return FIX(c, "crpki-mgmt certs で確認し、crpki-mgmt use で証明書を設定してください",
                   "list with crpki-mgmt certs and select one with crpki-mgmt use",
                   "「3. 証明書一覧取得」で確認し、「4. 証明書設定」で証明書を設定してください");
    case CRPKI_E_BAD_CERT:
        return L(c,
                 "この証明書は使えません。期限切れであれば証明書を更新し、そうでなければ "
                 "ログを添えて署名サービスの窓口にお問い合わせください",
                 "this certificate cannot be used: renew it if it has expired, otherwise "
                 "report it to the signing service with the log");
    case CRPKI_E_DENIED:
    case CRPKI_E_APPROVAL_EXPIRED:
    case CRPKI_E_DEADLINE:
        return L(c, "G ビズ ID アプリで承認コードを入力して承認してください",
                 "approve with the approval code in the gBizID app");
    default:
        return NULL;
    }
}

int mgmt_fail(mgmt_ctx *c, crpki_err e, const crpki_error_info *ei, const char *fix_ja,
              const char *fix_en)
{
    const char *fix = fix_en ? L(c, fix_ja, fix_en) : default_fix(c, e);
    log_write(CRPKI_LOG_WARN, "mgmt", "%s failed: %s: %s", c->cmd ? c->cmd : "?", crpki_err_name(e),
              ei ? ei->detail : "");
    return out_error(c, mgmt_exit_for(e), crpki_err_name(e),
                     c->ja ? crpki_strerror_ja(e) : crpki_strerror(e), ei ? ei->detail : NULL, fix);
}

int mgmt_refuse_fixed(mgmt_ctx *c, const char *what_ja, const char *what_en)
{
    char msg[300];
    if (c->ja)
        snprintf(msg, sizeof msg, "%sは組織の管理者によって設定されています", what_ja);
    else
        snprintf(msg, sizeof msg, "the %s is set by your organization's administrator", what_en);
    return out_error(c, MGMT_EXIT_CONFIG, "FIXED_BY_ADMINISTRATOR", msg,
                     L(c, "グループ ポリシー、または PC 全体の設定 (インストール時の指定) です",
                       "Group Policy, or the PC's machine-wide settings (given at installation)"),
                     L(c, "変更が必要なら組織の管理者に依頼してください",
                       "ask your organization's administrator to change it"));
}

int mgmt_config(mgmt_ctx *c)
{
    if (c->cfg_loaded)
        return 0;
    crpki_error_info ei;
    crpki_err r = crpki_config_load(c->home, &c->cfg, &ei);
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei, NULL, NULL);
    c->cfg_loaded = 1;
    crpki_config_open_log(&c->cfg);
    log_write(CRPKI_LOG_INFO, "mgmt", "crpki-mgmt %s", c->cmd ? c->cmd : "");
    return 0;
}

int mgmt_connect(mgmt_ctx *c)
{
    int rc = mgmt_config(c);
    if (rc || c->client)
        return rc;
    crpki_error_info ei;
    fail_clear(&ei);
    if (!c->cfg.service_url) {
        fail_with(&ei, CRPKI_E_CONFIG, "config.json: service_url is not set");
        return mgmt_fail(
            c, CRPKI_E_CONFIG, &ei,
            "config.json に service_url (署名サービスの https:// URL) を設定してください",
            "set service_url (the signing service's https:// URL) in config.json");
    }
    crpki_err r = connect_open(&c->cfg, &c->client, &c->auth, &ei);
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei, NULL, NULL);
    return 0;
}

void mgmt_free_creds(rssp_credential *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        rssp_credential_free(&v[i]);
    free(v);
}

static crpki_err fetch_creds(mgmt_ctx *c, rssp_credential **out, size_t *n, crpki_error_info *ei)
{
    char **ids = NULL;
    size_t nids = 0;
    crpki_err r = rssp_list_credentials(c->client, &ids, &nids, ei);
    if (r != CRPKI_OK)
        return r;
    rssp_credential *v = calloc(nids ? nids : 1, sizeof *v);
    if (!v) {
        rssp_free_strings(ids, nids);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "credentials");
    }
    for (size_t i = 0; i < nids && r == CRPKI_OK; i++)
        r = rssp_get_credential(c->client, ids[i], &v[i], ei);
    rssp_free_strings(ids, nids);
    if (r != CRPKI_OK) {
        mgmt_free_creds(v, nids);
        return r;
    }
    *out = v;
    *n = nids;
    return CRPKI_OK;
}

int mgmt_fetch_creds(mgmt_ctx *c, rssp_credential **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = mgmt_connect(c);
    if (rc)
        return rc;
    crpki_error_info ei;
    crpki_err r = fetch_creds(c, out, n, &ei);
    return r == CRPKI_OK ? 0 : mgmt_fail(c, r, &ei, NULL, NULL);
}

long mgmt_pick_cred(const rssp_credential *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].id, s) == 0)
            return (long)i;
    char *end;
    long k = strtol(s, &end, 10);
    if (*s >= '0' && *s <= '9' && *end == '\0' && k >= 1 && (size_t)k <= n)
        return k - 1;
    return -1;
}

/* Unix seconds as UTC calendar fields (text_civil_from_days: no gmtime_r /
 * gmtime_s split between the platforms). */
typedef struct {
    int64_t y;
    unsigned mo, d, h, mi, s;
} utc_fields;

static utc_fields utc_of(int64_t t)
{
    utc_fields f;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), rem = t - days * 86400;
    text_civil_from_days(days, &f.y, &f.mo, &f.d);
    f.h = (unsigned)(rem / 3600);
    f.mi = (unsigned)(rem % 3600 / 60);
    f.s = (unsigned)(rem % 60);
    return f;
}

const char *mgmt_fmt_gtime(const char *g, char *buf, size_t n)
{
    if (!g)
        return "-";
    size_t l = strlen(g);
    if (l != 15 || g[14] != 'Z')
        return g;
    snprintf(buf, n, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s UTC", g, g + 4, g + 6, g + 8, g + 10, g + 12);
    return buf;
}

int mgmt_gtime_past(const char *g)
{
    if (!g || strlen(g) != 15)
        return 0;
    char now[40];
    utc_fields f = utc_of((int64_t)time(NULL));
    snprintf(now, sizeof now, "%04lld%02u%02u%02u%02u%02uZ", (long long)f.y, f.mo, f.d, f.h, f.mi,
             f.s);
    return strcmp(g, now) < 0;
}

long mgmt_gtime_days_left(const char *g)
{
    if (!g || !text_is_gentime(g))
        return 0;
    unsigned v[6];
    if (sscanf(g, "%4u%2u%2u%2u%2u%2u", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        return 0;
    int64_t at = text_days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
    int64_t d = at - (int64_t)time(NULL);
    return (long)(d >= 0 ? d / 86400 : -((-d + 86399) / 86400));
}

const char *mgmt_fmt_unix(int64_t t, char *buf, size_t n)
{
    utc_fields f = utc_of(t);
    snprintf(buf, n, "%04lld-%02u-%02u %02u:%02u:%02u UTC", (long long)f.y, f.mo, f.d, f.h, f.mi,
             f.s);
    return buf;
}

const char *mgmt_key_desc(int ec, unsigned bits, char *buf, size_t n)
{
    if (ec)
        snprintf(buf, n, "EC P-%u", bits);
    else
        snprintf(buf, n, "RSA %u", bits);
    return buf;
}

const char *mgmt_providers_desc(unsigned p)
{
    switch (p & (CRPKI_CAT_CSP | CRPKI_CAT_KSP)) {
    case CRPKI_CAT_CSP:
        return "CSP";
    case CRPKI_CAT_KSP:
        return "KSP";
    case CRPKI_CAT_CSP | CRPKI_CAT_KSP:
        return "CSP+KSP";
    default:
        return "-";
    }
}
