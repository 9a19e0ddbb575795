#include "ksp_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_why(ksp_status *st, const char *fmt, va_list ap) CRPKI_PRINTF(2, 0);
static void set_why(ksp_status *st, const char *fmt, va_list ap)
{
    vsnprintf(st->why, sizeof st->why, fmt, ap);
}

ksp_code ksp_fail(ksp_status *st, ksp_code code, const char *fmt, ...)
{
    if (st) {
        va_list ap;
        st->code = code;
        st->core = code == KSP_E_CORE ? CRPKI_E_INTERNAL : CRPKI_OK;
        va_start(ap, fmt);
        set_why(st, fmt, ap);
        va_end(ap);
    }
    return code;
}

ksp_code ksp_fail_core(ksp_status *st, crpki_err e, const char *fmt, ...)
{
    if (st) {
        va_list ap;
        st->code = KSP_E_CORE;
        st->core = e;
        va_start(ap, fmt);
        set_why(st, fmt, ap);
        va_end(ap);
    }
    return KSP_E_CORE;
}

void ksp_status_clear(ksp_status *st)
{
    if (st) {
        st->code = KSP_OK;
        st->core = CRPKI_OK;
        st->why[0] = '\0';
    }
}

const char *ksp_status_name(const ksp_status *st)
{
    static const char *const NAMES[] = {
        [KSP_OK] = "KSP_OK",
        [KSP_E_CORE] = "KSP_E_CORE",
        [KSP_E_INVALID_HANDLE] = "KSP_E_INVALID_HANDLE",
        [KSP_E_BAD_FLAGS] = "KSP_E_BAD_FLAGS",
        [KSP_E_NOT_FOUND] = "KSP_E_NOT_FOUND",
        [KSP_E_BAD_TYPE] = "KSP_E_BAD_TYPE",
        [KSP_E_NO_MORE_ITEMS] = "KSP_E_NO_MORE_ITEMS",
        [KSP_E_BAD_DATA] = "KSP_E_BAD_DATA",
    };
    if (!st)
        return "KSP_OK";
    if (st->code == KSP_E_CORE)
        return crpki_err_name(st->core);
    if ((unsigned)st->code < sizeof NAMES / sizeof NAMES[0])
        return NAMES[st->code];
    return "KSP_E_?";
}
