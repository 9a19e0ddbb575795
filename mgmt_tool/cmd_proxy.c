/* proxy: the communication setting (guideline §3.3 No.1), kept in
 * config.json; the password in the token store, never in config.json. */
#include <stdlib.h>
#include <string.h>

#include "mgmt.h"
#include "out.h"
#include "base/platform/plat_str.h"

static const char *mode_name(rssp_proxy_mode m)
{
    return m == RSSP_PROXY_NONE ? "none" : m == RSSP_PROXY_SYSTEM ? "system" : "explicit";
}

static int show(mgmt_ctx *c)
{
    crpki_config *cfg = &c->cfg;
    char *pw = NULL;
    crpki_error_info ei;
    crpki_err r = crpki_auth_get_proxy_password(c->home, &pw, &ei);
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei, NULL, NULL);
    int has_pw = pw != NULL;
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    cJSON *p = cJSON_AddObjectToObject(out_json(c), "proxy");
    cJSON_AddStringToObject(p, "mode", mode_name(cfg->proxy_mode));
    cJSON_AddBoolToObject(p, "fixed", crpki_config_fixed(cfg, "proxy"));
    cJSON_AddBoolToObject(p, "sign_on_fixed", crpki_config_fixed(cfg, "proxy_sign_on"));
    if (crpki_config_fixed(cfg, "proxy"))
        out_say(c, "%s\n",
                L(c, "(プロキシは組織の管理者によって設定されています)",
                  "(the proxy is set by your organization's administrator)"));
    switch (cfg->proxy_mode) {
    case RSSP_PROXY_NONE:
        out_say(c, "%s\n",
                L(c, "プロキシ: 使用しない (直接接続)", "proxy: none (direct connection)"));
        break;
    case RSSP_PROXY_SYSTEM:
        out_say(c, "%s\n",
                L(c,
                  "プロキシ: システムの設定 (環境変数 https_proxy / Windows のインターネット "
                  "オプション)",
                  "proxy: system (https_proxy environment / Windows Internet Options)"));
        break;
    default:
        cJSON_AddStringToObject(p, "host", cfg->proxy_host ? cfg->proxy_host : "");
        cJSON_AddNumberToObject(p, "port", cfg->proxy_port);
        if (cfg->proxy_user)
            cJSON_AddStringToObject(p, "user", cfg->proxy_user);
        out_say(c, L(c, "プロキシ: %s:%u\n", "proxy: %s:%u\n"), cfg->proxy_host, cfg->proxy_port);
        if (cfg->proxy_user)
            out_say(c, L(c, "ユーザー: %s\n", "user: %s\n"), cfg->proxy_user);
        cJSON_AddBoolToObject(p, "allow_basic", cfg->proxy_allow_basic);
        out_say(c, L(c, "認証方式: %s\n", "authentication: %s\n"),
                cfg->proxy_allow_basic
                    ? L(c,
                        "Negotiate / NTLM / Digest / Basic (Basic "
                        "はパスワードが読み取れる形で送られます)",
                        "Negotiate / NTLM / Digest / Basic (Basic sends the password readable)")
                    : L(c, "Negotiate / NTLM / Digest (Basic では送りません)",
                        "Negotiate / NTLM / Digest (never Basic)"));
        break;
    }
    cJSON_AddBoolToObject(p, "password_set", has_pw);
    out_say(c, L(c, "パスワード: %s\n", "password: %s\n"),
            has_pw ? L(c, "設定済み (保護して保存)", "set (stored protected)")
                   : L(c, "なし", "none"));
    /* where the Windows sign-on applies (rssp_options.proxy_no_sign_on) */
    int applies =
        cfg->proxy_mode == RSSP_PROXY_SYSTEM || (cfg->proxy_mode == RSSP_PROXY_EXPLICIT && !has_pw);
    cJSON_AddBoolToObject(p, "sign_on", cfg->proxy_sign_on);
    if (applies)
        out_say(c, L(c, "Windows のサインインで認証: %s\n", "Windows sign-on: %s\n"),
                cfg->proxy_sign_on
                    ? L(c, "する (プロキシが求めたとき Negotiate / NTLM、パスワード不要)",
                        "on (Negotiate / NTLM when the proxy asks; no password)")
                    : L(c, "しない", "off"));
    return 0;
}

/* HOST:PORT with PORT 1-65535; host may be a bracketed IPv6 address. */
static int parse_hostport(const char *s, char **host, unsigned *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || !colon[1])
        return -1;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 1 || p > 65535 || colon[1] < '0' || colon[1] > '9')
        return -1;
    size_t hl = (size_t)(colon - s);
    *host = malloc(hl + 1);
    if (!*host)
        return -1;
    memcpy(*host, s, hl);
    (*host)[hl] = '\0';
    if (strpbrk(*host, " /@?#")) {
        free(*host);
        *host = NULL;
        return -1;
    }
    *port = (unsigned)p;
    return 0;
}

