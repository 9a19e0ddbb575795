/* history: the signing record (署名履歴, core/history): newest first, on
 * the terminal, as JSON, or as CSV for an auditor (UTF-8 with BOM, CRLF:
 * what Excel opens with the Japanese intact). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_clock.h"
#include "base/platform/plat_fs.h"
#include "base/util/strbuf.h"
#include "base/util/text.h"
#include "base/util/text_clean.h"
#include "core/history/history.h"
#include "mgmt.h"
#include "out.h"

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *outcome_ja(const char *o)
{
    return strcmp(o, "signed") == 0      ? "署名済み"
           : strcmp(o, "denied") == 0    ? "拒否"
           : strcmp(o, "expired") == 0   ? "期限切れ"
           : strcmp(o, "cancelled") == 0 ? "キャンセル"
                                         : "エラー";
}

/* "YYYY-MM-DD", local midnight, as Unix ms; -1 when malformed. */
static int64_t parse_date(const char *s)
{
    unsigned y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
        d < 1 || d > 31)
        return -1;
    int64_t t = text_days_from_civil(y, m, d) * 86400;
    return (t - plat_utc_offset_s(t)) * 1000;
}

/* One quoted cell. A cell that a spreadsheet would take as a formula (it
 * starts with = + - @, a tab or a carriage return) starts with a ' instead
 * (OWASP, CSV injection): a record's text is the caller's, and Excel, where
 * auditors open the file, would run =HYPERLINK(...). */
static void csv_field(strbuf *b, const char *s, int last)
{
    strbuf_put(b, "\"", 1);
    if (*s && strchr("=+-@\t\r", *s))
        strbuf_put(b, "'", 1);
    for (; *s; s++) {
        if (*s == '"')
            strbuf_put(b, "\"", 1);
        strbuf_put(b, s, 1);
    }
    strbuf_put(b, "\"", 1);
    strbuf_puts(b, last ? "\r\n" : ",");
}

static int write_csv(mgmt_ctx *c, const history_list *l, const char *path)
{
    strbuf b = {0};
    strbuf_puts(&b, "\xEF\xBB\xBF"); /* BOM: Excel reads UTF-8 */
    static const char *const HEAD[] = {
        "日時(UTC)",       "日時(現地)", "結果",         "コード", "要求元プログラム", "署名内容",
        "証明書ID",        "証明書",     "アルゴリズム", "件数",   "ダイジェスト",     "承認コード",
        "所要時間(ミリ秒)"};
    size_t nh = sizeof HEAD / sizeof HEAD[0];
    for (size_t i = 0; i < nh; i++)
        csv_field(&b, HEAD[i], i + 1 == nh);
    for (size_t i = l->n; i-- > 0;) {
        const cJSON *o = l->v[i].json;
        char count[24], ms[24];
        snprintf(count, sizeof count, "%.0f", num(o, "count"));
        snprintf(ms, sizeof ms, "%.0f", num(o, "duration_ms"));
        strbuf dg = {0};
        const cJSON *d;
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(o, "digests"))
        {
            if (dg.len)
                strbuf_puts(&dg, " ");
            strbuf_puts(&dg, cJSON_IsString(d) ? d->valuestring : "");
        }
        const char *row[] = {str(o, "time_utc"),
                             str(o, "time_local"),
                             outcome_ja(str(o, "outcome")),
                             str(o, "code"),
                             str(o, "program"),
                             str(o, "what"),
                             str(o, "credential"),
                             str(o, "subject"),
                             str(o, "algorithm"),
                             count,
                             dg.p ? dg.p : "",
                             str(o, "approval_code"),
                             ms};
        for (size_t k = 0; k < nh; k++)
            csv_field(&b, row[k], k + 1 == nh);
        strbuf_free(&dg);
    }
    crpki_error_info ei;
    crpki_err e = b.oom ? CRPKI_E_NO_MEMORY
                        : plat_write_file_atomic(path, b.p, b.len, PLAT_FILE_PRIVATE, &ei);
    strbuf_free(&b);
    if (e != CRPKI_OK)
        return mgmt_fail(c, e, &ei, NULL, NULL);
    return 0;
}

