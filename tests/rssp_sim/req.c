#define _POSIX_C_SOURCE 200809L

#include "req.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "base/util/base64.h"

int req_fail(req_err *e, int status, const char *error, const char *fmt, ...)
{
    if (e) {
        e->status = status;
        e->error = error;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->desc, sizeof e->desc, fmt, ap);
        va_end(ap);
    }
    return -1;
}

#define BAD(e, ...) req_fail(e, 400, "invalid_request", __VA_ARGS__)

/* ---- text ---------------------------------------------------------------- */

int req_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i - 1 < need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int ieq_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

int req_content_type_is(const char *ct, const char *media)
{
    if (!ct)
        return 0;
    const char *p = skip_ows(ct);
    size_t mlen = strlen(media);
    if (strlen(p) < mlen || !ieq_n(p, media, mlen))
        return 0;
    p = skip_ows(p + mlen);
    while (*p == ';') {
        p = skip_ows(p + 1);
        if (!ieq_n(p, "charset=", 8))
            return 0;
        p += 8;
        if (*p == '"') {
            if (!ieq_n(p, "\"utf-8\"", 7))
                return 0;
            p += 7;
        } else {
            if (!ieq_n(p, "utf-8", 5))
                return 0;
            p += 5;
        }
        p = skip_ows(p);
    }
    return *p == '\0';
}

/* ---- forms --------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes s[0..n) into a malloc'ed string; NULL on malformed input. */
static char *form_decode(const char *s, size_t n, int *oom)
{
    char *out = malloc(n + 1);
    if (!out) {
        *oom = 1;
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+') {
            out[o++] = ' ';
        } else if (c == '%') {
            if (n - i < 3 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                goto bad;
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else if (c > 0x20 && c < 0x7f) {
            out[o++] = (char)c;
        } else {
            goto bad;
        }
    }
    out[o] = '\0';
    if (!req_utf8_valid((const uint8_t *)out, o))
        goto bad;
    for (size_t i = 0; i < o; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            goto bad;
    return out;
bad:
    free(out);
    return NULL;
}

int req_form_parse(const char *s, size_t len, req_form *out, req_err *e)
{
    out->pairs = NULL;
    out->n = 0;
    if (len == 0)
        return 0;
    if (!s)
        return BAD(e, "form: missing body");
    size_t cap = 0;
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != '&')
            j++;
        /* s[i..j) is one pair */
        if (j == i) {
            req_form_free(out);
            return BAD(e, "form: empty parameter");
        }
        const char *eq = memchr(s + i, '=', j - i);
        if (!eq || eq == s + i) {
            req_form_free(out);
            return BAD(e, "form: parameter without a name or '='");
        }
        if (out->n >= REQ_FORM_MAX_PAIRS) {
            req_form_free(out);
            return BAD(e, "form: too many parameters");
        }
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            req_pair *np = realloc(out->pairs, ncap * sizeof *np);
            if (!np) {
                req_form_free(out);
                return req_fail(e, 500, "server_error", "out of memory");
            }
            out->pairs = np;
            cap = ncap;
        }
        int oom = 0;
        char *k = form_decode(s + i, (size_t)(eq - (s + i)), &oom);
        char *v = k ? form_decode(eq + 1, (size_t)(s + j - eq - 1), &oom) : NULL;
        if (!k || !v) {
            free(k);
            free(v);
            req_form_free(out);
            if (oom)
                return req_fail(e, 500, "server_error", "out of memory");
            return BAD(e, "form: malformed encoding");
        }
        for (size_t p = 0; p < out->n; p++) {
            if (strcmp(out->pairs[p].key, k) == 0) {
                req_form_free(out);
                int r = BAD(e, "%.64s: duplicate parameter", k);
                free(k);
                free(v);
                return r;
            }
        }
        out->pairs[out->n].key = k;
        out->pairs[out->n].value = v;
        out->n++;
        if (j == len)
            break;
        i = j + 1;
        if (i == len) {
            req_form_free(out);
            return BAD(e, "form: empty parameter");
        }
    }
    return 0;
}

