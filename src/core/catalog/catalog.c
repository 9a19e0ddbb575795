/* The key catalog (catalog.h): keys.json in the home directory, parsed
 * strictly (every member's type, size and encoding, and each certificate's
 * public key against the entry's key type and size), written atomically. */
#include "core/catalog/catalog.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "base/error/fail.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_str.h"
#include "base/util/base64.h"
#include "base/util/text.h"
#include "base/util/utf8.h"

#define CAT_FILE      "keys.json"
#define CAT_MAX_BYTES (4u << 20)
#define CAT_MAX_KEYS  256
#define CAT_MAX_CERT  (64u << 10) /* bytes of one DER certificate */
#define CAT_MAX_CHAIN 16
#define CAT_MAX_ALGOS 64
#define CAT_MAX_STR   1024 /* DNs and IDs */
#define CAT_MAX_SIGS  10000
#define CAT_VERSION   1

/* ---- entries ------------------------------------------------------------------ */

void catalog_entry_free(catalog_entry *e)
{
    if (!e)
        return;
    free(e->credential_id);
    for (size_t i = 0; i < e->nalgos; i++)
        free(e->algos[i]);
    free(e->algos);
    free(e->cert.der);
    for (size_t i = 0; i < e->nchain; i++)
        free(e->chain[i].der);
    free(e->chain);
    free(e->subject_dn);
    free(e->issuer_dn);
    free(e->serial_hex);
    free(e->valid_from);
    free(e->valid_to);
    memset(e, 0, sizeof *e);
}

void catalog_free(catalog_keys *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->n; i++)
        catalog_entry_free(&cat->v[i]);
    free(cat->v);
    free(cat->default_csp);
    free(cat->default_ksp);
    memset(cat, 0, sizeof *cat);
}

/* A copy of s into *dst (NULL stays NULL). 0 or -1 when out of memory. */
static int dup_str(char **dst, const char *s)
{
    *dst = NULL;
    if (!s)
        return 0;
    *dst = plat_strdup(s);
    return *dst ? 0 : -1;
}

static int dup_blob(catalog_blob *dst, const uint8_t *der, size_t len)
{
    dst->der = NULL;
    dst->len = 0;
    if (!der || len == 0)
        return 0;
    dst->der = malloc(len);
    if (!dst->der)
        return -1;
    memcpy(dst->der, der, len);
    dst->len = len;
    return 0;
}

crpki_err catalog_entry_copy(const catalog_entry *src, catalog_entry *dst)
{
    if (!src || !dst)
        return CRPKI_E_INVALID_ARG;
    memset(dst, 0, sizeof *dst);
    dst->providers = src->providers;
    dst->key_type = src->key_type;
    dst->key_bits = src->key_bits;
    dst->curve = src->curve;
    dst->multisign = src->multisign;
    dst->selected_at = src->selected_at;
    if (dup_str(&dst->credential_id, src->credential_id) != 0 ||
        dup_str(&dst->subject_dn, src->subject_dn) != 0 ||
        dup_str(&dst->issuer_dn, src->issuer_dn) != 0 ||
        dup_str(&dst->serial_hex, src->serial_hex) != 0 ||
        dup_str(&dst->valid_from, src->valid_from) != 0 ||
        dup_str(&dst->valid_to, src->valid_to) != 0 ||
        dup_blob(&dst->cert, src->cert.der, src->cert.len) != 0)
        goto oom;
    if (src->nalgos) {
        dst->algos = calloc(src->nalgos, sizeof *dst->algos);
        if (!dst->algos)
            goto oom;
        for (; dst->nalgos < src->nalgos; dst->nalgos++)
            if (dup_str(&dst->algos[dst->nalgos], src->algos[dst->nalgos]) != 0)
                goto oom;
    }
    if (src->nchain) {
        dst->chain = calloc(src->nchain, sizeof *dst->chain);
        if (!dst->chain)
            goto oom;
        for (; dst->nchain < src->nchain; dst->nchain++)
            if (dup_blob(&dst->chain[dst->nchain], src->chain[dst->nchain].der,
                         src->chain[dst->nchain].len) != 0)
                goto oom;
    }
    return CRPKI_OK;
oom:
    catalog_entry_free(dst);
    return CRPKI_E_NO_MEMORY;
}

