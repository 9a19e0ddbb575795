/* ksp_status: the KSP core's codes in the providers' shared status type
 * (src/provider/prov_status.h). A code names what went wrong in CNG terms
 * (the few NTE_* codes that have no crpki_err, such as an invalid handle or
 * a missing property) or KSP_E_CORE carries the libcrpki crpki_err behind
 * it. The DLL boundary turns it into a SECURITY_STATUS exactly once
 * (ksp_exports.c: ksp_security_status), so the core stays free of Windows
 * types. */
#ifndef CRPKI_KSP_CORE_KSP_STATUS_H
#define CRPKI_KSP_CORE_KSP_STATUS_H

#include "provider/prov_status.h"

typedef enum {
    KSP_OK = PROV_OK,
    KSP_E_CORE = PROV_E_CORE, /* st->core holds the crpki_err (errmap maps it) */
    /* the shared cases */
    KSP_E_INVALID_ARG = PROV_E_INVALID_ARG,     /* NTE_INVALID_PARAMETER */
    KSP_E_MORE_DATA = PROV_E_MORE_DATA,         /* NTE_BUFFER_TOO_SMALL: the size was returned */
    KSP_E_NOT_SUPPORTED = PROV_E_NOT_SUPPORTED, /* NTE_NOT_SUPPORTED */
    KSP_E_INVALID_HANDLE = PROV_E_BAD_HANDLE,   /* NTE_INVALID_HANDLE: unknown, freed, wrong kind */
    KSP_E_BAD_FLAGS = PROV_E_BAD_FLAGS,         /* NTE_BAD_FLAGS */
    KSP_E_NO_MORE_ITEMS = PROV_E_NO_MORE_ITEMS, /* NTE_NO_MORE_ITEMS: enumeration finished */
    KSP_E_BAD_TYPE =
        PROV_E_BAD_TYPE, /* NTE_BAD_TYPE: unknown blob type or one the key cannot take */
    KSP_E_BAD_DATA = PROV_E_BAD_DATA, /* NTE_BAD_DATA: a malformed key blob */
    /* the KSP's own */
    KSP_E_NOT_FOUND = PROV_E_OWN, /* NTE_NOT_FOUND: the property has no value */
} ksp_code;

typedef prov_status ksp_status; /* .code is a ksp_code */

/* Set st and return the code (KSP_E_CORE for ksp_fail_core). st may be NULL. */
#define ksp_fail(st, code, ...)   ((ksp_code)prov_fail((st), (code), __VA_ARGS__))
#define ksp_fail_core(st, e, ...) ((ksp_code)prov_fail_core((st), (e), __VA_ARGS__))
#define ksp_status_clear(st)      prov_status_clear(st)

/* The code's name for logs and test messages ("KSP_E_BAD_FLAGS", or the
 * crpki_err name for KSP_E_CORE). */
const char *ksp_status_name(const ksp_status *st);

#endif
