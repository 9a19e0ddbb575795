/* The CSP's handle table (csp_handle.h) over the provider layer's. */
#include "csp_handle.h"

static prov_table csp_handles = PROV_TABLE_INIT(0xC5B1);

static csp_code bad(csp_status *st, csp_kind kind)
{
    switch (kind) {
    case CSP_KIND_PROV:
        return csp_fail(st, CSP_E_BAD_UID, "not a live provider handle");
    case CSP_KIND_HASH:
        return csp_fail(st, CSP_E_BAD_HASH, "not a live hash handle of this context");
    default:
        return csp_fail(st, CSP_E_BAD_KEY, "not a live key handle of this context");
    }
}

crpki_err csp_handle_init(void)
{
    return prov_table_init(&csp_handles);
}

csp_code csp_handle_new(csp_obj *o, uintptr_t *h, csp_status *st)
{
    crpki_err e = prov_handle_new(&csp_handles, o, h);
    return e == CRPKI_OK ? CSP_OK : csp_fail_core(st, e, "no new handle");
}

csp_code csp_handle_get(uintptr_t h, csp_kind kind, csp_obj **o, csp_status *st)
{
    *o = NULL;
    return prov_handle_get(&csp_handles, h, kind, o) ? CSP_OK : bad(st, kind);
}

csp_code csp_handle_get_owned(uintptr_t prov, uintptr_t h, csp_kind kind, csp_obj **o,
                              csp_status *st)
{
    int prov_ok = 0;
    *o = NULL;
    if (prov_handle_get_owned(&csp_handles, prov, CSP_KIND_PROV, h, kind, o, &prov_ok))
        return CSP_OK;
    return bad(st, prov_ok ? kind : CSP_KIND_PROV);
}

csp_code csp_handle_free(uintptr_t h, csp_kind kind, csp_status *st)
{
    return prov_handle_free(&csp_handles, h, kind) ? CSP_OK : bad(st, kind);
}

void csp_handle_free_owned(uintptr_t owner)
{
    prov_handle_free_owned(&csp_handles, owner);
}

void csp_obj_put(csp_obj *o)
{
    prov_obj_put(&csp_handles, o);
}

size_t csp_handle_live(csp_kind kind)
{
    return prov_handle_live(&csp_handles, kind);
}

void csp_handle_lock(void)
{
    prov_table_lock(&csp_handles);
}

void csp_handle_unlock(void)
{
    prov_table_unlock(&csp_handles);
}
