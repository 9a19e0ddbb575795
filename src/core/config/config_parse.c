/* config_parse: one config.json text applied over a configuration, parsed
 * strictly (types, ranges, enum names, https-only URL); a bad value is
 * CRPKI_E_CONFIG naming the source, the key and the problem. Which keys an
 * administrator's text set is recorded (crpki_config_fixed). */
#include "crpki/config.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/log/log.h"
#include "base/platform/plat_str.h"
#include "base/util/text.h"
#include "base/util/utf8.h"
#include "core/config/config_internal.h"

#define CONFIG_MAX_KEYS 256
#define STR_MAX         2048
#define TIMEOUT_MAX     3600

static const char *const UI_NAMES[] = {"dialog", "console", "none"};
static const char *const LEVEL_NAMES[] = {"error", "warn", "info", "debug"};

const char *config_ui_name(crpki_approval_ui ui)
{
    return (unsigned)ui < 3 ? UI_NAMES[ui] : NULL;
}

const char *config_level_name(crpki_log_level level)
{
    return (unsigned)level < 4 ? LEVEL_NAMES[level] : NULL;
}

typedef struct {
    const char *label; /* the file as named in messages */
    crpki_config *cfg;
    crpki_error_info *ei;
    int admin; /* an administrator's layer: the keys it sets are fixed */
} pctx;

static crpki_err bad(pctx *p, const char *key, const char *problem)
{
    return fail_with(p->ei, CRPKI_E_CONFIG, "%s: %s: %s", p->label, key, problem);
}

static crpki_err no_memory(pctx *p)
{
    return fail_with(p->ei, CRPKI_E_NO_MEMORY, "%s: out of memory", p->label);
}

/* A key of the file as it may be shown: at most 40 bytes, no control
 * characters (the file is valid UTF-8 by then; the cut may split a
 * character, which the log tolerates). */
static void printable_key(const char *k, char *out, size_t outsz)
{
    size_t i = 0;
    for (; k[i] && i + 1 < outsz && i < 40; i++)
        out[i] = (unsigned char)k[i] < 0x20 || k[i] == 0x7f ? '?' : k[i];
    out[i] = 0;
}

void config_add_warning(crpki_config *cfg, const char *line)
{
    log_write(CRPKI_LOG_WARN, "config", "%s", line);
    size_t old = cfg->warnings ? strlen(cfg->warnings) : 0;
    if (old > 4096)
        return; /* enough said */
    char *w = realloc(cfg->warnings, old + strlen(line) + 2);
    if (!w)
        return;
    if (old)
        w[old++] = '\n';
    strcpy(w + old, line);
    cfg->warnings = w;
}

static void warn(pctx *p, const char *prefix, const char *key)
{
    char k[48], line[160];
    printable_key(key, k, sizeof k);
    snprintf(line, sizeof line, "%s: %s%s: unknown key ignored", p->label, prefix, k);
    config_add_warning(p->cfg, line);
}

/* Object members in order, refusing duplicates and absurd counts. */
static crpki_err check_members(pctx *p, const cJSON *obj, const char *where)
{
    int n = 0;
    for (const cJSON *a = obj->child; a; a = a->next) {
        if (++n > CONFIG_MAX_KEYS)
            return bad(p, where, "too many keys");
        for (const cJSON *b = obj->child; b != a; b = b->next) {
            if (strcmp(a->string, b->string) == 0) {
                char k[48], path[112];
                printable_key(a->string, k, sizeof k);
                snprintf(path, sizeof path, "%s%s%s", where[0] ? where : "", where[0] ? "." : "",
                         k);
                return bad(p, path, "duplicate key");
            }
        }
    }
    return CRPKI_OK;
}

/* A string value: non-empty, no control characters, at most STR_MAX bytes. */
static crpki_err get_string(pctx *p, const char *key, const cJSON *v, const char **out)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return bad(p, key, "expected a string");
    const char *s = v->valuestring;
    if (!*s)
        return bad(p, key, "expected a non-empty string");
    if (strlen(s) > STR_MAX)
        return bad(p, key, "longer than 2048 bytes");
    if (!text_no_controls(s))
        return bad(p, key, "contains control characters");
    *out = s;
    return CRPKI_OK;
}

