#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "base/platform/plat_proc.h"
#include "base/platform/plat_thread.h"
#include "prov_backend.h"

static plat_mutex *g_mu;
static signing_session *g_session;
static unsigned long g_pid; /* the process g_mu and g_session belong to */
/* A forked child's copy of its parent's: kept reachable (volatile, so the
 * stores stay), never used. */
static plat_mutex *volatile g_left_mu;
static signing_session *volatile g_left_session;

static unsigned which_of(const void *ctx)
{
    return *(const unsigned *)ctx;
}

static const char *who_of(unsigned which)
{
    return which == CRPKI_CAT_CSP ? "csp" : which == CRPKI_CAT_KSP ? "ksp" : "pkcs11";
}

static crpki_err s_open(void *ctx, crpki_error_info *ei)
{
    crpki_err e = CRPKI_OK;
    plat_mutex_lock(g_mu);
    if (!g_session) {
        e = signing_open(NULL, &g_session, ei);
        if (e == CRPKI_OK) {
            const char *who = who_of(which_of(ctx));
            if (plat_pin_module((const void *)&g_session) != 0)
                log_write(CRPKI_LOG_WARN, who, "could not pin the provider DLL");
            log_write(CRPKI_LOG_INFO, who, "session opened for %s", signing_program());
        }
    }
    plat_mutex_unlock(g_mu);
    return e;
}

static signing_session *session(void)
{
    plat_mutex_lock(g_mu);
    signing_session *s = g_session;
    plat_mutex_unlock(g_mu);
    return s;
}

static crpki_err s_find(void *ctx, const char *id, catalog_entry *out, crpki_error_info *ei)
{
    signing_session *s = session();
    return s ? signing_find_key(s, id, which_of(ctx), out, ei) : CRPKI_E_INTERNAL;
}

static crpki_err s_list(void *ctx, char ***ids, size_t *n, crpki_error_info *ei)
{
    signing_session *s = session();
    return s ? signing_list_keys(s, which_of(ctx), ids, n, ei) : CRPKI_E_INTERNAL;
}

static crpki_err s_sign(void *ctx, const signing_params *p, uint8_t *sig, size_t *sig_len,
                        crpki_error_info *ei)
{
    (void)ctx;
    signing_session *s = session();
    return s ? signing_sign(s, p, sig, sig_len, ei) : CRPKI_E_INTERNAL;
}

static void s_cancel(void *ctx)
{
    (void)ctx;
    signing_session *s = session();
    if (s)
        signing_cancel(s);
}

/* Clears the provider's bit in the entry's selection (and the default),
 * removing the entry when no provider uses it any more. */
static crpki_err s_forget(void *ctx, const char *id, crpki_error_info *ei)
{
    unsigned which = which_of(ctx);
    signing_session *s = session();
    if (!s)
        return CRPKI_E_INTERNAL;
    const crpki_config *cfg = signing_config(s);
    catalog_keys cat;
    crpki_err e = catalog_load(cfg->home, &cat, ei);
    if (e != CRPKI_OK)
        return e;
    e = catalog_unselect(&cat, id, which);
    if (e == CRPKI_OK)
        e = catalog_save(cfg->home, &cat, ei);
    catalog_free(&cat);
    return e;
}

const prov_backend *prov_session_backend(unsigned which)
{
    static unsigned which_ctx[3] = {CRPKI_CAT_CSP, CRPKI_CAT_KSP, CRPKI_CAT_ANY};
    static prov_backend backend[3];
    if (g_mu && g_pid != plat_pid()) {
        /* A forked child (the PKCS#11 module's C_Initialize after fork): the
           parent's lock may be held by a thread that does not exist here and
           its session's client and UI threads are not ours. Both are left
           behind, never touched again; the child opens its own. */
        g_left_mu = g_mu;
        g_left_session = g_session;
        g_mu = NULL;
        g_session = NULL;
    }
    if (!g_mu) {
        g_mu = plat_mutex_new();
        g_pid = plat_pid();
    }
    if (!g_mu)
        return NULL;
    size_t i = which == CRPKI_CAT_CSP ? 0 : which == CRPKI_CAT_KSP ? 1 : 2;
    backend[i] = (prov_backend){
        .open = s_open,
        .find_key = s_find,
        .list_keys = s_list,
        .free_ids = signing_free_ids,
        .sign = s_sign,
        .forget_key = s_forget,
        .cancel = s_cancel,
        .ctx = &which_ctx[i],
    };
    return &backend[i];
}