size_t catalog_entry_sig_len(const catalog_entry *e)
{
    if (!e)
        return 0;
    size_t bytes = (e->key_bits + 7) / 8;
    return e->key_type == CRPKI_KEY_EC ? 2 * bytes : bytes;
}

/* ---- lookups ------------------------------------------------------------------- */

static catalog_entry *find_id(const catalog_keys *cat, const char *id)
{
    for (size_t i = 0; i < cat->n; i++)
        if (cat->v[i].credential_id && strcmp(cat->v[i].credential_id, id) == 0)
            return &cat->v[i];
    return NULL;
}

const catalog_entry *catalog_find(const catalog_keys *cat, const char *credential_id,
                                          unsigned provider)
{
    if (!cat || (provider != CRPKI_CAT_CSP && provider != CRPKI_CAT_KSP))
        return NULL;
    const char *id = credential_id;
    if (!id || !*id)
        id = provider == CRPKI_CAT_CSP ? cat->default_csp : cat->default_ksp;
    if (!id)
        return NULL;
    const catalog_entry *e = find_id(cat, id);
    return e && (e->providers & provider) ? e : NULL;
}

/* ---- checks shared by load, save and put ------------------------------------------ */

static const char *curve_name(crypto_curve c)
{
    return c == CRPKI_CURVE_P256 ? "P-256" : c == CRPKI_CURVE_P384 ? "P-384" : NULL;
}

static crypto_curve curve_by_name(const char *s)
{
    if (strcmp(s, "P-256") == 0)
        return CRPKI_CURVE_P256;
    if (strcmp(s, "P-384") == 0)
        return CRPKI_CURVE_P384;
    return CRPKI_CURVE_NONE;
}

/* The certificate's public key against the declared type, size and curve:
 * NULL when they agree, else what is wrong. */
static const char *check_cert_key(const uint8_t *der, size_t len, alg_key_type type,
                                  unsigned bits, crypto_curve curve, char *why, size_t whysz)
{
    crypto_pubkey *k = NULL;
    crpki_error_info ei;
    if (crypto_pubkey_from_cert(der, len, &k, &ei) != CRPKI_OK) {
        snprintf(why, whysz, "%s", ei.detail);
        return why;
    }
    crypto_pubkey_info info;
    crypto_pubkey_get_info(k, &info);
    crypto_pubkey_free(k);
    if (info.type != type)
        snprintf(why, whysz, "the certificate holds an %s key, not %s",
                 info.type == CRPKI_KEY_RSA ? "RSA" : "EC", type == CRPKI_KEY_RSA ? "RSA" : "EC");
    else if (info.bits != bits)
        snprintf(why, whysz, "the certificate's key has %u bits, not %u", info.bits, bits);
    else if (type == CRPKI_KEY_EC && info.curve != curve)
        snprintf(why, whysz, "the certificate's key is on another curve");
    else
        return NULL;
    return why;
}

