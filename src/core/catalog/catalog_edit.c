/* Changing the catalog in memory (catalog.h: catalog_put, catalog_remove);
 * catalog_save writes it. */
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

/* ---- changes ----------------------------------------------------------------------- */

/* Clears a default that names id but whose provider the entry lost. */
static void drop_default(char **slot, const char *id)
{
    if (*slot && (!id || strcmp(*slot, id) == 0)) {
        free(*slot);
        *slot = NULL;
    }
}

crpki_err catalog_put(catalog_keys *cat, catalog_entry *in, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!cat || !in || !in->credential_id || !in->credential_id[0])
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no catalog or entry");
    unsigned providers = in->providers;
    if (providers == 0 || (providers & ~(CRPKI_CAT_CSP | CRPKI_CAT_KSP)))
        return fail_with(ei, CRPKI_E_INVALID_ARG, "bad providers");
    catalog_entry e = *in;
    catalog_entry *old = catalog_find_id(cat, e.credential_id);
    if (!old && cat->n >= CATALOG_MAX_KEYS)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "the key catalog is full (%d keys)",
                         CATALOG_MAX_KEYS);
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
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    }
    if (old)
        catalog_entry_free(old);
    else
        cat->n++;
    *slot = e;
    memset(in, 0, sizeof *in);
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
    catalog_entry *e = catalog_find_id(cat, credential_id);
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

crpki_err catalog_unselect(catalog_keys *cat, const char *credential_id, unsigned provider)
{
    if (!cat || !credential_id || (provider != CRPKI_CAT_CSP && provider != CRPKI_CAT_KSP))
        return CRPKI_E_INVALID_ARG;
    catalog_entry *e = catalog_find_id(cat, credential_id);
    if (!e || !(e->providers & provider))
        return CRPKI_E_NO_KEY;
    drop_default(provider == CRPKI_CAT_CSP ? &cat->default_csp : &cat->default_ksp,
                 e->credential_id);
    e->providers &= ~provider;
    return e->providers ? CRPKI_OK : catalog_remove(cat, e->credential_id);
}