const char *req_form_get(const req_form *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->pairs[i].key, key) == 0)
            return f->pairs[i].value;
    return NULL;
}

void req_form_free(req_form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->pairs[i].key);
        free(f->pairs[i].value);
    }
    free(f->pairs);
    f->pairs = NULL;
    f->n = 0;
}

static int unreserved(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

char *req_pct_encode(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1);
    if (!out)
        return NULL;
    static const char HEX[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = HEX[c >> 4];
            out[o++] = HEX[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

/* ---- JSON ---------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n, i;
    const char *why;
} jscan;

static void js_ws(jscan *s)
{
    while (s->i < s->n &&
           (s->p[s->i] == ' ' || s->p[s->i] == '\t' || s->p[s->i] == '\n' || s->p[s->i] == '\r'))
        s->i++;
}

static int js_lit(jscan *s, const char *lit)
{
    size_t l = strlen(lit);
    if (s->n - s->i < l || memcmp(s->p + s->i, lit, l) != 0) {
        s->why = "malformed JSON";
        return -1;
    }
    s->i += l;
    return 0;
}

static int js_digit(jscan *s)
{
    return s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9';
}

static int js_number(jscan *s)
{
    if (s->i < s->n && s->p[s->i] == '-')
        s->i++;
    if (!js_digit(s))
        goto bad;
    if (s->p[s->i] == '0') {
        s->i++;
        if (js_digit(s))
            goto bad;
    } else {
        while (js_digit(s))
            s->i++;
    }
    if (s->i < s->n && s->p[s->i] == '.') {
        s->i++;
        if (!js_digit(s))
            goto bad;
        while (js_digit(s))
            s->i++;
    }
    if (s->i < s->n && (s->p[s->i] == 'e' || s->p[s->i] == 'E')) {
        s->i++;
        if (s->i < s->n && (s->p[s->i] == '+' || s->p[s->i] == '-'))
            s->i++;
        if (!js_digit(s))
            goto bad;
        while (js_digit(s))
            s->i++;
    }
    return 0;
bad:
    s->why = "malformed JSON number";
    return -1;
}

static int js_hex4(jscan *s, unsigned *out)
{
    if (s->n - s->i < 4)
        return -1;
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(s->p[s->i + (size_t)k]);
        if (h < 0)
            return -1;
        v = v * 16 + (unsigned)h;
    }
    s->i += 4;
    *out = v;
    return 0;
}

static int js_string(jscan *s)
{
    s->i++; /* opening quote */
    while (s->i < s->n) {
        uint8_t c = s->p[s->i];
        if (c == '"') {
            s->i++;
            return 0;
        }
        if (c < 0x20) {
            s->why = "control character in a JSON string";
            return -1;
        }
        if (c != '\\') {
            s->i++;
            continue;
        }
        s->i++;
        if (s->i >= s->n)
            break;
        c = s->p[s->i++];
        if (c == 'u') {
            unsigned u;
            if (js_hex4(s, &u) < 0)
                break;
            if (u == 0) {
                s->why = "\\u0000 in a JSON string";
                return -1;
            }
            if (u >= 0xdc00 && u <= 0xdfff) {
                s->why = "lone surrogate in a JSON string";
                return -1;
            }
            if (u >= 0xd800 && u <= 0xdbff) {
                unsigned lo;
                if (s->n - s->i < 2 || s->p[s->i] != '\\' || s->p[s->i + 1] != 'u') {
                    s->why = "lone surrogate in a JSON string";
                    return -1;
                }
                s->i += 2;
                if (js_hex4(s, &lo) < 0)
                    break;
                if (lo < 0xdc00 || lo > 0xdfff) {
                    s->why = "lone surrogate in a JSON string";
                    return -1;
                }
            }
        } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
            break;
        }
    }
    s->why = "malformed JSON string";
    return -1;
}

static int js_value(jscan *s, int depth);

static int js_container(jscan *s, int depth, int object)
{
    if (depth >= REQ_JSON_MAX_DEPTH) {
        s->why = "JSON nested too deeply";
        return -1;
    }
    s->i++;
    js_ws(s);
    uint8_t close = object ? '}' : ']';
    if (s->i < s->n && s->p[s->i] == close) {
        s->i++;
        return 0;
    }
    for (;;) {
        js_ws(s);
        if (object) {
            if (s->i >= s->n || s->p[s->i] != '"')
                goto bad;
            if (js_string(s) < 0)
                return -1;
            js_ws(s);
            if (s->i >= s->n || s->p[s->i] != ':')
                goto bad;
            s->i++;
        }
        if (js_value(s, depth + 1) < 0)
            return -1;
        if (s->i >= s->n)
            goto bad;
        if (s->p[s->i] == ',') {
            s->i++;
            continue;
        }
        if (s->p[s->i] == close) {
            s->i++;
            return 0;
        }
        goto bad;
    }
bad:
    s->why = "malformed JSON";
    return -1;
}

/* value with surrounding whitespace */
static int js_value(jscan *s, int depth)
{
    js_ws(s);
    if (s->i >= s->n) {
        s->why = "malformed JSON";
        return -1;
    }
    int r;
    switch (s->p[s->i]) {
    case '{':
        r = js_container(s, depth, 1);
        break;
    case '[':
        r = js_container(s, depth, 0);
        break;
    case '"':
        r = js_string(s);
        break;
    case 't':
        r = js_lit(s, "true");
        break;
    case 'f':
        r = js_lit(s, "false");
        break;
    case 'n':
        r = js_lit(s, "null");
        break;
    default:
        r = js_number(s);
        break;
    }
    if (r == 0)
        js_ws(s);
    return r;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 when some object in the tree has two members of the same name */
static int has_dup_keys(const cJSON *j)
{
    for (const cJSON *c = j->child; c; c = c->next)
        if (has_dup_keys(c))
            return 1;
    if (!cJSON_IsObject(j))
        return 0;
    size_t n = 0;
    for (const cJSON *c = j->child; c; c = c->next)
        n++;
    if (n < 2)
        return 0;
    const char **keys = malloc(n * sizeof *keys);
    if (!keys)
        return 1;
    size_t k = 0;
    for (const cJSON *c = j->child; c; c = c->next)
        keys[k++] = c->string ? c->string : "";
    qsort(keys, n, sizeof *keys, cmp_str);
    int dup = 0;
    for (size_t i = 1; i < n && !dup; i++)
        dup = strcmp(keys[i - 1], keys[i]) == 0;
    free(keys);
    return dup;
}

static pthread_mutex_t cjson_mu = PTHREAD_MUTEX_INITIALIZER;

int req_json_parse(const uint8_t *body, size_t len, cJSON **out, req_err *e)
{
    *out = NULL;
    if (!body || len == 0)
        return BAD(e, "body: empty, a JSON object is required");
    if (!req_utf8_valid(body, len))
        return BAD(e, "body: not valid UTF-8");
    jscan s = {body, len, 0, NULL};
    js_ws(&s);
    if (s.i >= s.n || s.p[s.i] != '{')
        return BAD(e, "body: must be a JSON object");
    if (js_value(&s, 0) < 0)
        return BAD(e, "body: %s", s.why ? s.why : "malformed JSON");
    if (s.i != s.n)
        return BAD(e, "body: trailing data after the JSON object");
    /* the grammar check above rejected raw NULs (a NUL is outside every
     * token), so the copy below is a C string of exactly len bytes */
    char *buf = malloc(len + 1);
    if (!buf)
        return req_fail(e, 500, "server_error", "out of memory");
    memcpy(buf, body, len);
    buf[len] = '\0';
    const char *end = NULL;
    /* cJSON records the error position of every parse in a global: keep
     * concurrent requests from racing on it */
    pthread_mutex_lock(&cjson_mu);
    cJSON *j = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    pthread_mutex_unlock(&cjson_mu);
    free(buf);
    if (!j)
        return BAD(e, "body: malformed JSON");
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return BAD(e, "body: must be a JSON object");
    }
    if (has_dup_keys(j)) {
        cJSON_Delete(j);
        return BAD(e, "body: duplicate member name");
    }
    *out = j;
    return 0;
}

int req_get_string(const cJSON *obj, const char *name, int required, const char **out, req_err *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v) {
        if (required)
            return BAD(e, "%s: required", name);
        return 0;
    }
    if (!cJSON_IsString(v) || !v->valuestring)
        return BAD(e, "%s: must be a string", name);
    *out = v->valuestring;
    return 1;
}