static crpki_err set_string(pctx *p, char **field, const char *s)
{
    char *copy = s ? plat_strdup(s) : NULL;
    if (s && !copy)
        return no_memory(p);
    free(*field);
    *field = copy;
    return CRPKI_OK;
}

/* An integer lo..hi (a JSON number without a fraction). */
static int get_int(const cJSON *v, long lo, long hi, long *out)
{
    if (!cJSON_IsNumber(v))
        return 0;
    double d = v->valuedouble;
    if (!(d >= (double)lo && d <= (double)hi) || d != (double)(long)d)
        return 0;
    *out = (long)d;
    return 1;
}

static int ascii_prefix_ieq(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
        if (c != *prefix)
            return 0;
    }
    return 1;
}

/* "https://host[:port][/path]" with a DNS name, IPv4 or [IPv6] host, no user
 * information, query or fragment; trailing slashes are dropped. NULL: ok. */
static const char *url_problem(const char *s)
{
    if (ascii_prefix_ieq(s, "http://"))
        return "expected an https:// URL (plain http is not allowed)";
    if (!ascii_prefix_ieq(s, "https://"))
        return "expected an https:// URL";
    const char *a = s + 8;
    size_t alen = strcspn(a, "/?#");
    if (alen == 0)
        return "expected an https:// URL with a host name";
    if (memchr(a, '@', alen))
        return "must not contain user information (user@)";
    if (strpbrk(s, "?#"))
        return "must not contain a query or fragment";
    if (strpbrk(s, " \"<>\\^`{|}"))
        return "contains characters not allowed in a URL";
    const char *host_end = a + alen;
    const char *port = NULL;
    if (a[0] == '[') {
        const char *rb = memchr(a, ']', alen);
        if (!rb || rb == a + 1)
            return "bad IPv6 address in the host";
        if (rb + 1 < host_end) {
            if (rb[1] != ':')
                return "bad host";
            port = rb + 2;
        }
    } else {
        const char *colon = memchr(a, ':', alen);
        if (colon) {
            port = colon + 1;
            host_end = colon;
        }
        if (host_end == a)
            return "expected an https:// URL with a host name";
        for (const char *h = a; h < host_end; h++) {
            char c = *h;
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_'))
                return "bad character in the host name";
        }
    }
    if (port) {
        const char *pe = a + alen;
        long v = 0;
        if (port == pe || pe - port > 5)
            return "bad port (expected 1-65535)";
        for (const char *d = port; d < pe; d++) {
            if (*d < '0' || *d > '9')
                return "bad port (expected 1-65535)";
            v = v * 10 + (*d - '0');
        }
        if (v < 1 || v > 65535)
            return "bad port (expected 1-65535)";
    }
    return NULL;
}

static crpki_err apply_service_url(pctx *p, const cJSON *v)
{
    if (cJSON_IsNull(v))
        return set_string(p, &p->cfg->service_url, NULL);
    const char *s;
    crpki_err r = get_string(p, "service_url", v, &s);
    if (r != CRPKI_OK)
        return r;
    const char *why = url_problem(s);
    if (why)
        return bad(p, "service_url", why);
    r = set_string(p, &p->cfg->service_url, s);
    if (r == CRPKI_OK) {
        char *u = p->cfg->service_url;
        size_t n = strlen(u);
        while (n > 8 && u[n - 1] == '/')
            u[--n] = 0;
    }
    return r;
}