/* A dotted OID: digits and single dots, at least two arcs. */
static int is_oid(const char *s)
{
    size_t len = strlen(s);
    int dots = 0;
    if (len == 0 || len > 128 || s[0] == '.' || s[len - 1] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (s[i + 1] == '.')
                return 0;
            dots++;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return dots >= 1;
}

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
    if (strlen(v->valuestring) > CAT_MAX_STR)
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

/* base64 DER of at most CAT_MAX_CERT bytes into *out. */
static crpki_err decode_blob(pctx *p, const char *member, const cJSON *v, catalog_blob *out)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return bad(p, member, "not a string");
    size_t slen = strlen(v->valuestring);
    size_t max = b64_decoded_max(slen);
    if (slen == 0)
        return bad(p, member, "empty");
    if (max > CAT_MAX_CERT + 3)
        return bad(p, member, "larger than 64 KiB");
    out->der = malloc(max);
    if (!out->der)
        return CRPKI_E_NO_MEMORY;
    if (b64_decode(v->valuestring, slen, out->der, max, &out->len) != 0 || out->len == 0) {
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
    e->curve = curve_by_name(s);
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
    if (n > CAT_MAX_ALGOS)
        return bad(p, "algos", "too many");
    if (n == 0)
        return CRPKI_OK;
    e->algos = calloc((size_t)n, sizeof *e->algos);
    if (!e->algos)
        return CRPKI_E_NO_MEMORY;
    const cJSON *it;
    cJSON_ArrayForEach(it, v)
    {
        if (!cJSON_IsString(it) || !it->valuestring || !is_oid(it->valuestring))
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
    if (check_cert_key(e->cert.der, e->cert.len, e->key_type, e->key_bits, e->curve, why,
                       sizeof why))
        return bad(p, "cert", why);
    v = cJSON_GetObjectItemCaseSensitive(obj, "chain");
    if (!v)
        return CRPKI_OK;
    if (!cJSON_IsArray(v))
        return bad(p, "chain", "not an array");
    int n = cJSON_GetArraySize(v);
    if (n > CAT_MAX_CHAIN)
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
    if ((r = get_int(p, obj, "multisign", 1, CAT_MAX_SIGS, 1, &d)) != CRPKI_OK)
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
    if (n > CAT_MAX_KEYS)
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
        if (r == CRPKI_OK && find_id(cat, e->credential_id))
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

crpki_err catalog_parse(const char *json, size_t len, catalog_keys *out,
                              crpki_error_info *ei)
{
    fail_clear(ei);
    if (!out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no output catalog");
    memset(out, 0, sizeof *out);
    if (!json && len)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no text");
    if (len > CAT_MAX_BYTES)
        return fail_with(ei, CRPKI_E_CONFIG, CAT_FILE ": larger than %u bytes", CAT_MAX_BYTES);
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
    crpki_err r = plat_read_file(path, CAT_MAX_BYTES, &data, &len, &too_big, ei);
    if (too_big)
        r = fail_with(ei, CRPKI_E_CONFIG, CAT_FILE ": larger than %u bytes", CAT_MAX_BYTES);
    else if (r == CRPKI_OK && data)
        r = catalog_parse((const char *)data, len, out, ei);
    if (r != CRPKI_OK)
        log_write(CRPKI_LOG_WARN, "catalog", "%s: %s", path, ei ? ei->detail : crpki_err_name(r));
    free(data);
    free(path);
    return r;
}

/* ---- writing ---------------------------------------------------------------------- */

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *blob_b64(const catalog_blob *b)
{
    char *s = b64_encode_alloc(b->der, b->len);
    cJSON *v = s ? cJSON_CreateString(s) : NULL;
    free(s);
    return v;
}

/* Adds v under name; 0, or -1 (and v freed) when v is NULL or adding fails. */
static int add(cJSON *obj, const char *name, cJSON *v)
{
    if (!v)
        return -1;
    if (!cJSON_AddItemToObject(obj, name, v)) {
        cJSON_Delete(v);
        return -1;
    }
    return 0;
}

static int push(cJSON *arr, cJSON *v)
{
    if (!v)
        return -1;
    if (!cJSON_AddItemToArray(arr, v)) {
        cJSON_Delete(v);
        return -1;
    }
    return 0;
}

static cJSON *entry_json(const catalog_entry *e)
{
    cJSON *o = cJSON_CreateObject(), *prov = cJSON_CreateArray(), *algos = cJSON_CreateArray(),
          *chain = cJSON_CreateArray();
    int bad_ = !o || !prov || !algos || !chain;
    if (!bad_ && (e->providers & CRPKI_CAT_CSP))
        bad_ |= push(prov, cJSON_CreateString("csp"));
    if (!bad_ && (e->providers & CRPKI_CAT_KSP))
        bad_ |= push(prov, cJSON_CreateString("ksp"));
    for (size_t i = 0; !bad_ && i < e->nalgos; i++)
        bad_ |= push(algos, str_or_null(e->algos[i]));
    for (size_t i = 0; !bad_ && i < e->nchain; i++)
        bad_ |= push(chain, blob_b64(&e->chain[i]));
    if (bad_) {
        cJSON_Delete(o);
        cJSON_Delete(prov);
        cJSON_Delete(algos);
        cJSON_Delete(chain);
        return NULL;
    }
    const char *curve = e->key_type == CRPKI_KEY_EC ? curve_name(e->curve) : NULL;
    if (add(o, "credential_id", str_or_null(e->credential_id)) || add(o, "providers", prov) ||
        add(o, "key_type", cJSON_CreateString(e->key_type == CRPKI_KEY_EC ? "EC" : "RSA")) ||
        add(o, "key_bits", cJSON_CreateNumber(e->key_bits)) ||
        add(o, "curve", str_or_null(curve)) || add(o, "algos", algos) ||
        add(o, "cert", blob_b64(&e->cert)) || add(o, "chain", chain) ||
        add(o, "subject", str_or_null(e->subject_dn)) ||
        add(o, "issuer", str_or_null(e->issuer_dn)) ||
        add(o, "serial", str_or_null(e->serial_hex)) ||
        add(o, "valid_from", str_or_null(e->valid_from)) ||
        add(o, "valid_to", str_or_null(e->valid_to)) ||
        add(o, "multisign", cJSON_CreateNumber(e->multisign)) ||
        add(o, "selected_at", cJSON_CreateNumber((double)e->selected_at))) {
        /* add() freed the item it failed on; the rest hangs off o */
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

crpki_err catalog_format(const catalog_keys *cat, char **json, size_t *len,
                               crpki_error_info *ei)
{
    fail_clear(ei);
    if (!cat || !json || !len)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no catalog or output");
    *json = NULL;
    *len = 0;
    cJSON *root = cJSON_CreateObject(), *keys = cJSON_CreateArray();
    int fail = !root || !keys;
    if (!fail)
        fail = add(root, "version", cJSON_CreateNumber(CAT_VERSION)) ||
               add(root, "default_csp", str_or_null(cat->default_csp)) ||
               add(root, "default_ksp", str_or_null(cat->default_ksp));
    for (size_t i = 0; !fail && i < cat->n; i++)
        fail = push(keys, entry_json(&cat->v[i]));
    if (!fail) {
        fail = add(root, "keys", keys);
        keys = NULL;
    }
    char *text = fail ? NULL : cJSON_Print(root);
    cJSON_Delete(root);
    cJSON_Delete(keys);
    if (!text)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    /* What we write must load back: the same checks, now. */
    catalog_keys check;
    crpki_err r = catalog_parse(text, strlen(text), &check, ei);
    catalog_free(&check);
    if (r != CRPKI_OK) {
        free(text);
        if (r == CRPKI_E_CONFIG && ei)
            ei->code = CRPKI_E_INVALID_ARG;
        return r == CRPKI_E_CONFIG ? CRPKI_E_INVALID_ARG : r;
    }
    *json = text;
    *len = strlen(text);
    return CRPKI_OK;
}

crpki_err catalog_save(const char *home, const catalog_keys *cat, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!home || !*home || !cat)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no home directory or catalog");
    char *text = NULL, *path = NULL;
    size_t len = 0;
    crpki_err r = catalog_format(cat, &text, &len, ei);
    if (r == CRPKI_OK)
        r = plat_mkdir_p(home, PLAT_FILE_PRIVATE, ei);
    if (r == CRPKI_OK && !(path = plat_path_join(home, CAT_FILE)))
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    if (r == CRPKI_OK)
        r = plat_write_file_atomic(path, text, len, PLAT_FILE_PUBLIC, ei);
    if (r == CRPKI_OK)
        log_write(CRPKI_LOG_INFO, "catalog", "wrote %s (%lu keys)", path, (unsigned long)cat->n);
    else
        log_write(CRPKI_LOG_ERROR, "catalog", "saving the key catalog failed: %s",
                  ei ? ei->detail : crpki_err_name(r));
    free(text);
    free(path);
    return r;
}

/* ---- changes ----------------------------------------------------------------------- */

static const char *curve_oid(crypto_curve c)
{
    return c == CRPKI_CURVE_P256 ? CRPKI_OID_P256 : c == CRPKI_CURVE_P384 ? CRPKI_OID_P384 : NULL;
}

/* The credential as an entry (deep copy), after the offline-usability checks. */
static crpki_err entry_from_credential(const rssp_credential *cr, unsigned providers, int64_t now,
                                       catalog_entry *e, crpki_error_info *ei)
{
    memset(e, 0, sizeof *e);
    if (!cr->id || !cr->id[0] || strlen(cr->id) > CAT_MAX_STR || !text_no_controls(cr->id))
        return fail_with(ei, CRPKI_E_PROTOCOL, "credential: no usable credential ID");
    if (cr->ncerts == 0 || !cr->certs || !cr->certs[0].der || cr->certs[0].len == 0)
        return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: no certificate", cr->id);
    if (cr->ncerts - 1 > CAT_MAX_CHAIN || cr->nalgos > CAT_MAX_ALGOS)
        return fail_with(ei, CRPKI_E_PROTOCOL,
                          "credential %s: too many certificates or algorithms", cr->id);
    crypto_pubkey *k = NULL;
    crpki_error_info kei;
    if (crypto_pubkey_from_cert(cr->certs[0].der, cr->certs[0].len, &k, &kei) != CRPKI_OK)
        return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: %s", cr->id, kei.detail);
    crypto_pubkey_info info;
    crypto_pubkey_get_info(k, &info);
    crypto_pubkey_free(k);
    alg_key_type type = cr->key_type == RSSP_KEY_EC ? CRPKI_KEY_EC : CRPKI_KEY_RSA;
    if ((cr->key_type != RSSP_KEY_RSA && cr->key_type != RSSP_KEY_EC) || info.type != type)
        return fail_with(ei, CRPKI_E_PROTOCOL,
                          "credential %s: the key type does not match the certificate's", cr->id);
    if (cr->key_bits != info.bits)
        return fail_with(ei, CRPKI_E_PROTOCOL,
                          "credential %s: key size %u, the certificate's key has %u bits", cr->id,
                          cr->key_bits, info.bits);
    if (type == CRPKI_KEY_EC && cr->curve_oid && strcmp(cr->curve_oid, curve_oid(info.curve)) != 0)
        return fail_with(ei, CRPKI_E_PROTOCOL,
                          "credential %s: the curve does not match the certificate's", cr->id);
    for (size_t i = 0; i < cr->nalgos; i++)
        if (!cr->algos[i] || !is_oid(cr->algos[i]))
            return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: a malformed algorithm OID",
                              cr->id);
    for (size_t i = 1; i < cr->ncerts; i++)
        if (!cr->certs[i].der || cr->certs[i].len == 0 || cr->certs[i].len > CAT_MAX_CERT)
            return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: an empty chain certificate",
                              cr->id);
    if (cr->certs[0].len > CAT_MAX_CERT)
        return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: certificate too large", cr->id);

    /* Fields that keys.json would refuse are dropped rather than refused:
       they are for display only. */
    catalog_entry src = {0};
    src.credential_id = cr->id;
    src.providers = providers;
    src.key_type = type;
    src.key_bits = info.bits;
    src.curve = type == CRPKI_KEY_EC ? info.curve : CRPKI_CURVE_NONE;
    src.algos = cr->algos;
    src.nalgos = cr->nalgos;
    src.cert.der = cr->certs[0].der;
    src.cert.len = cr->certs[0].len;
    catalog_blob *chain = NULL;
    if (cr->ncerts > 1) {
        chain = calloc(cr->ncerts - 1, sizeof *chain);
        if (!chain)
            return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
        for (size_t i = 1; i < cr->ncerts; i++) {
            chain[i - 1].der = cr->certs[i].der;
            chain[i - 1].len = cr->certs[i].len;
        }
    }
    src.chain = chain;
    src.nchain = cr->ncerts - 1;
    int ok_dn = 1;
    if (cr->subject_dn &&
        (strlen(cr->subject_dn) > CAT_MAX_STR || !text_no_controls(cr->subject_dn)))
        ok_dn = 0;
    if (cr->issuer_dn && (strlen(cr->issuer_dn) > CAT_MAX_STR || !text_no_controls(cr->issuer_dn)))
        ok_dn = 0;
    src.subject_dn = ok_dn ? cr->subject_dn : NULL;
    src.issuer_dn = ok_dn ? cr->issuer_dn : NULL;
    src.serial_hex = cr->serial_hex && text_is_hex(cr->serial_hex) && strlen(cr->serial_hex) <= 256
                         ? cr->serial_hex
                         : NULL;
    src.valid_from = cr->valid_from && text_is_gentime(cr->valid_from) ? cr->valid_from : NULL;
    src.valid_to = cr->valid_to && text_is_gentime(cr->valid_to) ? cr->valid_to : NULL;
    src.multisign = cr->multisign == 0             ? 1
                    : cr->multisign > CAT_MAX_SIGS ? CAT_MAX_SIGS
                                                   : cr->multisign;
    src.selected_at = now < 0 ? 0 : now;
    crpki_err r = catalog_entry_copy(&src, e);
    free(chain);
    if (r != CRPKI_OK)
        return fail_with(ei, r, "out of memory");
    return CRPKI_OK;
}

/* Clears a default that names id but whose provider the entry lost. */
static void drop_default(char **slot, const char *id)
{
    if (*slot && (!id || strcmp(*slot, id) == 0)) {
        free(*slot);
        *slot = NULL;
    }
}

crpki_err catalog_put(catalog_keys *cat, const rssp_credential *cr, unsigned providers,
                            int64_t now, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!cat || !cr || providers == 0 || (providers & ~(CRPKI_CAT_CSP | CRPKI_CAT_KSP)))
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no catalog or credential, or bad providers");
    catalog_entry e;
    crpki_err r = entry_from_credential(cr, providers, now, &e, ei);
    if (r != CRPKI_OK)
        return r;
    catalog_entry *old = find_id(cat, e.credential_id);
    if (!old && cat->n >= CAT_MAX_KEYS) {
        catalog_entry_free(&e);
        return fail_with(ei, CRPKI_E_INVALID_ARG, "the key catalog is full (%d keys)",
                          CAT_MAX_KEYS);
    }
    /* Take the defaults' copies first: nothing may fail after the swap. */
    char *dcsp = (providers & CRPKI_CAT_CSP) ? plat_strdup(e.credential_id) : NULL;
    char *dksp = (providers & CRPKI_CAT_KSP) ? plat_strdup(e.credential_id) : NULL;
    catalog_entry *slot = old;
    if (!slot) {
        catalog_entry *v = realloc(cat->v, (cat->n + 1) * sizeof *v);
        if (v)
            cat->v = v;
        slot = v ? &cat->v[cat->n] : NULL;
    }
    if (!slot || ((providers & CRPKI_CAT_CSP) && !dcsp) || ((providers & CRPKI_CAT_KSP) && !dksp)) {
        free(dcsp);
        free(dksp);
        catalog_entry_free(&e);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    }
    if (old)
        catalog_entry_free(old);
    else
        cat->n++;
    *slot = e;
    /* The new selection replaces the old: a provider it no longer has loses
       the default that named it. */
    if (!(providers & CRPKI_CAT_CSP))
        drop_default(&cat->default_csp, slot->credential_id);
    if (!(providers & CRPKI_CAT_KSP))
        drop_default(&cat->default_ksp, slot->credential_id);
    if (dcsp) {
        free(cat->default_csp);
        cat->default_csp = dcsp;
    }
    if (dksp) {
        free(cat->default_ksp);
        cat->default_ksp = dksp;
    }
    return CRPKI_OK;
}

crpki_err catalog_remove(catalog_keys *cat, const char *credential_id)
{
    if (!cat || !credential_id || !*credential_id)
        return CRPKI_E_INVALID_ARG;
    catalog_entry *e = find_id(cat, credential_id);
    if (!e)
        return CRPKI_E_NO_KEY;
    /* e's own copy of the ID: credential_id may be a default's string */
    drop_default(&cat->default_csp, e->credential_id);
    drop_default(&cat->default_ksp, e->credential_id);
    catalog_entry_free(e);
    size_t i = (size_t)(e - cat->v);
    memmove(&cat->v[i], &cat->v[i + 1], (cat->n - i - 1) * sizeof *cat->v);
    cat->n--;
    if (cat->n == 0) {
        free(cat->v);
        cat->v = NULL;
    }
    return CRPKI_OK;
}
