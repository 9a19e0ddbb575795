#include "rc_json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_thread.h"
#include "base/platform/plat_once.h"
#include "rc_util.h"
#include "base/util/errbuf.h"
#include "base/util/text.h"
#include "base/util/utf8.h"

/* cJSON keeps the position of the last parse error in a global: parses are
 * serialized so that concurrent requests never race on it. */
static plat_mutex *PARSE_LOCK;

static void parse_lock_init(void)
{
    PARSE_LOCK = plat_mutex_new();
}

/* Scans the raw text: every string's escapes, for "\u0000" (which cJSON
 * would turn into a silent truncation) and the nesting depth. */
static int prescan(const char *s, size_t len, char *err, size_t errsz)
{
    int depth = 0, in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\') {
                if (i + 1 < len && s[i + 1] == 'u' && i + 5 < len && s[i + 2] == '0' &&
                    s[i + 3] == '0' && s[i + 4] == '0' && s[i + 5] == '0') {
                    errbuf_set(err, errsz, "JSON string holds \\u0000");
                    return -1;
                }
                i++;
            } else if (c == '"') {
                in_str = 0;
            }
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > RC_JSON_MAX_DEPTH) {
                errbuf_set(err, errsz, "JSON nested deeper than %d levels", RC_JSON_MAX_DEPTH);
                return -1;
            }
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 0;
}

cJSON *rc_json_parse(const char *body, size_t len, char *err, size_t errsz)
{
    if (!body || len == 0) {
        errbuf_set(err, errsz, "empty body where JSON was expected");
        return NULL;
    }
    if (memchr(body, '\0', len)) {
        errbuf_set(err, errsz, "NUL byte in the JSON body");
        return NULL;
    }
    if (prescan(body, len, err, errsz) < 0)
        return NULL;
    plat_once_run(PLAT_ONCE_CLIENT, parse_lock_init);
    if (!PARSE_LOCK) {
        errbuf_set(err, errsz, "out of memory");
        return NULL;
    }
    const char *end = NULL;
    plat_mutex_lock(PARSE_LOCK);
    /* With require_null_terminated, cJSON wants the terminator inside the
     * given length; the body may not be NUL-terminated, so it parses len
     * bytes and the end position is checked here instead. */
    cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    plat_mutex_unlock(PARSE_LOCK);
    if (!j) {
        errbuf_set(err, errsz, "malformed JSON");
        return NULL;
    }
    /* nothing but whitespace after the value */
    size_t off = end ? (size_t)(end - body) : len;
    for (; off < len; off++) {
        char c = body[off];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            rc_json_free(j);
            errbuf_set(err, errsz, "data after the JSON value");
            return NULL;
        }
    }
    if (!cJSON_IsObject(j)) {
        rc_json_free(j);
        errbuf_set(err, errsz, "JSON body is not an object");
        return NULL;
    }
    return j;
}

int rc_json_member(const cJSON *obj, const char *name, const char *path, int required,
                   const cJSON **out, char *err, size_t errsz)
{
    const cJSON *found = NULL;
    for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next) {
        if (c->string && strcmp(c->string, name) == 0) {
            if (found) {
                errbuf_set(err, errsz, "%s: appears twice", path);
                return -1;
            }
            found = c;
        }
    }
    if (!found) {
        if (required) {
            errbuf_set(err, errsz, "%s: missing", path);
            return -1;
        }
        return 1;
    }
    *out = found;
    return 0;
}

static int string_ok(const cJSON *v, size_t maxlen, const char **why)
{
    if (!cJSON_IsString(v) || !v->valuestring) {
        *why = "expected a string";
        return 0;
    }
    size_t n = strlen(v->valuestring);
    if (n == 0) {
        *why = "empty";
        return 0;
    }
    if (n > maxlen) {
        *why = "too long";
        return 0;
    }
    if (!utf8_valid(v->valuestring, n)) {
        *why = "not UTF-8";
        return 0;
    }
    if (!text_no_controls(v->valuestring)) {
        *why = "holds a control character";
        return 0;
    }
    return 1;
}

