/* prov_status: the status type both provider cores share. A status carries
 * the provider's own code (csp_code / ksp_code: the CryptoAPI or CNG failure
 * that has no crpki_err, such as a bad handle or an unknown parameter) or the
 * libcrpki crpki_err behind it, plus a one-line English reason for the log.
 * Each DLL turns it into its Windows code exactly once, at its boundary, so
 * the cores stay free of Windows types. Code 0 is success and code 1 means
 * "see core" in every provider's enum. */
#ifndef CRPKI_PROVIDER_PROV_STATUS_H
#define CRPKI_PROVIDER_PROV_STATUS_H

#include <stddef.h>

#include "crpki/error.h"
#include "base/util/errbuf.h"

#define PROV_OK     0
#define PROV_E_CORE 1

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
