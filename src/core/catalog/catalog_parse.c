/* Reading keys.json (catalog.h: catalog_parse, catalog_load): strictly,
 * every member's type, size and encoding, and each certificate's public key
 * against the entry's key type and size. */
#include "core/catalog/catalog.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/log/log.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_str.h"
#include "base/util/base64.h"
#include "base/util/text.h"
#include "base/util/utf8.h"
#include "core/catalog/catalog_internal.h"

/* ---- parsing ---------------------------------------------------------------------- */

typedef struct {
    crpki_error_info *ei;
    char path[64]; /* "keys[3]" */
} pctx;

static crpki_err bad(pctx *p, const char *member, const char *why)
{
    if (!p->path[0] && !member[0])
        return fail_with(p->ei, CRPKI_E_CONFIG, CAT_FILE ": %s", why);
    return fail_with(p->ei, CRPKI_E_CONFIG, CAT_FILE ": %s%s%s: %s", p->path,
                     p->path[0] && member[0] ? "." : "", member, why);
}

/* An optional string member: absent or null leaves *out NULL. */
static crpki_err get_str(pctx *p, const cJSON *obj, const char *name, int required, char **out)
{
    *out = NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v || cJSON_IsNull(v))
        return required ? bad(p, name, "missing") : CRPKI_OK;
    if (!cJSON_IsString(v) || !v->valuestring)
        return bad(p, name, "not a string");
    if (strlen(v->valuestring) > CATALOG_MAX_STR)
        return bad(p, name, "too long");
    if (!text_no_controls(v->valuestring))
        return bad(p, name, "holds control characters");
    if (required && !v->valuestring[0])
        return bad(p, name, "empty");
    *out = plat_strdup(v->valuestring);
    return *out ? CRPKI_OK : CRPKI_E_NO_MEMORY;
}

/* A whole number in [min, max]; absent: def (or an error when def < 0). */
static crpki_err get_int(pctx *p, const cJSON *obj, const char *name, double min, double max,
                         double def, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v) {
        if (def < 0)
            return bad(p, name, "missing");
        *out = def;
        return CRPKI_OK;
    }
    if (!cJSON_IsNumber(v))
        return bad(p, name, "not a number");
    double d = v->valuedouble;
    if (d != d || d < min || d > max || d != (double)(int64_t)d)
        return bad(p, name, "not a whole number in range");
    *out = d;
    return CRPKI_OK;
}

/* base64 DER of at most CATALOG_MAX_CERT bytes into *out. */
static crpki_err decode_blob(pctx *p, const char *member, const cJSON *v, catalog_blob *out)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return bad(p, member, "not a string");
    size_t slen = strlen(v->valuestring);
    size_t max = base64_decoded_max(slen);
    if (slen == 0)
        return bad(p, member, "empty");
    if (max > CATALOG_MAX_CERT + 3)
        return bad(p, member, "larger than 64 KiB");
    out->der = malloc(max);
    if (!out->der)
        return CRPKI_E_NO_MEMORY;
    if (base64_decode(v->valuestring, slen, out->der, max, &out->len) != 0 || out->len == 0) {
        free(out->der);
        out->der = NULL;
        out->len = 0;
        return bad(p, member, "not base64");
    }
    return CRPKI_OK;
}

static crpki_err parse_providers(pctx *p, const cJSON *obj, unsigned *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "providers");
    *out = 0;
    if (!v)
        return bad(p, "providers", "missing");
    if (!cJSON_IsArray(v))
        return bad(p, "providers", "not an array");
    const cJSON *it;
    cJSON_ArrayForEach(it, v)
    {
        if (!cJSON_IsString(it) || !it->valuestring)
            return bad(p, "providers", "not an array of strings");
        if (strcmp(it->valuestring, "csp") == 0)
            *out |= CRPKI_CAT_CSP;
        else if (strcmp(it->valuestring, "ksp") == 0)
            *out |= CRPKI_CAT_KSP;
        else
            return bad(p, "providers", "not \"csp\" or \"ksp\"");
    }
    return CRPKI_OK;
}

static crpki_err parse_key_shape(pctx *p, const cJSON *obj, catalog_entry *e)
{
    char *s = NULL;
    crpki_err r = get_str(p, obj, "key_type", 1, &s);
    if (r != CRPKI_OK)
        return r;
    if (strcmp(s, "RSA") == 0)
        e->key_type = CRPKI_KEY_RSA;
    else if (strcmp(s, "EC") == 0)
        e->key_type = CRPKI_KEY_EC;
    free(s);
    if (!e->key_type)
        return bad(p, "key_type", "not \"RSA\" or \"EC\"");
    double bits;
    r = get_int(p, obj, "key_bits", 256, 16384, -1, &bits);
    if (r != CRPKI_OK)
        return r;
    e->key_bits = (unsigned)bits;
    if (e->key_type == CRPKI_KEY_RSA) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, "curve");
        if (c && !cJSON_IsNull(c))
            return bad(p, "curve", "present for an RSA key");
        if (e->key_bits < 1024)
            return bad(p, "key_bits", "too small for RSA");
        return CRPKI_OK;
    }
    r = get_str(p, obj, "curve", 1, &s);
    if (r != CRPKI_OK)
        return r;
    e->curve = catalog_curve_by_name(s);
    free(s);
    if (!e->curve)
        return bad(p, "curve", "not \"P-256\" or \"P-384\"");
    if (e->key_bits != (e->curve == CRPKI_CURVE_P256 ? 256u : 384u))
        return bad(p, "key_bits", "does not match the curve");
    return CRPKI_OK;
}