static crpki_err apply_ca_bundle(pctx *p, const cJSON *v)
{
    if (cJSON_IsNull(v))
        return set_string(p, &p->cfg->ca_bundle, NULL);
    const char *s;
    crpki_err r = get_string(p, "ca_bundle", v, &s);
    if (r != CRPKI_OK)
        return r;
    /* Whoever serves a network path (\\server\share, //server) or a URL
       would choose whom the driver trusts for TLS. */
    if ((s[0] == '\\' || s[0] == '/') && (s[1] == '\\' || s[1] == '/'))
        return bad(p, "ca_bundle", "expected a local file path, not a network path");
    if (strstr(s, "://"))
        return bad(p, "ca_bundle", "expected a local file path, not a URL");
    return set_string(p, &p->cfg->ca_bundle, s);
}

/* "trusted_roots": SHA-256 fingerprints of registrar roots (64 hex digits,
 * colons and case as a certificate viewer shows them), kept lower-case. */
static crpki_err apply_trusted_roots(pctx *p, const cJSON *v)
{
    crpki_config *c = p->cfg;
    for (size_t i = 0; i < c->ntrusted_roots; i++)
        free(c->trusted_roots[i]);
    free(c->trusted_roots);
    c->trusted_roots = NULL;
    c->ntrusted_roots = 0;
    if (cJSON_IsNull(v))
        return CRPKI_OK;
    if (!cJSON_IsArray(v))
        return bad(p, "trusted_roots", "expected an array of SHA-256 fingerprints");
    int n = cJSON_GetArraySize(v);
    if (n > 64)
        return bad(p, "trusted_roots", "more than 64 fingerprints");
    if (n > 0 && !(c->trusted_roots = calloc((size_t)n, sizeof *c->trusted_roots)))
        return fail_with(p->ei, CRPKI_E_NO_MEMORY, "config: out of memory");
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        char hex[65];
        size_t k = 0;
        const char *s = cJSON_IsString(e) ? e->valuestring : NULL;
        for (; s && *s && k < 65; s++) {
            char ch = *s;
            if (ch == ':' || ch == ' ')
                continue;
            if (ch >= 'A' && ch <= 'F')
                ch = (char)(ch - 'A' + 'a');
            if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
                break;
            hex[k++] = ch;
        }
        if (!s || *s || k != 64)
            return bad(p, "trusted_roots",
                       "expected SHA-256 fingerprints (64 hexadecimal digits, colons allowed)");
        hex[64] = '\0';
        if (!(c->trusted_roots[c->ntrusted_roots] = plat_strdup(hex)))
            return fail_with(p->ei, CRPKI_E_NO_MEMORY, "config: out of memory");
        c->ntrusted_roots++;
    }
    return CRPKI_OK;
}

static crpki_err apply_proxy_object(pctx *p, const cJSON *v)
{
    crpki_err r = check_members(p, v, "proxy");
    if (r != CRPKI_OK)
        return r;
    const char *host = NULL, *user = NULL;
    long port = 0;
    int have_port = 0, allow_basic = 0;
    for (const cJSON *m = v->child; m; m = m->next) {
        if (strcmp(m->string, "host") == 0) {
            r = get_string(p, "proxy.host", m, &host);
            if (r != CRPKI_OK)
                return r;
            if (strlen(host) > 255 || strpbrk(host, " /@?#"))
                return bad(p, "proxy.host",
                           "expected a host name or address (no scheme, "
                           "no port)");
        } else if (strcmp(m->string, "port") == 0) {
            if (!get_int(m, 1, 65535, &port))
                return bad(p, "proxy.port", "expected an integer 1-65535");
            have_port = 1;
        } else if (strcmp(m->string, "user") == 0) {
            if (cJSON_IsNull(m))
                continue;
            if (!cJSON_IsString(m) || !m->valuestring)
                return bad(p, "proxy.user", "expected a string");
            if (strlen(m->valuestring) > 255 || !text_no_controls(m->valuestring))
                return bad(p, "proxy.user",
                           "expected a user name (at most 255 bytes, no "
                           "control characters)");
            user = m->valuestring[0] ? m->valuestring : NULL;
        } else if (strcmp(m->string, "allow_basic") == 0) {
            if (!cJSON_IsBool(m))
                return bad(p, "proxy.allow_basic", "expected true or false");
            allow_basic = cJSON_IsTrue(m);
        } else if (strcmp(m->string, "password") == 0) {
            return bad(p, "proxy.password",
                       "not allowed in config.json (set it with crpki-mgmt: it is kept "
                       "protected in the token store)");
        } else {
            warn(p, "proxy.", m->string);
        }
    }
    if (!host)
        return bad(p, "proxy.host", "required in the proxy object");
    if (!have_port)
        return bad(p, "proxy.port", "required in the proxy object");
    if ((r = set_string(p, &p->cfg->proxy_host, host)) != CRPKI_OK ||
        (r = set_string(p, &p->cfg->proxy_user, user)) != CRPKI_OK)
        return r;
    p->cfg->proxy_mode = RSSP_PROXY_EXPLICIT;
    p->cfg->proxy_port = (unsigned)port;
    p->cfg->proxy_allow_basic = allow_basic;
    return CRPKI_OK;
}

