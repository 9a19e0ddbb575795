/* Argument helpers and the usage text. */
#include <stdio.h>
#include <string.h>

#include "mgmt.h"
#include "out.h"
#include "term.h"

int arg_flag(mgmt_args *a, const char *name)
{
    int found = 0;
    for (int i = 0; i < a->argc; i++)
        if (!a->used[i] && strcmp(a->argv[i], name) == 0) {
            a->used[i] = 1;
            found = 1;
        }
    return found;
}

int arg_value(mgmt_args *a, const char *name, const char **val)
{
    size_t nl = strlen(name);
    for (int i = 0; i < a->argc; i++) {
        if (a->used[i])
            continue;
        const char *s = a->argv[i];
        if (strncmp(s, name, nl) != 0)
            continue;
        if (s[nl] == '=') {
            a->used[i] = 1;
            *val = s + nl + 1;
            return 1;
        }
        if (s[nl] != '\0')
            continue;
        a->used[i] = 1;
        if (i + 1 >= a->argc || a->used[i + 1])
            return -1;
        a->used[i + 1] = 1;
        *val = a->argv[i + 1];
        return 1;
    }
    return 0;
}

int arg_rest(mgmt_ctx *c, mgmt_args *a, const char **out, int max)
{
    int n = 0;
    for (int i = 0; i < a->argc; i++) {
        if (a->used[i])
            continue;
        const char *s = a->argv[i];
        if (s[0] == '-' && s[1] != '\0') {
            out_note(c, L(c, "不明なオプションです: %s\n", "unknown option: %s\n"), s);
            mgmt_usage(c, NULL, NULL);
            return -1;
        }
        if (n >= max) {
            out_note(c, L(c, "余分な引数です: %s\n", "unexpected argument: %s\n"), s);
            mgmt_usage(c, NULL, NULL);
            return -1;
        }
        out[n++] = s;
    }
    return n;
}

int arg_provider(mgmt_ctx *c, mgmt_args *a, unsigned dflt, unsigned *out)
{
    const char *v = NULL;
    int r = arg_value(a, "--provider", &v);
    if (r == 0) {
        *out = dflt;
        return 0;
    }
    if (r > 0 && strcmp(v, "csp") == 0)
        *out = CRPKI_CAT_CSP;
    else if (r > 0 && strcmp(v, "ksp") == 0)
        *out = CRPKI_CAT_KSP;
    else if (r > 0 && strcmp(v, "both") == 0 && dflt == (CRPKI_CAT_CSP | CRPKI_CAT_KSP))
        *out = CRPKI_CAT_CSP | CRPKI_CAT_KSP;
    else {
        mgmt_usage(c, "--provider には csp、ksp (use では both も) を指定してください",
                   "--provider takes csp or ksp (use also takes both)");
        return -1;
    }
    return 0;
}

static const char USAGE_EN[] =
    "usage: crpki-mgmt [--json] [--home DIR] [--lang ja|en] COMMAND [options]\n"
    "commands:\n"
    "  proxy show | set HOST:PORT [--user U] [--password-stdin|--keep-password]\n"
    "        [--allow-basic] | system | none\n"
    "  service show | set URL [--machine [--ca-bundle FILE]]  the signing service's URL\n"
    "        (--machine: for every user of the PC; run as administrator)\n"
    "  login [--timeout S] [--no-browser]   log in to gBizID in the browser\n"
    "  certs                                list the certificates tied to the gBizID\n"
    "  use ID|INDEX [--provider csp|ksp|both]  select the certificate the driver signs with\n"
    "  unset [ID]                           remove a selected certificate (all without ID)\n"
    "  logout [--remove-certs]              log out (revokes the login at the service)\n"
    "  status                               health check (exit 8 when something is wrong)\n"
    "  sign FILE [--provider csp|ksp] [--out FILE.p7s]  a test signature (detached CMS)\n"
    "  export-cert [--ca] [--pem] [--provider csp|ksp] [--out FILE]\n"
    "  history [--since YYYY-MM-DD] [--outcome O] [--csv FILE]  the signing record, newest first\n"
    "exit codes: 0 ok, 1 failure, 2 usage, 3 configuration, 4 login needed, 5 network/service,\n"
    "  6 not approved/timed out, 7 certificate, 8 unhealthy (status). See docs/mgmt.md.\n";

static const char USAGE_JA[] =
    "使い方: crpki-mgmt [--json] [--home DIR] [--lang ja|en] コマンド [オプション]\n"
    "コマンド:\n"
    "  proxy show | set HOST:PORT [--user U] [--password-stdin|--keep-password]\n"
    "        [--allow-basic] | system | none  通信環境設定\n"
    "  service show | set URL [--machine [--ca-bundle FILE]]  接続先 (署名サービスの URL)\n"
    "        (--machine: PC の全利用者に共通の設定。管理者として実行)\n"
    "  login [--timeout 秒] [--no-browser]  ブラウザで G ビズ ID にログイン\n"
    "  certs                                G ビズ ID に紐づく証明書の一覧\n"
    "  use ID|番号 [--provider csp|ksp|both] 署名に使う証明書の設定\n"
    "  unset [ID]                           証明書の設定を解除 (ID 省略時はすべて)\n"
    "  logout [--remove-certs]              G ビズ ID 認証解除 (サービス側でも失効)\n"
    "  status                               状態確認 (問題があれば終了コード 8)\n"
    "  sign ファイル [--provider csp|ksp] [--out ファイル.p7s]  テスト署名 (分離 CMS)\n"
    "  export-cert [--ca] [--pem] [--provider csp|ksp] [--out ファイル]\n"
    "  history [--since YYYY-MM-DD] [--outcome 結果] [--csv ファイル]  署名履歴 (新しい順)\n"
    "終了コード: 0 成功, 1 失敗, 2 引数誤り, 3 設定, 4 要ログイン, 5 通信/サービス,\n"
    "  6 未承認/時間切れ, 7 証明書, 8 異常あり (status)。詳細は docs/mgmt.md。\n";

void mgmt_print_help(mgmt_ctx *c)
{
    const char *u = c->ja ? USAGE_JA : USAGE_EN;
    term_write(0, u, strlen(u));
}

int mgmt_usage(mgmt_ctx *c, const char *why_ja, const char *why_en)
{
    out_note(c, "%s", c->ja ? USAGE_JA : USAGE_EN);
    const char *why =
        why_en ? L(c, why_ja, why_en) : L(c, "引数が正しくありません", "bad arguments");
    return out_error(c, MGMT_EXIT_USAGE, "USAGE", why, NULL,
                     L(c, "crpki-mgmt --help を参照してください", "see crpki-mgmt --help"));
}