int req_get_bool(const cJSON *obj, const char *name, int *out, req_err *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v)
        return 0;
    if (!cJSON_IsBool(v))
        return BAD(e, "%s: must be true or false", name);
    *out = cJSON_IsTrue(v) ? 1 : 0;
    return 1;
}

int req_get_int(const cJSON *obj, const char *name, long min, long max, int required, long *out,
                req_err *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v) {
        if (required)
            return BAD(e, "%s: required", name);
        return 0;
    }
    if (!cJSON_IsNumber(v))
        return BAD(e, "%s: must be an integer", name);
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d))
        return BAD(e, "%s: must be an integer", name);
    if (d < (double)min || d > (double)max)
        return BAD(e, "%s: must be between %ld and %ld", name, min, max);
    *out = (long)d;
    return 1;
}

int req_get_b64_array(const cJSON *obj, const char *name, req_blobs *out, req_err *e)
{
    out->v = NULL;
    out->n = 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!a)
        return BAD(e, "%s: required", name);
    if (!cJSON_IsArray(a))
        return BAD(e, "%s: must be an array of base64 strings", name);
    size_t n = 0;
    for (const cJSON *c = a->child; c; c = c->next)
        n++;
    if (n == 0)
        return BAD(e, "%s: must not be empty", name);
    out->v = calloc(n, sizeof *out->v);
    if (!out->v)
        return req_fail(e, 500, "server_error", "out of memory");
    for (const cJSON *c = a->child; c; c = c->next) {
        if (!cJSON_IsString(c) || !c->valuestring) {
            req_blobs_free(out);
            return BAD(e, "%s[%zu]: must be a base64 string", name, out->n);
        }
        size_t sl = strlen(c->valuestring);
        size_t cap = base64_decoded_max(sl);
        uint8_t *buf = malloc(cap ? cap : 1);
        size_t got = 0;
        if (!buf) {
            req_blobs_free(out);
            return req_fail(e, 500, "server_error", "out of memory");
        }
        if (sl == 0 || base64_decode(c->valuestring, sl, buf, cap, &got) != 0) {
            free(buf);
            size_t idx = out->n;
            req_blobs_free(out);
            return BAD(e, "%s[%zu]: not valid base64", name, idx);
        }
        out->v[out->n].data = buf;
        out->v[out->n].len = got;
        out->n++;
    }
    return 0;
}

