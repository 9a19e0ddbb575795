/* The DLL's backend: one crpki_session per process, opened at the first
 * OpenProvider (configuration and log only: no network, no token read) and
 * kept for the process's life (it holds the signature cache). */
#include <stdlib.h>
#include <string.h>

#include "ksp_backend.h"
#include "ksp_handle.h"

static crpki_session *g_session;

static crpki_err s_open(void *ctx, crpki_error_info *ei)
{
    (void)ctx;
    crpki_err e = CRPKI_OK;
    ksp_handle_lock();
    if (!g_session)
        e = crpki_session_open(NULL, &g_session, ei);
    ksp_handle_unlock();
    return e;
}

static crpki_session *session(void)
{
    ksp_handle_lock();
    crpki_session *s = g_session;
    ksp_handle_unlock();
    return s;
}

static crpki_err s_find(void *ctx, const char *id, crpki_cat_entry *out, crpki_error_info *ei)
{
    (void)ctx;
    crpki_session *s = session();
    if (!s)
        return CRPKI_E_INTERNAL;
    return crpki_session_find_key(s, id, CRPKI_CAT_KSP, out, ei);
}

static crpki_err s_list(void *ctx, char ***ids, size_t *n, crpki_error_info *ei)
{
    (void)ctx;
    crpki_session *s = session();
    if (!s)
        return CRPKI_E_INTERNAL;
    return crpki_session_list_keys(s, CRPKI_CAT_KSP, ids, n, ei);
}

static crpki_err s_sign(void *ctx, const crpki_sign_params *p, uint8_t *sig, size_t *sig_len,
                        crpki_error_info *ei)
{
    (void)ctx;
    crpki_session *s = session();
    if (!s)
        return CRPKI_E_INTERNAL;
    return crpki_session_sign(s, p, sig, sig_len, ei);
}

static crpki_err s_forget(void *ctx, const char *id, crpki_error_info *ei)
{
    (void)ctx;
    crpki_session *s = session();
    if (!s)
        return CRPKI_E_INTERNAL;
    const crpki_config *cfg = crpki_session_config(s);
    crpki_catalog cat;
    crpki_err e = crpki_catalog_load(cfg->home, &cat, ei);
    if (e != CRPKI_OK)
        return e;
    e = CRPKI_E_NO_KEY;
    for (size_t i = 0; i < cat.n; i++) {
        crpki_cat_entry *en = &cat.v[i];
        if (strcmp(en->credential_id, id) != 0 || !(en->providers & CRPKI_CAT_KSP))
            continue;
        if (cat.default_ksp && strcmp(cat.default_ksp, id) == 0) {
            free(cat.default_ksp);
            cat.default_ksp = NULL;
        }
        en->providers &= ~CRPKI_CAT_KSP;
        e = en->providers ? CRPKI_OK : crpki_catalog_remove(&cat, id);
        if (e == CRPKI_OK)
            e = crpki_catalog_save(cfg->home, &cat, ei);
        break;
    }
    crpki_catalog_free(&cat);
    return e;
}

static const ksp_backend SESSION_BACKEND = {
    s_open, s_find, s_list, crpki_session_free_ids, s_sign, s_forget, NULL,
};

const ksp_backend *ksp_session_backend(void)
{
    return &SESSION_BACKEND;
}
