/* ui_text: the approval UI's Japanese texts (ui_internal.h), built here
 * once so the console and the dialog say the same thing; every value from
 * outside (what, the program, the certificate) through text_clean. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/util/text.h"
#include "base/util/text_clean.h"
#include "core/ui/ui_internal.h"
#include "base/util/errbuf.h"

typedef struct {
    char *buf;
    size_t n, len; /* len: what the whole text needs */
} tbuf;

static void tb_add(tbuf *t, const char *fmt, ...) CRPKI_PRINTF(2, 3);
static void tb_add(tbuf *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->len < t->n ? t->n - t->len : 0;
    int k = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (k > 0)
        t->len += (size_t)k;
}

static int has(const char *s)
{
    return s && *s;
}

size_t ui_countdown_text(unsigned seconds_left, char *buf, size_t n)
{
    int k = seconds_left == 0
                ? snprintf(buf, n, "承認の期限が切れました")
                : snprintf(buf, n, "有効期限: 残り %u:%02u", seconds_left / 60, seconds_left % 60);
    return k > 0 ? (size_t)k : 0;
}

size_t ui_holder_text(const ui_request *req, char *buf, size_t n)
{
    if (!n)
        return 0;
    buf[0] = '\0';
    if (has(req->holder))
        return text_clean(req->holder, buf, n);
    if (has(req->subject))
        text_dn_display(req->subject, buf, n);
    return strlen(buf);
}

size_t ui_label_text(const char *label, const char *value, char *buf, size_t n)
{
    char clean[1024];
    int k = has(value) && text_clean(value, clean, sizeof clean) > 0
                ? snprintf(buf, n, "%s: %s", label, clean)
                : snprintf(buf, n, "%s", "");
    return k > 0 ? (size_t)k : 0;
}

size_t ui_console_text(const ui_request *req, char *buf, size_t n)
{
    tbuf t = {buf, n, 0};
    if (n)
        buf[0] = '\0';
    char code[16], line[1024];
    if (!has(req->approval_code) || text_clean(req->approval_code, code, sizeof code) == 0)
        snprintf(code, sizeof code, "----");
    tb_add(&t, "\n==== %s ====\n%s\n\n    承認コード:  %s\n\n", CRPKI_UI_TITLE, CRPKI_UI_PROMPT,
           code);
    if (ui_label_text("  署名する内容", req->description, line, sizeof line))
        tb_add(&t, "%s\n", line);
    if (req->num_hashes > 1)
        tb_add(&t, "  署名の数: %u\n", (unsigned)req->num_hashes);
    if (ui_label_text("  要求元プログラム",
                      has(req->program_path) ? req->program_path : req->program, line, sizeof line))
        tb_add(&t, "%s\n", line);
    if (has(req->publisher) && text_clean(req->publisher, line, sizeof line) > 0)
        tb_add(&t, "  %s\n", line);
    char who[600]; /* as a person reads it: the holder and the company */
    if (ui_holder_text(req, who, sizeof who))
        tb_add(&t, "  証明書: %s\n", who);
    tb_add(&t, "  有効期限: 残り %u 秒\n", req->expires_in_s);
    tb_add(&t, "CRPKI-APPROVAL-CODE: %s\n", code);
    return t.len;
}

size_t ui_outcome_text(crpki_err outcome, char *buf, size_t n)
{
    int k = outcome == CRPKI_OK
                ? snprintf(buf, n, "署名しました。\n")
                : snprintf(buf, n, "署名されませんでした: %s\n", crpki_strerror_ja(outcome));
    return k > 0 ? (size_t)k : 0;
}

/* ---- recovery (ui.h) --------------------------------------------------------- */

#define T_CANNOT "商業登記電子証明書 - 署名できません"
#define T_NETTODO_TAIL                                                                                                               \
    "社内のプロキシを使う場合は、管理ツールの「通信環境設定」を確認するか、組織の管理者に" \
    "連絡してください。"