void req_blobs_free(req_blobs *b)
{
    if (!b->v) {
        b->n = 0;
        return;
    }
    for (size_t i = 0; i < b->n; i++)
        free(b->v[i].data);
    free(b->v);
    b->v = NULL;
    b->n = 0;
}

/* ---- CSC bodies ----------------------------------------------------------- */

static int get_certificates(const cJSON *body, int *out, req_err *e)
{
    const char *s = NULL;
    *out = REQ_CERTS_SINGLE;
    int r = req_get_string(body, "certificates", 0, &s, e);
    if (r <= 0)
        return r;
    if (strcmp(s, "none") == 0)
        *out = REQ_CERTS_NONE;
    else if (strcmp(s, "single") == 0)
        *out = REQ_CERTS_SINGLE;
    else if (strcmp(s, "chain") == 0)
        *out = REQ_CERTS_CHAIN;
    else
        return BAD(e, "certificates: must be \"none\", \"single\" or \"chain\"");
    return 1;
}

int req_parse_info(const cJSON *body, req_err *e)
{
    const char *lang;
    return req_get_string(body, "lang", 0, &lang, e) < 0 ? -1 : 0;
}

int req_parse_cred_list(const cJSON *body, req_cred_list *out, req_err *e)
{
    memset(out, 0, sizeof *out);
    if (req_get_bool(body, "credInfo", &out->cred_info, e) < 0 ||
        get_certificates(body, &out->certificates, e) < 0 ||
        req_get_bool(body, "certInfo", &out->cert_info, e) < 0 ||
        req_get_int(body, "maxResults", 1, 1000, 0, &out->max_results, e) < 0)
        return -1;
    const char *s;
    if (req_get_string(body, "userID", 0, &s, e) < 0)
        return -1;
    return 0;
}

