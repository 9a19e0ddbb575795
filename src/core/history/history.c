/* The signing record (history.h). */
#include "core/history/history.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_clock.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_xlock.h"
#include "base/util/text.h"
#include "base/util/text_clean.h"

/* Milliseconds since 1970 a record may carry: +-2^53, what a double holds
 * exactly (year +-285,000). */
#define TIME_MS_MAX 9007199254740992.0

static size_t g_max_bytes; /* 0: HISTORY_MAX_BYTES */

void history_set_max_bytes(size_t bytes)
{
    g_max_bytes = bytes;
}

const char *history_outcome_name(crpki_err outcome)
{
    switch (outcome) {
    case CRPKI_OK:
        return "signed";
    case CRPKI_E_DENIED:
        return "denied";
    case CRPKI_E_APPROVAL_EXPIRED:
    case CRPKI_E_DEADLINE:
        return "expired";
    case CRPKI_E_CANCELLED:
        return "cancelled";
    default:
        return "error";
    }
}

/* "2026-12-04T09:30:00.123Z" (offset_s 0) or "2026-12-04T18:30:00.123+09:00". */
static void iso_time(int64_t ms, int offset_s, char *out, size_t n)
{
    int64_t t = ms / 1000 + offset_s;
    int64_t days = t / 86400, rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    text_civil_from_days(days, &y, &m, &d);
    char zone[16] = "Z";
    if (offset_s)
        snprintf(zone, sizeof zone, "%c%02d:%02d", offset_s < 0 ? '-' : '+',
                 abs(offset_s) / 3600 % 100, abs(offset_s) % 3600 / 60);
    snprintf(out, n, "%04lld-%02u-%02uT%02d:%02d:%02d.%03d%s", (long long)y, m, d,
             (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60), (int)(ms % 1000), zone);
}

static cJSON *to_json(const history_record *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    /* the text a caller chose, stored as a person is shown it (text_clean):
       no line breaks that would forge another record in a listing, no
       terminal escapes, no bidi tricks */
    char program[1024], what[1024], subject[1024];
    text_clean(r->program ? r->program : "", program, sizeof program);
    text_clean(r->what ? r->what : "", what, sizeof what);
    text_clean(r->subject ? r->subject : "", subject, sizeof subject);
    char utc[40], local[40];
    iso_time(r->time_ms, 0, utc, sizeof utc);
    iso_time(r->time_ms, plat_utc_offset_s(r->time_ms / 1000), local, sizeof local);
    int ok =
        cJSON_AddNumberToObject(o, "v", 1) && cJSON_AddStringToObject(o, "time_utc", utc) &&
        cJSON_AddStringToObject(o, "time_local", local) &&
        cJSON_AddNumberToObject(o, "time_ms", (double)r->time_ms) &&
        cJSON_AddStringToObject(o, "program", program) &&
        cJSON_AddStringToObject(o, "what", what) &&
        cJSON_AddStringToObject(o, "credential", r->credential ? r->credential : "") &&
        cJSON_AddStringToObject(o, "subject", subject) &&
        cJSON_AddStringToObject(o, "algorithm", r->algorithm ? r->algorithm : "") &&
        cJSON_AddNumberToObject(o, "count", (double)(r->count ? r->count : r->ndigests)) &&
        cJSON_AddStringToObject(o, "approval_code", r->approval_code ? r->approval_code : "") &&
        cJSON_AddStringToObject(o, "outcome", history_outcome_name(r->outcome)) &&
        cJSON_AddStringToObject(o, "code", crpki_err_name(r->outcome)) &&
        cJSON_AddNumberToObject(o, "duration_ms", (double)r->duration_ms);
    cJSON *dg = ok ? cJSON_AddArrayToObject(o, "digests") : NULL;
    ok = dg != NULL;
    static const char HEX[] = "0123456789abcdef";
    for (size_t i = 0; ok && i < r->ndigests && i < HISTORY_MAX_DIGESTS; i++) {
        char hex[2 * 64 + 1];
        size_t len = r->digest_len > 64 ? 64 : r->digest_len;
        for (size_t j = 0; j < len; j++) {
            hex[2 * j] = HEX[r->digests[i][j] >> 4];
            hex[2 * j + 1] = HEX[r->digests[i][j] & 15];
        }
        hex[2 * len] = '\0';
        cJSON *s = cJSON_CreateString(hex);
        ok = s && cJSON_AddItemToArray(dg, s);
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

crpki_err history_append(const char *home, const history_record *r, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!home || !r)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "history: no directory or record");
    cJSON *o = to_json(r);
    char *line = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    char *path = plat_path_join(home, HISTORY_FILE), *old = plat_path_join(home, HISTORY_OLD_FILE);
    crpki_err e = CRPKI_OK;
    if (!line || !path || !old) {
        e = fail_with(ei, CRPKI_E_NO_MEMORY, "history: out of memory");
        goto out;
    }
    if ((e = plat_mkdir_p(home, PLAT_FILE_PRIVATE, ei)) != CRPKI_OK)
        goto out;
    plat_stamp st;
    size_t max = g_max_bytes ? g_max_bytes : HISTORY_MAX_BYTES;
    if (plat_file_stamp(path, &st) == 1 && st.v[2] >= max) {
        /* Under the state directory's lock, and only if the file is still
           full: two processes that both saw it full would otherwise both
           move it on, the second a fresh file over the first's full
           generation (issue 28 N9). No lock in 2 s: not moved this time. */
        plat_xlock *l = NULL;
        crpki_error_info ignore;
        if (plat_xlock_acquire(home, 2000, &l, &ignore) == CRPKI_OK) {
            if (plat_file_stamp(path, &st) == 1 && st.v[2] >= max)
                plat_rename(path, old, &ignore);
            plat_xlock_release(l);
        }
    }
    size_t n = strlen(line);
    line[n] = '\n'; /* over the NUL: one write of line + newline */
    plat_append *f = plat_append_open(path, PLAT_FILE_PRIVATE);
    if (!f || plat_append_write(f, line, n + 1) != 0)
        e = fail_with(ei, CRPKI_E_IO, "%s: cannot append the signing record", path);
    plat_append_close(f);
out:
    free(line);
    free(path);
    free(old);
    return e;
}

