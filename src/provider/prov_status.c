#include "prov_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set(prov_status *st, int code, crpki_err core, const char *fmt, va_list ap)
    CRPKI_PRINTF(4, 0);
static void set(prov_status *st, int code, crpki_err core, const char *fmt, va_list ap)
{
    st->code = code;
    st->core = core;
    vsnprintf(st->why, sizeof st->why, fmt, ap);
}

int prov_fail(prov_status *st, int code, const char *fmt, ...)
{
    if (st) {
        va_list ap;
        va_start(ap, fmt);
        /* a bare PROV_E_CORE without an error is an internal one */
        set(st, code, code == PROV_E_CORE ? CRPKI_E_INTERNAL : CRPKI_OK, fmt, ap);
        va_end(ap);
    }
    return code;
}

int prov_fail_core(prov_status *st, crpki_err e, const char *fmt, ...)
{
    if (st) {
        va_list ap;
        va_start(ap, fmt);
        set(st, PROV_E_CORE, e, fmt, ap);
        va_end(ap);
    }
    return PROV_E_CORE;
}

void prov_status_clear(prov_status *st)
{
    if (st)
        memset(st, 0, sizeof *st);
}

const char *prov_status_name(const prov_status *st, const char *const *names, size_t n,
                             const char *unknown)
{
    int code = st ? st->code : PROV_OK;
    if (code == PROV_E_CORE)
        return crpki_err_name(st->core);
    if (code >= 0 && (size_t)code < n && names[code])
        return names[code];
    return unknown;
}
