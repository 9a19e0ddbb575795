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
    KSP_E_INVALID_HANDLE,     /* NTE_INVALID_HANDLE: unknown, freed or wrong-kind handle */
    KSP_E_BAD_FLAGS,          /* NTE_BAD_FLAGS: a flag outside the call's mask */
    KSP_E_NOT_FOUND,          /* NTE_NOT_FOUND: the property has no value */
    KSP_E_BAD_TYPE,           /* NTE_BAD_TYPE: unknown blob type or one the key cannot take */
    KSP_E_NO_MORE_ITEMS,      /* NTE_NO_MORE_ITEMS: enumeration finished */
    KSP_E_BAD_DATA,           /* NTE_BAD_DATA: a malformed key blob */
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