/* Adds the records of one file's text to l. */
static crpki_err add_lines(history_list *l, char *text, int64_t since_ms)
{
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (*p) {
            cJSON *o = cJSON_Parse(p);
            const cJSON *t = o ? cJSON_GetObjectItemCaseSensitive(o, "time_ms") : NULL;
            /* a time no clock gives (1e300, NaN) is a broken line, not an
               out-of-range conversion */
            if (!cJSON_IsObject(o) || !cJSON_IsNumber(t) || !(t->valuedouble >= -TIME_MS_MAX) ||
                !(t->valuedouble <= TIME_MS_MAX) ||
                !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "outcome"))) {
                cJSON_Delete(o);
                l->broken++;
            } else if ((int64_t)t->valuedouble < since_ms) {
                cJSON_Delete(o);
            } else {
                history_entry *v = realloc(l->v, (l->n + 1) * sizeof *v);
                if (!v) {
                    cJSON_Delete(o);
                    return CRPKI_E_NO_MEMORY;
                }
                l->v = v;
                l->v[l->n].time_ms = (int64_t)t->valuedouble;
                l->v[l->n++].json = o;
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    return CRPKI_OK;
}

crpki_err history_read(const char *home, int64_t since_ms, history_list *out, crpki_error_info *ei)
{
    fail_clear(ei);
    memset(out, 0, sizeof *out);
    if (!home)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "history: no directory");
    static const char *const FILES[] = {HISTORY_OLD_FILE, HISTORY_FILE};
    for (size_t i = 0; i < 2; i++) {
        char *path = plat_path_join(home, FILES[i]);
        if (!path) {
            history_list_free(out);
            return fail_with(ei, CRPKI_E_NO_MEMORY, "history: out of memory");
        }
        uint8_t *data = NULL;
        size_t len = 0;
        crpki_err e = plat_read_file(path, 2 * HISTORY_MAX_BYTES, &data, &len, NULL, ei);
        free(path);
        if (e == CRPKI_OK && data)
            e = add_lines(out, (char *)data, since_ms);
        free(data);
        if (e != CRPKI_OK) {
            history_list_free(out);
            return e == CRPKI_E_NO_MEMORY ? fail_with(ei, e, "history: out of memory") : e;
        }
    }
    return CRPKI_OK;
}

void history_list_free(history_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        cJSON_Delete(l->v[i].json);
    free(l->v);
    memset(l, 0, sizeof *l);
}
