#include "csp_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const NAMES[] = {
    [CSP_OK] = "CSP_OK",
    [CSP_E_CORE] = "CSP_E_CORE",
    [CSP_E_INVALID_PARAM] = "CSP_E_INVALID_PARAM",
    [CSP_E_MORE_DATA] = "CSP_E_MORE_DATA",
    [CSP_E_NO_MORE_ITEMS] = "CSP_E_NO_MORE_ITEMS",
    [CSP_E_BAD_UID] = "CSP_E_BAD_UID",
    [CSP_E_BAD_HASH] = "CSP_E_BAD_HASH",
    [CSP_E_BAD_KEY] = "CSP_E_BAD_KEY",
    [CSP_E_BAD_FLAGS] = "CSP_E_BAD_FLAGS",
    [CSP_E_BAD_TYPE] = "CSP_E_BAD_TYPE",
    [CSP_E_BAD_ALGID] = "CSP_E_BAD_ALGID",
    [CSP_E_BAD_HASH_STATE] = "CSP_E_BAD_HASH_STATE",
    [CSP_E_NO_KEY] = "CSP_E_NO_KEY",
    [CSP_E_EXISTS] = "CSP_E_EXISTS",
    [CSP_E_BAD_KEYSET] = "CSP_E_BAD_KEYSET",
    [CSP_E_BAD_DATA] = "CSP_E_BAD_DATA",
    [CSP_E_BAD_VER] = "CSP_E_BAD_VER",
    [CSP_E_BAD_SIGNATURE] = "CSP_E_BAD_SIGNATURE",
    [CSP_E_BAD_KEY_STATE] = "CSP_E_BAD_KEY_STATE",
    [CSP_E_NOT_SUPPORTED] = "CSP_E_NOT_SUPPORTED",
    [CSP_E_BAD_LEN] = "CSP_E_BAD_LEN",
};

static void set_why(csp_status *st, const char *fmt, va_list ap) CRPKI_PRINTF(2, 0);
static void set_why(csp_status *st, const char *fmt, va_list ap)
{
    vsnprintf(st->why, sizeof(st->why), fmt, ap);
}

csp_code csp_fail(csp_status *st, csp_code code, const char *fmt, ...)
{
    if (st) {
        va_list ap;
        st->code = code;
        st->core = CRPKI_OK;
        va_start(ap, fmt);
        set_why(st, fmt, ap);
        va_end(ap);
    }
    return code;
}

csp_code csp_fail_core(csp_status *st, crpki_err e, const char *fmt, ...)
{
    if (st) {
        va_list ap;
        st->code = CSP_E_CORE;
        st->core = e;
        va_start(ap, fmt);
        set_why(st, fmt, ap);
        va_end(ap);
    }
    return CSP_E_CORE;
}

void csp_status_clear(csp_status *st)
{
    if (st)
        memset(st, 0, sizeof(*st));
}

const char *csp_status_name(const csp_status *st)
{
    if (!st)
        return "CSP_OK";
    if (st->code == CSP_E_CORE)
        return crpki_err_name(st->core);
    if ((unsigned)st->code < sizeof(NAMES) / sizeof(NAMES[0]) && NAMES[st->code])
        return NAMES[st->code];
    return "CSP_E_?";
}