static crpki_err apply_proxy(pctx *p, const cJSON *v)
{
    rssp_proxy_mode mode;
    if (cJSON_IsObject(v))
        return apply_proxy_object(p, v);
    if (cJSON_IsNull(v))
        mode = RSSP_PROXY_SYSTEM;
    else if (cJSON_IsString(v) && strcmp(v->valuestring, "none") == 0)
        mode = RSSP_PROXY_NONE;
    else if (cJSON_IsString(v) && strcmp(v->valuestring, "system") == 0)
        mode = RSSP_PROXY_SYSTEM;
    else
        return bad(p, "proxy",
                   "expected \"none\", \"system\" or an object {\"host\", \"port\", "
                   "\"user\"}");
    p->cfg->proxy_mode = mode;
    p->cfg->proxy_port = 0;
    p->cfg->proxy_allow_basic = 0;
    crpki_err r = set_string(p, &p->cfg->proxy_host, NULL);
    return r != CRPKI_OK ? r : set_string(p, &p->cfg->proxy_user, NULL);
}

static int enum_index(const cJSON *v, const char *const *names, int n)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(v->valuestring, names[i]) == 0)
            return i;
    return -1;
}

typedef enum { K_URL, K_CA, K_PROXY, K_SIGN_ON, K_ROOTS, K_TIMEOUT, K_UI, K_LEVEL } key_kind;

static const struct {
    const char *name;
    key_kind kind;
    size_t offset; /* K_TIMEOUT: the unsigned field */
} KEYS[] = {
    {"service_url", K_URL, 0},
    {"ca_bundle", K_CA, 0},
    {"proxy", K_PROXY, 0},
    {"proxy_sign_on", K_SIGN_ON, 0},
    {"trusted_roots", K_ROOTS, 0},
    {"connect_timeout_s", K_TIMEOUT, offsetof(crpki_config, connect_timeout_s)},
    {"request_timeout_s", K_TIMEOUT, offsetof(crpki_config, request_timeout_s)},
    {"approval_timeout_s", K_TIMEOUT, offsetof(crpki_config, approval_timeout_s)},
    {"approval_ui", K_UI, 0},
    {"log_level", K_LEVEL, 0},
};

static crpki_err apply_key_kind(pctx *p, size_t i, const char *key, const cJSON *v);

static crpki_err apply_key(pctx *p, const char *key, const cJSON *v)
{
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
        if (strcmp(key, KEYS[i].name) != 0)
            continue;
        crpki_err r = apply_key_kind(p, i, key, v);
        if (r == CRPKI_OK && p->admin)
            p->cfg->fixed |= 1u << i;
        return r;
    }
    warn(p, "", key);
    return CRPKI_OK;
}