int cmd_history(mgmt_ctx *c, mgmt_args *a)
{
    const char *since = NULL, *csv = NULL, *outcome = NULL;
    int rs = arg_value(a, "--since", &since);
    int rc_ = arg_value(a, "--csv", &csv);
    int ro = arg_value(a, "--outcome", &outcome);
    const char *pos[1];
    if (arg_rest(c, a, pos, 0) < 0)
        return MGMT_EXIT_USAGE;
    if (rs < 0 || rc_ < 0 || ro < 0)
        return mgmt_usage(c, "--since / --csv / --outcome に値がありません",
                          "--since / --csv / --outcome need a value");
    static const char *const OUTCOMES[] = {"signed", "denied", "expired", "cancelled", "error"};
    int known = !outcome;
    for (size_t i = 0; outcome && i < sizeof OUTCOMES / sizeof OUTCOMES[0]; i++)
        known |= strcmp(outcome, OUTCOMES[i]) == 0;
    if (!known)
        return mgmt_usage(c,
                          "--outcome は signed, denied, expired, cancelled, error のいずれかです",
                          "--outcome takes signed, denied, expired, cancelled or error");
    int64_t since_ms = 0;
    if (since && (since_ms = parse_date(since)) < 0)
        return mgmt_usage(c, "--since は YYYY-MM-DD の形式で指定してください",
                          "--since takes a date: YYYY-MM-DD");
    int rc = mgmt_config(c);
    if (rc)
        return rc;
    history_list l;
    crpki_error_info ei;
    crpki_err e = history_read(c->home, since_ms, &l, &ei);
    if (e != CRPKI_OK)
        return mgmt_fail(c, e, &ei, NULL, NULL);
    if (outcome) { /* keep only that outcome's records */
        size_t k = 0;
        for (size_t i = 0; i < l.n; i++) {
            if (strcmp(str(l.v[i].json, "outcome"), outcome) == 0)
                l.v[k++] = l.v[i];
            else
                cJSON_Delete(l.v[i].json);
        }
        l.n = k;
    }
    if (csv && (rc = write_csv(c, &l, csv)) != 0) {
        history_list_free(&l);
        return rc;
    }
    cJSON *j = out_json(c);
    cJSON *arr = cJSON_AddArrayToObject(j, "records");
    for (size_t i = l.n; i-- > 0;)
        cJSON_AddItemToArray(arr, cJSON_Duplicate(l.v[i].json, 1));
    cJSON_AddNumberToObject(j, "broken_lines", (double)l.broken);
    if (l.n == 0)
        out_say(c, "%s\n", L(c, "署名の記録はありません。", "no signing records."));
    for (size_t i = l.n; i-- > 0;) {
        const cJSON *o = l.v[i].json;
        /* every field as a person is shown it: a line break or a terminal
           escape in a file's text (an older record, an edited file) cannot
           forge a line or reach the terminal */
        char when[64], outc[32], alg[64], prog[1024], what[1024], code[16], err[64];
        text_clean(str(o, "outcome"), outc, sizeof outc);
        text_clean(str(o, "time_local"), when, sizeof when);
        text_clean(str(o, "algorithm"), alg, sizeof alg);
        text_clean(str(o, "program"), prog, sizeof prog);
        text_clean(str(o, "what"), what, sizeof what);
        text_clean(str(o, "approval_code"), code, sizeof code);
        text_clean(str(o, "code"), err, sizeof err);
        out_say(c, "%.19s  %s  %s  %.0f%s  %s\n", when, L(c, outcome_ja(outc), outc), alg,
                num(o, "count"), L(c, "件", ""), prog);
        out_say(c, "    %s%s%s%s  (%.0f ms)\n", what, *code ? L(c, "  承認コード ", "  code ") : "",
                code, strcmp(str(o, "outcome"), "error") == 0 ? err : "", num(o, "duration_ms"));
    }
    if (l.broken)
        out_note(c,
                 L(c, "読めない行が %lu 行ありました (飛ばしました)。\n",
                   "%lu unreadable line(s) skipped.\n"),
                 (unsigned long)l.broken);
    if (csv)
        out_say(c, L(c, "CSV に保存しました: %s\n", "CSV written: %s\n"), csv);
    history_list_free(&l);
    return 0;
}