int rc_json_string(const cJSON *obj, const char *name, const char *path, int required,
                   size_t maxlen, const char **out, char *err, size_t errsz)
{
    const cJSON *v = NULL;
    int r = rc_json_member(obj, name, path, required, &v, err, errsz);
    if (r != 0)
        return r;
    const char *why = NULL;
    if (!string_ok(v, maxlen, &why)) {
        errbuf_set(err, errsz, "%s: %s", path, why);
        return -1;
    }
    *out = v->valuestring;
    return 0;
}

int rc_json_string_value(const cJSON *v, const char *path, size_t index, size_t maxlen,
                         const char **out, char *err, size_t errsz)
{
    const char *why = NULL;
    if (!string_ok(v, maxlen, &why)) {
        errbuf_set(err, errsz, "%s[%u]: %s", path, (unsigned)index, why);
        return -1;
    }
    *out = v->valuestring;
    return 0;
}

int rc_json_int(const cJSON *obj, const char *name, const char *path, int required, int64_t min,
                int64_t max, int64_t *out, char *err, size_t errsz)
{
    const cJSON *v = NULL;
    int r = rc_json_member(obj, name, path, required, &v, err, errsz);
    if (r != 0)
        return r;
    if (!cJSON_IsNumber(v)) {
        errbuf_set(err, errsz, "%s: expected an integer", path);
        return -1;
    }
    double d = v->valuedouble;
    if (!isfinite(d)) {
        errbuf_set(err, errsz, "%s: expected an integer", path);
        return -1;
    }
    if (d < (double)min || d > (double)max) {
        errbuf_set(err, errsz, "%s: out of range", path);
        return -1;
    }
    int64_t i = (int64_t)d; /* in range: defined */
    if ((double)i != d) {
        errbuf_set(err, errsz, "%s: expected an integer", path);
        return -1;
    }
    *out = i;
    return 0;
}

int rc_json_bool(const cJSON *obj, const char *name, const char *path, int required, int *out,
                 char *err, size_t errsz)
{
    const cJSON *v = NULL;
    int r = rc_json_member(obj, name, path, required, &v, err, errsz);
    if (r != 0)
        return r;
    if (!cJSON_IsBool(v)) {
        errbuf_set(err, errsz, "%s: expected true or false", path);
        return -1;
    }
    *out = cJSON_IsTrue(v) ? 1 : 0;
    return 0;
}

int rc_json_object(const cJSON *obj, const char *name, const char *path, int required,
                   const cJSON **out, char *err, size_t errsz)
{
    const cJSON *v = NULL;
    int r = rc_json_member(obj, name, path, required, &v, err, errsz);
    if (r != 0)
        return r;
    if (!cJSON_IsObject(v)) {
        errbuf_set(err, errsz, "%s: expected an object", path);
        return -1;
    }
    *out = v;
    return 0;
}

int rc_json_array(const cJSON *obj, const char *name, const char *path, int required, size_t max,
                  const cJSON **out, size_t *n, char *err, size_t errsz)
{
    const cJSON *v = NULL;
    int r = rc_json_member(obj, name, path, required, &v, err, errsz);
    if (r != 0)
        return r;
    if (!cJSON_IsArray(v)) {
        errbuf_set(err, errsz, "%s: expected an array", path);
        return -1;
    }
    size_t count = 0;
    for (const cJSON *c = v->child; c; c = c->next) {
        if (++count > max) {
            errbuf_set(err, errsz, "%s: more than %u elements", path, (unsigned)max);
            return -1;
        }
    }
    *out = v;
    *n = count;
    return 0;
}

static void wipe_tree(cJSON *j)
{
    for (; j; j = j->next) {
        if (j->string)
            plat_wipe(j->string, strlen(j->string));
        if (j->valuestring)
            plat_wipe(j->valuestring, strlen(j->valuestring));
        wipe_tree(j->child);
    }
}

void rc_json_free(cJSON *j)
{
    if (!j)
        return;
    wipe_tree(j->child); /* the root's own key and siblings are not ours */
    if (j->valuestring)
        plat_wipe(j->valuestring, strlen(j->valuestring));
    cJSON_Delete(j);
}

char *rc_json_print(const cJSON *j)
{
    for (size_t size = 1024; size <= (64u << 20); size *= 2) {
        char *buf = malloc(size);
        if (!buf)
            return NULL;
        if (cJSON_PrintPreallocated((cJSON *)j, buf, (int)size, 0))
            return buf;
        plat_wipe(buf, size);
        free(buf);
    }
    return NULL;
}