int crpki_config_fixed(const crpki_config *cfg, const char *key)
{
    for (size_t i = 0; cfg && key && i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (strcmp(key, KEYS[i].name) == 0)
            return (cfg->fixed >> i) & 1u;
    return 0;
}

static crpki_err apply_key_kind(pctx *p, size_t i, const char *key, const cJSON *v)
{
    {
        switch (KEYS[i].kind) {
        case K_URL:
            return apply_service_url(p, v);
        case K_CA:
            return apply_ca_bundle(p, v);
        case K_PROXY:
            return apply_proxy(p, v);
        case K_SIGN_ON:
            if (!cJSON_IsBool(v) && !cJSON_IsNull(v))
                return bad(p, key, "expected true or false");
            p->cfg->proxy_sign_on = !cJSON_IsFalse(v);
            return CRPKI_OK;
        case K_ROOTS:
            return apply_trusted_roots(p, v);
        case K_TIMEOUT: {
            unsigned *field = (unsigned *)((char *)p->cfg + KEYS[i].offset);
            long t;
            if (cJSON_IsNull(v)) {
                crpki_config d;
                config_defaults(&d);
                *field = *(unsigned *)((char *)&d + KEYS[i].offset);
                return CRPKI_OK;
            }
            if (!get_int(v, 1, TIMEOUT_MAX, &t))
                return bad(p, key, "expected an integer 1-3600 (seconds)");
            *field = (unsigned)t;
            return CRPKI_OK;
        }
        case K_UI: {
            int e =
                cJSON_IsNull(v) ? (int)config_default_approval_ui() : enum_index(v, UI_NAMES, 3);
            if (e < 0)
                return bad(p, key, "expected \"dialog\", \"console\" or \"none\"");
            p->cfg->approval_ui = (crpki_approval_ui)e;
            return CRPKI_OK;
        }
        case K_LEVEL: {
            int e = cJSON_IsNull(v) ? (int)CRPKI_LOG_WARN : enum_index(v, LEVEL_NAMES, 4);
            if (e < 0)
                return bad(p, key, "expected \"error\", \"warn\", \"info\" or \"debug\"");
            p->cfg->log_level = (crpki_log_level)e;
            return CRPKI_OK;
        }
        }
    }
    return CRPKI_OK;
}

/* Parses text (NUL-terminated, len bytes) and applies it over p->cfg. */
static crpki_err apply_text(pctx *p, const char *text, size_t len)
{
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        /* Notepad's UTF-8 BOM */
        text += 3;
        len -= 3;
    }
    size_t bad_at = utf8_invalid_at(text, len);
    /* UTF-8 allows U+0000; a configuration file does not */
    const char *nul = memchr(text, 0, bad_at);
    if (nul)
        bad_at = (size_t)(nul - text);
    if (bad_at < len)
        return fail_with(p->ei, CRPKI_E_CONFIG, "%s: not valid UTF-8 text (byte %lu)", p->label,
                         (unsigned long)(bad_at + 1));
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!root) {
        size_t line = 1, col = 1;
        const char *stop = end && end >= text && end <= text + len ? end : text + len;
        for (const char *c = text; c < stop; c++) {
            if (*c == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)*c & 0xC0) != 0x80) {
                col++;
            }
        }
        return fail_with(p->ei, CRPKI_E_CONFIG, "%s: invalid JSON at line %lu, column %lu",
                         p->label, (unsigned long)line, (unsigned long)col);
    }
    crpki_err r;
    if (!cJSON_IsObject(root)) {
        r = fail_with(p->ei, CRPKI_E_CONFIG, "%s: expected a JSON object {...} at the top",
                      p->label);
    } else {
        r = check_members(p, root, "");
        for (const cJSON *m = root->child; r == CRPKI_OK && m; m = m->next)
            r = apply_key(p, m->string, m);
    }
    cJSON_Delete(root);
    return r;
}

const char *config_key_name(size_t i)
{
    return i < sizeof KEYS / sizeof KEYS[0] ? KEYS[i].name : NULL;
}

crpki_err config_apply_text(const char *label, crpki_config *cfg, int admin, const char *text,
                            size_t len, crpki_error_info *ei)
{
    pctx p = {label, cfg, ei, admin};
    return apply_text(&p, text, len);
}
