/* prov_status: the status type both provider cores share. A status carries
 * the provider's own code (csp_code / ksp_code: the CryptoAPI or CNG failure
 * that has no crpki_err, such as a bad handle or an unknown parameter) or the
 * libcrpki crpki_err behind it, plus a one-line English reason for the log.
 * Each DLL turns it into its Windows code exactly once, at its boundary, so
 * the cores stay free of Windows types. The codes below 16 mean the same in
 * every provider's enum (each DLL maps them to its own Windows code, once);
 * a provider's own codes start at PROV_E_OWN. */
#ifndef CRPKI_PROVIDER_PROV_STATUS_H
#define CRPKI_PROVIDER_PROV_STATUS_H

#include <stddef.h>

#include "crpki/error.h"
#include "base/util/errbuf.h"

#define PROV_OK              0
#define PROV_E_CORE          1 /* st->core holds the crpki_err behind it */
#define PROV_E_INVALID_ARG   2 /* a NULL or impossible pointer, length or value */
#define PROV_E_MORE_DATA     3 /* the caller's buffer is short; the size was returned */
#define PROV_E_NOT_SUPPORTED 4 /* an operation, parameter or property not offered */
#define PROV_E_BAD_HANDLE    5 /* not a live handle of the kind the call takes */
#define PROV_E_BAD_FLAGS     6 /* a flag outside the call's mask */
#define PROV_E_NO_MORE_ITEMS 7 /* an enumeration is finished */
#define PROV_E_BAD_TYPE      8 /* an unknown parameter, property or blob type */
#define PROV_E_BAD_DATA      9 /* a malformed key blob */
#define PROV_E_OWN           16

typedef struct {
    int code;       /* the provider's code enum */
    crpki_err core; /* PROV_E_CORE only */
    char why[200];  /* English, no secrets */
} prov_status;

/* Sets st (code, reason) and returns code. st may be NULL. */
int prov_fail(prov_status *st, int code, const char *fmt, ...) CRPKI_PRINTF(3, 4);
/* Sets st to PROV_E_CORE with e and returns PROV_E_CORE. st may be NULL. */
int prov_fail_core(prov_status *st, crpki_err e, const char *fmt, ...) CRPKI_PRINTF(3, 4);
void prov_status_clear(prov_status *st);

/* The code's name for logs and test messages: names[code] (a provider's
 * table of n names), or the crpki_err name for PROV_E_CORE, or unknown. */
const char *prov_status_name(const prov_status *st, const char *const *names, size_t n,
                             const char *unknown);

#endif