static const struct {
    crpki_err cause;
    ui_recovery_text t;
} RECOVERY[] = {
    {CRPKI_E_NOT_LOGGED_IN,
     {UI_CHOICE_LOGIN, "商業登記電子証明書 - G ビズ ID へのログイン",
      "G ビズ ID のログインの有効期限が切れたため、署名できません。",
      "「G ビズ ID でログイン」を押してブラウザでログインすると、この署名をそのまま続けます。",
      "G ビズ ID でログイン", "login", "crpki-mgmt login"}},
    {CRPKI_E_UNAUTHORIZED,
     {UI_CHOICE_LOGIN, "商業登記電子証明書 - G ビズ ID へのログイン",
      "署名サービスが G ビズ ID のログインを受け付けませんでした。",
      "「G ビズ ID でログイン」を押してブラウザでログインし直すと、この署名をそのまま続けます。",
      "G ビズ ID でログイン", "login", "crpki-mgmt login"}},
    {CRPKI_E_NETWORK,
     {UI_CHOICE_RETRY, T_CANNOT, "署名サービスに接続できません。",
      "ネットワークの接続を確認してから「再試行」を押してください。" T_NETTODO_TAIL, "再試行",
      "network", "crpki-mgmt status"}},
    {CRPKI_E_PROXY,
     {UI_CHOICE_RETRY, T_CANNOT, "プロキシサーバーが署名サービスへの接続を拒否しました。",
      "管理ツールの「通信環境設定」でプロキシの設定を確認するか、組織の管理者に連絡してから"
      "「再試行」を押してください。",
      "再試行", "network", "crpki-mgmt proxy show"}},
    {CRPKI_E_TLS,
     {UI_CHOICE_RETRY, T_CANNOT,
      "署名サービスとの安全な接続 (TLS) を確立できません。サーバー証明書を確認できませんでした。",
      "社内のネットワークが通信を検査している場合は、組織の管理者に連絡してください。"
      "直ったら「再試行」を押してください。",
      "再試行", "network", "crpki-mgmt status"}},
    {CRPKI_E_TIMEOUT,
     {UI_CHOICE_RETRY, T_CANNOT, "署名サービスが時間内に応答しませんでした。",
      "しばらく待ってから「再試行」を押してください。" T_NETTODO_TAIL, "再試行", "network",
      "crpki-mgmt status"}},
    {CRPKI_E_BUSY,
     {UI_CHOICE_RETRY, T_CANNOT, "署名サービスが混み合っています。",
      "しばらく待ってから「再試行」を押してください。", "再試行", "network", "crpki-mgmt status"}},
    {CRPKI_E_SERVICE,
     {UI_CHOICE_RETRY, T_CANNOT, "署名サービスでエラーが発生しました。",
      "しばらく待ってから「再試行」を押してください。", "再試行", "network", "crpki-mgmt status"}},
    {CRPKI_E_BAD_CERT,
     {UI_CHOICE_CANCEL, T_CANNOT, "署名に使う証明書が有効期間外のため、署名できません。",
      "管理ツールの「3. 証明書一覧取得」と「4. 証明書設定」で、有効な証明書を設定し直して"
      "ください。",
      NULL, "certs", "crpki-mgmt certs / crpki-mgmt use"}},
    {CRPKI_E_UNKNOWN_CREDENTIAL,
     {UI_CHOICE_CANCEL, T_CANNOT,
      "この証明書は署名サービスで使えなくなっています (更新または失効した可能性があります)。",
      "管理ツールの「証明書設定」で、署名に使う証明書を設定し直してください。", NULL, "certs",
      "crpki-mgmt certs / crpki-mgmt use"}},
};

int ui_recovery_texts(crpki_err cause, ui_recovery_text *t)
{
    for (size_t i = 0; i < sizeof RECOVERY / sizeof RECOVERY[0]; i++)
        if (RECOVERY[i].cause == cause) {
            *t = RECOVERY[i].t;
            return 0;
        }
    return -1;
}

int ui_recovery_applies(crpki_err cause)
{
    ui_recovery_text t;
    return ui_recovery_texts(cause, &t) == 0;
}

size_t ui_recovery_console_line(crpki_err cause, char *buf, size_t n)
{
    ui_recovery_text t;
    int k = ui_recovery_texts(cause, &t) != 0
                ? snprintf(buf, n, "署名できません: %s\n", crpki_strerror_ja(cause))
                : snprintf(
                      buf, n,
                      "署名できません: %s 次のコマンドで直してから、もう一度署名してください: %s\n",
                      t.what, t.command);
    return k > 0 ? (size_t)k : 0;
}