int req_parse_cred_info(const cJSON *body, req_cred_info *out, req_err *e)
{
    memset(out, 0, sizeof *out);
    if (req_get_string(body, "credentialID", 1, &out->credential_id, e) < 0 ||
        get_certificates(body, &out->certificates, e) < 0 ||
        req_get_bool(body, "certInfo", &out->cert_info, e) < 0 ||
        req_get_bool(body, "authInfo", &out->auth_info, e) < 0)
        return -1;
    return 0;
}

#define DESCRIPTION_MAX 256

int req_parse_authorize(const cJSON *body, unsigned max_signatures, req_authorize *out, req_err *e)
{
    memset(out, 0, sizeof *out);
    if (req_get_string(body, "credentialID", 1, &out->credential_id, e) < 0 ||
        req_get_int(body, "numSignatures", 1, (long)max_signatures, 1, &out->num_signatures, e) < 0)
        return -1;
    if (req_get_b64_array(body, "hashes", &out->hashes, e) < 0)
        return -1;
    if (req_get_string(body, "hashAlgorithmOID", 1, &out->hash_oid, e) < 0 ||
        req_get_string(body, "description", 0, &out->description, e) < 0)
        goto fail;
    if (out->description && strlen(out->description) > DESCRIPTION_MAX) {
        BAD(e, "description: longer than %d bytes", DESCRIPTION_MAX);
        goto fail;
    }
    /* shown in the app and by `pending`: no control characters */
    for (const char *p = out->description; p && *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            BAD(e, "description: control characters are not allowed");
            goto fail;
        }
    }
    const cJSON *ad = cJSON_GetObjectItemCaseSensitive(body, "authData");
    if (!ad) {
        BAD(e, "authData: required");
        goto fail;
    }
    if (!cJSON_IsArray(ad)) {
        BAD(e, "authData: must be an array");
        goto fail;
    }
    int found = 0;
    for (const cJSON *c = ad->child; c; c = c->next) {
        const char *id = NULL;
        if (!cJSON_IsObject(c) || req_get_string(c, "id", 1, &id, NULL) < 0) {
            BAD(e, "authData: each element must be an object with a string \"id\"");
            goto fail;
        }
        if (strcmp(id, "gbizid_app") == 0)
            found = 1;
    }
    if (!found) {
        BAD(e, "authData: must contain {\"id\": \"gbizid_app\"}");
        goto fail;
    }
    return 0;
fail:
    req_authorize_free(out);
    return -1;
}

void req_authorize_free(req_authorize *a)
{
    req_blobs_free(&a->hashes);
}

int req_parse_authorize_check(const cJSON *body, req_authorize_check *out, req_err *e)
{
    memset(out, 0, sizeof *out);
    if (req_get_string(body, "handle", 1, &out->handle, e) < 0 ||
        req_get_int(body, "wait", 0, 30, 0, &out->wait, e) < 0)
        return -1;
    return 0;
}

