/* Writing keys.json (catalog.h: catalog_format, catalog_save): only what
 * would load back, atomically. */
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

/* ---- writing ---------------------------------------------------------------------- */

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *blob_b64(const catalog_blob *b)
{
    char *s = base64_encode_alloc(b->der, b->len);
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
    const char *curve = e->key_type == CRPKI_KEY_EC ? catalog_curve_name(e->curve) : NULL;
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

crpki_err catalog_format(const catalog_keys *cat, char **json, size_t *len, crpki_error_info *ei)
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