static crpki_err parse_algos(pctx *p, const cJSON *obj, catalog_entry *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "algos");
    if (!v)
        return bad(p, "algos", "missing");
    if (!cJSON_IsArray(v))
        return bad(p, "algos", "not an array");
    int n = cJSON_GetArraySize(v);
    if (n > CATALOG_MAX_ALGOS)
        return bad(p, "algos", "too many");
    if (n == 0)
        return CRPKI_OK;
    e->algos = calloc((size_t)n, sizeof *e->algos);
    if (!e->algos)
        return CRPKI_E_NO_MEMORY;
    const cJSON *it;
    cJSON_ArrayForEach(it, v)
    {
        if (!cJSON_IsString(it) || !it->valuestring || !text_is_oid(it->valuestring))
            return bad(p, "algos", "not an array of dotted OIDs");
        if (!(e->algos[e->nalgos] = plat_strdup(it->valuestring)))
            return CRPKI_E_NO_MEMORY;
        e->nalgos++;
    }
    return CRPKI_OK;
}

static crpki_err parse_certs(pctx *p, const cJSON *obj, catalog_entry *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "cert");
    if (!v)
        return bad(p, "cert", "missing");
    crpki_err r = decode_blob(p, "cert", v, &e->cert);
    if (r != CRPKI_OK)
        return r;
    char why[sizeof((crpki_error_info *)0)->detail];
    if (catalog_check_cert_key(e->cert.der, e->cert.len, e->key_type, e->key_bits, e->curve, why,
                               sizeof why))
        return bad(p, "cert", why);
    v = cJSON_GetObjectItemCaseSensitive(obj, "chain");
    if (!v)
        return CRPKI_OK;
    if (!cJSON_IsArray(v))
        return bad(p, "chain", "not an array");
    int n = cJSON_GetArraySize(v);
    if (n > CATALOG_MAX_CHAIN)
        return bad(p, "chain", "too many certificates");
    if (n == 0)
        return CRPKI_OK;
    e->chain = calloc((size_t)n, sizeof *e->chain);
    if (!e->chain)
        return CRPKI_E_NO_MEMORY;
    const cJSON *it;
    cJSON_ArrayForEach(it, v)
    {
        char member[32];
        snprintf(member, sizeof member, "chain[%lu]", (unsigned long)e->nchain);
        r = decode_blob(p, member, it, &e->chain[e->nchain]);
        if (r != CRPKI_OK)
            return r;
        e->nchain++;
    }
    return CRPKI_OK;
}

static crpki_err parse_entry(pctx *p, const cJSON *obj, catalog_entry *e)
{
    if (!cJSON_IsObject(obj))
        return bad(p, "", "not an object");
    crpki_err r;
    double d;
    if ((r = get_str(p, obj, "credential_id", 1, &e->credential_id)) != CRPKI_OK ||
        (r = parse_providers(p, obj, &e->providers)) != CRPKI_OK ||
        (r = parse_key_shape(p, obj, e)) != CRPKI_OK || (r = parse_algos(p, obj, e)) != CRPKI_OK ||
        (r = parse_certs(p, obj, e)) != CRPKI_OK ||
        (r = get_str(p, obj, "subject", 0, &e->subject_dn)) != CRPKI_OK ||
        (r = get_str(p, obj, "issuer", 0, &e->issuer_dn)) != CRPKI_OK ||
        (r = get_str(p, obj, "serial", 0, &e->serial_hex)) != CRPKI_OK ||
        (r = get_str(p, obj, "valid_from", 0, &e->valid_from)) != CRPKI_OK ||
        (r = get_str(p, obj, "valid_to", 0, &e->valid_to)) != CRPKI_OK)
        return r;
    if (e->serial_hex && !text_is_hex(e->serial_hex))
        return bad(p, "serial", "not hexadecimal");
    if (e->valid_from && !text_is_gentime(e->valid_from))
        return bad(p, "valid_from", "not YYYYMMDDHHMMSSZ");
    if (e->valid_to && !text_is_gentime(e->valid_to))
        return bad(p, "valid_to", "not YYYYMMDDHHMMSSZ");
    if ((r = get_int(p, obj, "multisign", 1, CATALOG_MAX_SIGS, 1, &d)) != CRPKI_OK)
        return r;
    e->multisign = (unsigned)d;
    /* 2^53: what a double holds exactly */
    if ((r = get_int(p, obj, "selected_at", 0, 9007199254740992.0, 0, &d)) != CRPKI_OK)
        return r;
    e->selected_at = (int64_t)d;
    return CRPKI_OK;
}