int req_parse_sign_hash(const cJSON *body, req_sign_hash *out, req_err *e)
{
    memset(out, 0, sizeof *out);
    if (req_get_string(body, "credentialID", 1, &out->credential_id, e) < 0 ||
        req_get_string(body, "SAD", 1, &out->sad, e) < 0)
        return -1;
    if (req_get_b64_array(body, "hashes", &out->hashes, e) < 0)
        return -1;
    if (req_get_string(body, "hashAlgorithmOID", 0, &out->hash_oid, e) < 0 ||
        req_get_string(body, "signAlgo", 1, &out->sign_algo, e) < 0)
        goto fail;
    const char *p = NULL;
    int r = req_get_string(body, "signAlgoParams", 0, &p, e);
    if (r < 0)
        goto fail;
    if (r > 0) {
        size_t sl = strlen(p);
        size_t cap = base64_decoded_max(sl);
        out->params.data = malloc(cap ? cap : 1);
        if (!out->params.data) {
            req_fail(e, 500, "server_error", "out of memory");
            goto fail;
        }
        if (sl == 0 || base64_decode(p, sl, out->params.data, cap, &out->params.len) != 0) {
            BAD(e, "signAlgoParams: not valid base64");
            goto fail;
        }
        out->has_params = 1;
    }
    return 0;
fail:
    req_sign_hash_free(out);
    return -1;
}

void req_sign_hash_free(req_sign_hash *s)
{
    req_blobs_free(&s->hashes);
    free(s->params.data);
    s->params.data = NULL;
    s->params.len = 0;
    s->has_params = 0;
}

const alg_hash_info *req_hash_alg(const char *oid, req_err *e)
{
    const alg_hash_info *h = alg_hash_by_oid(oid);
    if (!h || h->id == CRPKI_HASH_MD5) {
        req_fail(e, 400, "unsupported_algorithm", "hashAlgorithmOID: %s",
                 h ? "MD5 is not accepted" : "unsupported hash algorithm");
        return NULL;
    }
    return h;
}

int req_check_hashes(const alg_hash_info *h, long num_signatures, const req_blobs *hashes,
                     req_err *e)
{
    if (num_signatures < 0 || hashes->n != (size_t)num_signatures)
        return req_fail(e, 400, "invalid_hash", "hashes: %zu hashes but numSignatures is %ld",
                        hashes->n, num_signatures);
    for (size_t i = 0; i < hashes->n; i++)
        if (hashes->v[i].len != h->len)
            return req_fail(e, 400, "invalid_hash", "hashes[%zu]: %zu bytes, %s needs %zu", i,
                            hashes->v[i].len, h->name, h->len);
    return 0;
}

static alg_hash_id hash_of_algor(const X509_ALGOR *alg)
{
    const ASN1_OBJECT *obj = NULL;
    int ptype = 0;
    const void *pval = NULL;
    X509_ALGOR_get0(&obj, &ptype, &pval, alg);
    /* parameters: absent or NULL */
    if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL)
        return CRPKI_HASH_NONE;
    char oid[64];
    if (OBJ_obj2txt(oid, sizeof oid, obj, 1) <= 0)
        return CRPKI_HASH_NONE;
    const alg_hash_info *h = alg_hash_by_oid(oid);
    return h ? h->id : CRPKI_HASH_NONE;
}

