/* The DLL's backend of the core: the process-wide crpki_session, opened
 * lazily by the first CPAcquireContext under a once (configuration and log
 * only; no network until a signature). A failed open is retried by the next
 * acquire. The key catalog is read for the CSP's selection (CRPKI_CAT_CSP). */
#include <windows.h>

#include "csp_win.h"
#include "log/log.h"
#include "session/session.h"

static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;
static crpki_session *g_session;

typedef struct {
    crpki_err err;
    crpki_error_info *ei;
} open_args;

static BOOL CALLBACK open_once(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    open_args *a = param;
    a->err = crpki_session_open(NULL, &g_session, a->ei);
    if (a->err != CRPKI_OK)
        return FALSE;
    /* advapi32 unloads a CSP when its last context is released; the session
     * (client, UI threads, signature cache) lives for the process. */
    HMODULE self;
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                            (LPCWSTR)(void *)&g_once, &self))
        crpki_log(CRPKI_LOG_WARN, "csp", "could not pin crpkicsp.dll (%lu)",
                  (unsigned long)GetLastError());
    crpki_log(CRPKI_LOG_INFO, "csp", "session opened for %s", crpki_session_program());
    return TRUE;
}

static crpki_err be_open(void *ctx, crpki_error_info *ei)
{
    open_args a = {CRPKI_OK, ei};
    if (!InitOnceExecuteOnce(&g_once, open_once, &a, NULL))
        return a.err != CRPKI_OK ? a.err : CRPKI_E_INTERNAL;
    return CRPKI_OK;
}

static crpki_err be_find_key(void *ctx, const char *id, crpki_cat_entry *out, crpki_error_info *ei)
{
    return crpki_session_find_key(g_session, id, CRPKI_CAT_CSP, out, ei);
}

static crpki_err be_list_keys(void *ctx, char ***ids, size_t *n, crpki_error_info *ei)
{
    return crpki_session_list_keys(g_session, CRPKI_CAT_CSP, ids, n, ei);
}

static crpki_err be_sign(void *ctx, const crpki_sign_params *p, uint8_t *sig, size_t *sig_len,
                         crpki_error_info *ei)
{
    return crpki_session_sign(g_session, p, sig, sig_len, ei);
}

static const csp_backend BACKEND = {
    .open = be_open,
    .find_key = be_find_key,
    .list_keys = be_list_keys,
    .free_ids = crpki_session_free_ids,
    .sign = be_sign,
    .ctx = NULL,
};

const csp_backend *csp_session_backend(void)
{
    return &BACKEND;
}