static int save(mgmt_ctx *c, const char *password, int touch_password)
{
    crpki_error_info ei;
    crpki_err r = crpki_config_save(&c->cfg, &ei);
    if (r != CRPKI_OK)
        return mgmt_fail(c, r == CRPKI_E_INVALID_ARG ? CRPKI_E_CONFIG : r, &ei, NULL, NULL);
    if (touch_password) {
        crpki_auth *a = NULL;
        r = crpki_auth_new_offline(c->home, &a, &ei);
        if (r == CRPKI_OK)
            r = crpki_auth_set_proxy_password(a, password, &ei);
        crpki_auth_free(a);
        if (r != CRPKI_OK)
            return mgmt_fail(c, r, &ei, NULL, NULL);
    }
    return 0;
}

int cmd_proxy(mgmt_ctx *c, mgmt_args *a)
{
    const char *user = NULL;
    int ru = arg_value(a, "--user", &user);
    int pw_stdin = arg_flag(a, "--password-stdin");
    int allow_basic = arg_flag(a, "--allow-basic");
    int keep_pw = arg_flag(a, "--keep-password");
    int no_sign_on = arg_flag(a, "--no-sign-on");
    const char *pos[2];
    int n = arg_rest(c, a, pos, 2);
    if (n < 0)
        return MGMT_EXIT_USAGE;
    if (ru < 0)
        return mgmt_usage(c, "--user に値がありません", "--user needs a value");
    const char *sub = n > 0 ? pos[0] : "show";
    int is_set = strcmp(sub, "set") == 0;
    int is_system = strcmp(sub, "system") == 0;
    if ((!is_set && (n > 1 || ru || pw_stdin || allow_basic || keep_pw)) || (is_set && n != 2) ||
        (no_sign_on && !is_set && !is_system) ||
        (!is_set && strcmp(sub, "show") && !is_system && strcmp(sub, "none")))
        return mgmt_usage(
            c,
            "proxy show | set HOST:PORT [--user U] [--password-stdin | --keep-password] "
            "[--allow-basic] [--no-sign-on] | system [--no-sign-on] | none",
            "proxy show | set HOST:PORT [--user U] [--password-stdin | "
            "--keep-password] [--allow-basic] [--no-sign-on] | system [--no-sign-on] | none");
    if (pw_stdin && !ru)
        return mgmt_usage(c, "--password-stdin には --user が必要です",
                          "--password-stdin needs --user");
    if (keep_pw && (!ru || pw_stdin))
        return mgmt_usage(c,
                          "--keep-password には --user が必要です (--password-stdin とは併用不可)",
                          "--keep-password needs --user (and no --password-stdin)");
    char *host = NULL;
    unsigned port = 0;
    if (is_set && parse_hostport(pos[1], &host, &port) != 0)
        return mgmt_usage(c, "HOST:PORT の形式で指定してください (例 proxy.example.jp:8080)",
                          "expected HOST:PORT (e.g. proxy.example.com:8080)");
    int rc = mgmt_config(c);
    if (rc) {
        free(host);
        return rc;
    }
    if (strcmp(sub, "show") == 0)
        return show(c);
    crpki_config *cfg = &c->cfg;
    if (crpki_config_fixed(cfg, "proxy"))
        return mgmt_refuse_fixed(c, "プロキシ", "proxy");
    if (crpki_config_fixed(cfg, "proxy_sign_on") && no_sign_on && cfg->proxy_sign_on)
        return mgmt_refuse_fixed(c, "プロキシでの Windows のサインインの使用",
                                 "use of the Windows sign-on at the proxy");
    /* the stored password stays only for the same user */
    int same_user = keep_pw && cfg->proxy_mode == RSSP_PROXY_EXPLICIT && cfg->proxy_user && user &&
                    strcmp(cfg->proxy_user, user) == 0;
    free(cfg->proxy_host);
    free(cfg->proxy_user);
    cfg->proxy_host = cfg->proxy_user = NULL;
    cfg->proxy_port = 0;
    char password[512] = "";
    if (is_set) {
        cfg->proxy_mode = RSSP_PROXY_EXPLICIT;
        cfg->proxy_host = host;
        cfg->proxy_port = port;
        cfg->proxy_user = user ? plat_strdup(user) : NULL;
        cfg->proxy_allow_basic = allow_basic;
        if (pw_stdin) {
            if (!c->io)
                out_note(c, "%s", L(c, "プロキシのパスワード: ", "proxy password: "));
            if (mgmt_read_secret(c, password, sizeof password) != 0)
                return mgmt_usage(c, "標準入力からパスワードを読めません",
                                  "no password on standard input");
        }
    } else {
        cfg->proxy_mode = strcmp(sub, "none") == 0 ? RSSP_PROXY_NONE : RSSP_PROXY_SYSTEM;
        cfg->proxy_allow_basic = 0;
    }
    if (!crpki_config_fixed(cfg, "proxy_sign_on"))
        cfg->proxy_sign_on = !no_sign_on;
    /* a new proxy setting replaces the old password (none unless given) */
    rc = save(c, password[0] ? password : NULL, !same_user);
    memset(password, 0, sizeof password);
    if (rc)
        return rc;
    out_say(c, "%s\n", L(c, "通信環境設定を保存しました。", "proxy setting saved."));
    return show(c);
}