int req_parse_pss_params(const uint8_t *der, size_t len, alg_hash_id *hash, alg_hash_id *mgf1_hash,
                         long *salt_len, req_err *e)
{
    if (!der || len == 0 || len > 1024)
        return BAD(e, "signAlgoParams: not RSASSA-PSS-params");
    const unsigned char *p = der;
    RSA_PSS_PARAMS *pss = d2i_RSA_PSS_PARAMS(NULL, &p, (long)len);
    if (!pss || p != der + len) {
        RSA_PSS_PARAMS_free(pss);
        return BAD(e, "signAlgoParams: not DER RSASSA-PSS-params");
    }
    int rc = -1;
    *hash = CRPKI_HASH_SHA1;
    *mgf1_hash = CRPKI_HASH_SHA1;
    *salt_len = 20;
    if (pss->hashAlgorithm) {
        *hash = hash_of_algor(pss->hashAlgorithm);
        if (*hash == CRPKI_HASH_NONE) {
            req_fail(e, 400, "unsupported_algorithm", "signAlgoParams: unsupported hash");
            goto out;
        }
    }
    if (pss->maskGenAlgorithm) {
        const ASN1_OBJECT *obj = NULL;
        int ptype = 0;
        const void *pval = NULL;
        X509_ALGOR_get0(&obj, &ptype, &pval, pss->maskGenAlgorithm);
        char oid[64];
        if (OBJ_obj2txt(oid, sizeof oid, obj, 1) <= 0 || strcmp(oid, CRPKI_OID_MGF1) != 0) {
            req_fail(e, 400, "unsupported_algorithm",
                     "signAlgoParams: mask generation is not MGF1");
            goto out;
        }
        if (ptype != V_ASN1_SEQUENCE || !pval) {
            BAD(e, "signAlgoParams: MGF1 without a hash algorithm");
            goto out;
        }
        const ASN1_STRING *seq = pval;
        const unsigned char *q = ASN1_STRING_get0_data(seq);
        long qlen = ASN1_STRING_length(seq);
        const unsigned char *q0 = q;
        X509_ALGOR *mh = d2i_X509_ALGOR(NULL, &q, qlen);
        if (!mh || q != q0 + qlen) {
            X509_ALGOR_free(mh);
            BAD(e, "signAlgoParams: malformed MGF1 parameters");
            goto out;
        }
        *mgf1_hash = hash_of_algor(mh);
        X509_ALGOR_free(mh);
        if (*mgf1_hash == CRPKI_HASH_NONE) {
            req_fail(e, 400, "unsupported_algorithm", "signAlgoParams: unsupported MGF1 hash");
            goto out;
        }
    }
    if (pss->saltLength) {
        int64_t v = 0;
        if (!ASN1_INTEGER_get_int64(&v, pss->saltLength) || v < 0 || v > 4096) {
            BAD(e, "signAlgoParams: salt length out of range");
            goto out;
        }
        *salt_len = (long)v;
    }
    if (pss->trailerField) {
        int64_t v = 0;
        if (!ASN1_INTEGER_get_int64(&v, pss->trailerField) || v != 1) {
            BAD(e, "signAlgoParams: trailer field must be 1");
            goto out;
        }
    }
    rc = 0;
out:
    RSA_PSS_PARAMS_free(pss);
    return rc;
}

static int key_has_alg(alg_key_type key_type, const char *oid)
{
    const char *const *algs = alg_sigalgs_for_key(key_type);
    for (size_t i = 0; algs && algs[i]; i++)
        if (strcmp(algs[i], oid) == 0)
            return 1;
    return 0;
}

int req_sign_plan_resolve(const req_sign_hash *s, alg_key_type key_type, unsigned key_bits,
                          req_sign_plan *out, req_err *e)
{
    memset(out, 0, sizeof *out);
    const alg_sigalg_info *sa = alg_sigalg_by_oid(s->sign_algo);
    if (!sa || !key_has_alg(key_type, s->sign_algo) || sa->key != key_type)
        return req_fail(e, 400, "unsupported_algorithm", "signAlgo: %s",
                        sa ? "not an algorithm of this key" : "unsupported signature algorithm");
    const alg_hash_info *h = NULL;
    if (s->hash_oid) {
        h = req_hash_alg(s->hash_oid, e);
        if (!h)
            return -1;
        if (sa->hash != CRPKI_HASH_NONE && sa->hash != h->id)
            return req_fail(e, 400, "unsupported_algorithm",
                            "signAlgo: implies another hash than hashAlgorithmOID");
    } else if (sa->hash != CRPKI_HASH_NONE) {
        h = alg_hash_by_id(sa->hash);
    } else {
        return BAD(e, "hashAlgorithmOID: required with this signAlgo");
    }
    out->scheme = sa->scheme;
    out->hash = h;
    if (sa->scheme == CRPKI_PAD_PSS) {
        if (!s->has_params)
            return BAD(e, "signAlgoParams: required for RSASSA-PSS");
        alg_hash_id ph, mh;
        long salt;
        if (req_parse_pss_params(s->params.data, s->params.len, &ph, &mh, &salt, e) < 0)
            return -1;
        if (ph != h->id || mh != h->id)
            return req_fail(e, 400, "unsupported_algorithm",
                            "signAlgoParams: digest and MGF1 hash must be hashAlgorithmOID");
        /* RFC 8017 9.1.1: emLen >= hLen + sLen + 2, emLen = ceil((modBits - 1) / 8) */
        size_t em_len = key_bits > 0 ? (key_bits - 1 + 7) / 8 : 0;
        if (em_len < h->len + 2 || (size_t)salt > em_len - h->len - 2)
            return BAD(e, "signAlgoParams: salt length too large for this key");
        out->pss_salt_len = (unsigned long)salt;
    }
    return 0;
}

