/* prov_backend: what a provider core needs from libcrpki, as a table of
 * functions, so the cores (csp/core, ksp/core) run natively against a fake
 * in unit tests and against the process's signing session in the DLLs
 * (prov_session.c). Nothing here touches the network except sign. */
#ifndef CRPKI_PROVIDER_PROV_BACKEND_H
#define CRPKI_PROVIDER_PROV_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog/catalog.h"
#include "crpki/error.h"
#include "core/signing/signing.h"

typedef struct {
    /* Makes the backend ready (the session opened: configuration + log).
     * Called by every CPAcquireContext / OpenProvider; cheap after the
     * first; a failure is retried by the next call. No network. */
    crpki_err (*open)(void *ctx, crpki_error_info *ei);
    /* A copy of the provider's catalog entry named id (NULL/"": the
     * provider's default); CRPKI_E_NO_KEY when there is none. */
    crpki_err (*find_key)(void *ctx, const char *id, catalog_entry *out, crpki_error_info *ei);
    /* The credential IDs selected for the provider (free with free_ids). */
    crpki_err (*list_keys)(void *ctx, char ***ids, size_t *n, crpki_error_info *ei);
    void (*free_ids)(char **ids, size_t n);
    /* signing_sign's contract (cache, silent, UI, verification). */
    crpki_err (*sign)(void *ctx, const signing_params *p, uint8_t *sig, size_t *sig_len,
                      crpki_error_info *ei);
    /* Drops the provider's local association with the credential (its
     * catalog selection); never the key in the service. NCryptDeleteKey. */
    crpki_err (*forget_key)(void *ctx, const char *id, crpki_error_info *ei);
    /* Makes every sign waiting now end with CRPKI_E_CANCELLED (signing_cancel):
     * the library is being shut down under it. NULL: the provider has none. */
    void (*cancel)(void *ctx);
    void *ctx;
} prov_backend;

/* The DLLs' backend: one signing_session per process, opened by the first
 * open (configuration and log only: no network, no token read) and kept for
 * the process's life, with the DLL pinned (the session holds the signature
 * cache and the approval UI's threads). which: CRPKI_CAT_CSP,
 * CRPKI_CAT_KSP or CRPKI_CAT_ANY (the PKCS#11 module), the catalog
 * selection the provider reads. Call from DllMain's PROCESS_ATTACH or
 * under the caller's own once (it creates its lock; not thread-safe); NULL
 * when out of memory. Called again in a forked child, it starts afresh:
 * the parent's session is left behind, never used. */
const prov_backend *prov_session_backend(unsigned which);

#endif
