/* ksp_status: the one status type of the KSP core. A status names what
 * went wrong in CNG terms (the few NTE_* codes that have no crpki_err, such
 * as an invalid handle or a missing property) or carries the libcrpki
 * crpki_err behind it, plus a one-line English reason for the log. The DLL
 * boundary turns it into a SECURITY_STATUS exactly once (ksp_exports.c:
 * ksp_security_status), so the core stays free of Windows types. */
#ifndef CRPKI_KSP_STATUS_H
#define CRPKI_KSP_STATUS_H

#include "crpki/error.h"
#include "util/errbuf.h"

typedef enum {
    KSP_OK = 0,
    KSP_E_CORE,           /* st->core holds the crpki_err (errmap maps it) */
    KSP_E_INVALID_HANDLE, /* NTE_INVALID_HANDLE: unknown, freed or wrong-kind handle */
    KSP_E_BAD_FLAGS,      /* NTE_BAD_FLAGS: a flag outside the call's mask */
    KSP_E_NOT_FOUND,      /* NTE_NOT_FOUND: the property has no value */
    KSP_E_BAD_TYPE,       /* NTE_BAD_TYPE: unknown blob type or one the key cannot take */
    KSP_E_NO_MORE_ITEMS,  /* NTE_NO_MORE_ITEMS: enumeration finished */
    KSP_E_BAD_DATA,       /* NTE_BAD_DATA: a malformed key blob */
} ksp_code;

typedef struct {
    ksp_code code;
    crpki_err core; /* KSP_E_CORE only */
    char why[200];  /* English, no secrets */
} ksp_status;

/* Sets st and returns code / KSP_E_CORE. st may be NULL. */
ksp_code ksp_fail(ksp_status *st, ksp_code code, const char *fmt, ...) CRPKI_PRINTF(3, 4);
ksp_code ksp_fail_core(ksp_status *st, crpki_err e, const char *fmt, ...) CRPKI_PRINTF(3, 4);
void ksp_status_clear(ksp_status *st);

/* The code's name for logs and test messages ("KSP_E_BAD_FLAGS", or the
 * crpki_err name for KSP_E_CORE). */
const char *ksp_status_name(const ksp_status *st);

#endif