static crpki_err parse_default(pctx *p, const cJSON *root, const char *name, unsigned provider,
                               catalog_keys *cat, char **out)
{
    crpki_err r = get_str(p, root, name, 0, out);
    if (r != CRPKI_OK)
        return r;
    if (*out && !**out) { /* "" is no default */
        free(*out);
        *out = NULL;
    }
    if (*out && !catalog_find(cat, *out, provider))
        return bad(p, name, "names no key selected for that provider");
    return CRPKI_OK;
}

static crpki_err parse_root(const cJSON *root, catalog_keys *cat, crpki_error_info *ei)
{
    pctx p = {ei, ""};
    if (!cJSON_IsObject(root))
        return bad(&p, "", "not a JSON object");
    double version;
    crpki_err r = get_int(&p, root, "version", 0, 1e9, -1, &version);
    if (r != CRPKI_OK)
        return r;
    if (version != CAT_VERSION)
        return bad(&p, "version", "unsupported (this driver reads version 1)");
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(root, "keys");
    if (!keys)
        return bad(&p, "keys", "missing");
    if (!cJSON_IsArray(keys))
        return bad(&p, "keys", "not an array");
    int n = cJSON_GetArraySize(keys);
    if (n > CATALOG_MAX_KEYS)
        return bad(&p, "keys", "too many entries");
    if (n > 0) {
        cat->v = calloc((size_t)n, sizeof *cat->v);
        if (!cat->v)
            return CRPKI_E_NO_MEMORY;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, keys)
    {
        snprintf(p.path, sizeof p.path, "keys[%lu]", (unsigned long)cat->n);
        catalog_entry *e = &cat->v[cat->n];
        r = parse_entry(&p, it, e);
        if (r == CRPKI_OK && catalog_find_id(cat, e->credential_id))
            r = bad(&p, "credential_id", "duplicate");
        cat->n++; /* counted even when half made: freed with the rest */
        if (r != CRPKI_OK)
            return r;
    }
    p.path[0] = '\0';
    if ((r = parse_default(&p, root, "default_csp", CRPKI_CAT_CSP, cat, &cat->default_csp)) !=
        CRPKI_OK)
        return r;
    return parse_default(&p, root, "default_ksp", CRPKI_CAT_KSP, cat, &cat->default_ksp);
}

crpki_err catalog_parse(const char *json, size_t len, catalog_keys *out, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no output catalog");
    memset(out, 0, sizeof *out);
    if (!json && len)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no text");
    if (len > CATALOG_MAX_BYTES)
        return fail_with(ei, CRPKI_E_CONFIG, CAT_FILE ": larger than %u bytes", CATALOG_MAX_BYTES);
    if (len && memchr(json, 0, len))
        return fail_with(ei, CRPKI_E_CONFIG, CAT_FILE ": holds a NUL byte");
    size_t bad_at = utf8_invalid_at(json, len);
    if (bad_at < len)
        return fail_with(ei, CRPKI_E_CONFIG, CAT_FILE ": not valid UTF-8 (byte %lu)",
                         (unsigned long)(bad_at + 1));
    /* cJSON wants a terminated buffer; the input is not necessarily one. */
    char *text = malloc(len + 1);
    if (!text)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    if (len)
        memcpy(text, json, len);
    text[len] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    crpki_err r;
    if (!root) {
        r = fail_with(ei, CRPKI_E_CONFIG, CAT_FILE ": invalid JSON at byte %lu",
                      (unsigned long)(end && end >= text ? end - text + 1 : 1));
    } else {
        r = parse_root(root, out, ei);
        if (r == CRPKI_E_NO_MEMORY)
            fail_with(ei, r, "out of memory");
    }
    cJSON_Delete(root);
    free(text);
    if (r != CRPKI_OK)
        catalog_free(out);
    return r;
}

crpki_err catalog_load(const char *home, catalog_keys *out, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no output catalog");
    memset(out, 0, sizeof *out);
    if (!home || !*home)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no home directory");
    char *path = plat_path_join(home, CAT_FILE);
    if (!path)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    uint8_t *data = NULL;
    size_t len = 0;
    int too_big = 0;
    crpki_err r = plat_read_own_file(path, CATALOG_MAX_BYTES, &data, &len, &too_big, ei);
    if (too_big)
        r = fail_with(ei, CRPKI_E_CONFIG, CAT_FILE ": larger than %u bytes", CATALOG_MAX_BYTES);
    else if (r == CRPKI_OK && data)
        r = catalog_parse((const char *)data, len, out, ei);
    if (r != CRPKI_OK)
        log_write(CRPKI_LOG_WARN, "catalog", "%s: %s", path, ei ? ei->detail : crpki_err_name(r));
    free(data);
    free(path);
    return r;
}
