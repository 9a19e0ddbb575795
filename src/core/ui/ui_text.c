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