/* ---- OAuth values ------------------------------------------------------------ */

static int path_char(int c)
{
    return unreserved(c) || strchr("!$&'()*+,;=:@/", c) != NULL;
}

int req_redirect_uri_ok(const char *uri)
{
    if (!uri)
        return 0;
    static const char *const PREFIX[] = {"http://127.0.0.1:", "http://localhost:", "http://[::1]:"};
    const char *p = NULL;
    for (size_t i = 0; i < 3; i++) {
        size_t l = strlen(PREFIX[i]);
        if (strncmp(uri, PREFIX[i], l) == 0) {
            p = uri + l;
            break;
        }
    }
    if (!p)
        return 0;
    /* port: 1-65535, no leading zero */
    if (*p < '1' || *p > '9')
        return 0;
    long port = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        port = port * 10 + (*p - '0');
        if (++digits > 5)
            return 0;
        p++;
    }
    if (port < 1 || port > 65535 || *p != '/')
        return 0;
    int in_query = 0;
    size_t total = 0;
    for (; *p; p++) {
        if (++total > 1024)
            return 0;
        unsigned char c = (unsigned char)*p;
        if (c == '%') {
            if (hexval(p[1]) < 0 || hexval(p[2]) < 0)
                return 0;
            p += 2;
        } else if (c == '?') {
            if (in_query)
                return 0;
            in_query = 1;
        } else if (!path_char(c)) {
            return 0; /* includes '#', spaces, controls, non-ASCII */
        }
    }
    return 1;
}

static int base64url_char(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

int req_pkce_challenge_ok(const char *s)
{
    if (!s || strlen(s) != 43)
        return 0;
    for (size_t i = 0; i < 43; i++)
        if (!base64url_char((unsigned char)s[i]))
            return 0;
    uint8_t out[33];
    size_t n = 0;
    return base64url_decode(s, 43, out, sizeof out, &n) == 0 && n == 32;
}

int req_pkce_verifier_ok(const char *s)
{
    if (!s)
        return 0;
    size_t n = strlen(s);
    if (n < 43 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!unreserved((unsigned char)s[i]))
            return 0;
    return 1;
}

int req_state_ok(const char *s)
{
    if (!s)
        return 0;
    size_t n = strlen(s);
    if (n < 1 || n > 512)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return 0;
    return 1;
}

int req_bearer(const char *authorization, const char **tok, size_t *len)
{
    if (!authorization || strlen(authorization) < 7 || !ieq_n(authorization, "Bearer ", 7))
        return 0;
    const char *p = authorization + 7;
    while (*p == ' ')
        p++;
    const char *start = p;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
           *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '+' || *p == '/')
        p++;
    while (*p == '=')
        p++;
    size_t n = (size_t)(p - start);
    while (*p == ' ')
        p++;
    if (*p != '\0' || n == 0 || n > 512)
        return 0;
    *tok = start;
    *len = n;
    return 1;
}
