/* The key catalog (catalog.h): entries, copies and lookups. */
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

catalog_entry *catalog_find_id(const catalog_keys *cat, const char *id)
{
    for (size_t i = 0; i < cat->n; i++)
        if (cat->v[i].credential_id && strcmp(cat->v[i].credential_id, id) == 0)
            return &cat->v[i];
    return NULL;
}

const catalog_entry *catalog_find(const catalog_keys *cat, const char *credential_id,
                                  unsigned provider)
{
    if (!cat ||
        (provider != CRPKI_CAT_CSP && provider != CRPKI_CAT_KSP && provider != CRPKI_CAT_ANY))
        return NULL;
    const char *id = credential_id;
    if ((!id || !*id) && provider == CRPKI_CAT_ANY)
        return NULL;
    if (!id || !*id)
        id = provider == CRPKI_CAT_CSP ? cat->default_csp : cat->default_ksp;
    if (!id)
        return NULL;
    const catalog_entry *e = catalog_find_id(cat, id);
    return e && (e->providers & provider) ? e : NULL;
}