/* service set URL --machine [--ca-bundle FILE]: the machine-wide file, for
 * every user of the PC, as an administrator (elevated) deploys it. */
static int set_machine(mgmt_ctx *c, const char *url, const char *ca_file)
{
    crpki_error_info ei;
    char *where = NULL;
    crpki_err r = crpki_config_save_machine(url, ca_file, &where, &ei);
    if (r == CRPKI_E_IO)
        return mgmt_fail(c, r, &ei,
                         "管理者として実行してください (コマンド プロンプトを右クリックして"
                         "「管理者として実行」)",
                         "run it as an administrator (an elevated command prompt)");
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei,
                         "https:// で始まる接続先 URL と、PEM 形式の CA 証明書ファイルを指定して"
                         "ください",
                         "give a URL starting with https:// and a PEM CA certificate file");
    cJSON_AddStringToObject(out_json(c), "machine_settings", where ? where : "");
    out_say(c,
            L(c, "PC の全利用者に共通の設定として保存しました: %s\n",
              "saved for every user of this PC: %s\n"),
            where ? where : "");
    free(where);
    /* what every user now loads */
    crpki_config_free(&c->cfg);
    c->cfg_loaded = 0;
    int rc = mgmt_config(c);
    if (rc)
        return rc;
    if (c->cfg.ca_bundle && ca_file)
        out_say(c, L(c, "CA 証明書: %s\n", "CA certificate: %s\n"), c->cfg.ca_bundle);
    return 0;
}

/* service: the signing service's URL (part of the communication setting).
 * One set machine-wide by an administrator is shown, never changed here
 * but by an administrator's --machine. */
int cmd_service(mgmt_ctx *c, mgmt_args *a)
{
    const char *pos[2], *ca_file = NULL;
    int machine = arg_flag(a, "--machine");
    int has_ca = arg_value(a, "--ca-bundle", &ca_file);
    int n = arg_rest(c, a, pos, 2);
    if (n < 0)
        return MGMT_EXIT_USAGE;
    const char *sub = n > 0 ? pos[0] : "show";
    int is_set = strcmp(sub, "set") == 0;
    if ((is_set && n != 2) || (!is_set && (n > 1 || strcmp(sub, "show"))) || has_ca < 0 ||
        ((machine || has_ca) && !is_set) || (has_ca && !machine))
        return mgmt_usage(c, "service show | set URL [--machine [--ca-bundle FILE]]",
                          "service show | set URL [--machine [--ca-bundle FILE]]");
    if (is_set && machine) {
        int rc = set_machine(c, pos[1], ca_file);
        if (rc)
            return rc;
    }
    int rc = mgmt_config(c);
    if (rc)
        return rc;
    crpki_config *cfg = &c->cfg;
    if (is_set && !machine) {
        if (crpki_config_fixed(cfg, "service_url"))
            return mgmt_refuse_fixed(c, "接続先", "service URL");
        char *old = cfg->service_url;
        cfg->service_url = plat_strdup(pos[1]);
        if (!cfg->service_url) {
            cfg->service_url = old;
            return MGMT_EXIT_FAILURE;
        }
        /* the same checks as loading: https, a host, no user info */
        crpki_error_info ei;
        crpki_err r = crpki_config_save(cfg, &ei);
        crpki_config check;
        if (r == CRPKI_OK) {
            r = crpki_config_load(c->home, &check, &ei);
            if (r == CRPKI_OK)
                crpki_config_free(&check);
        }
        if (r != CRPKI_OK) {
            free(cfg->service_url);
            cfg->service_url = old;
            crpki_error_info ei2;
            (void)crpki_config_save(cfg, &ei2); /* put the previous file back */
            return mgmt_fail(c, CRPKI_E_CONFIG, &ei,
                             "https:// で始まる接続先 URL を指定してください",
                             "give a URL starting with https://");
        }
        free(old);
        out_say(c, "%s\n", L(c, "接続先を保存しました。", "service URL saved."));
    }
    cJSON *s = cJSON_AddObjectToObject(out_json(c), "service");
    cJSON_AddStringToObject(s, "url", cfg->service_url ? cfg->service_url : "");
    cJSON_AddBoolToObject(s, "machine_wide", cfg->machine_service_url != NULL);
    cJSON_AddBoolToObject(s, "fixed", crpki_config_fixed(cfg, "service_url"));
    out_say(c, L(c, "接続先: %s%s\n", "service: %s%s\n"),
            cfg->service_url ? cfg->service_url : L(c, "(未設定)", "(not set)"),
            crpki_config_fixed(cfg, "service_url")
                ? L(c, " (組織の管理者によって設定されています)",
                    " (set by your organization's administrator)")
                : "");
    return 0;
}
