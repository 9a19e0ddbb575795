/* csp_backend: what the CSP core needs from libcrpki, as a table of
 * functions, so the core runs natively against a fake in unit tests and
 * against the process's signing session in the DLL (csp/csp_session.c).
 * Nothing here touches the network except sign. */
#ifndef CRPKI_CSP_BACKEND_H
#define CRPKI_CSP_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "crpki/error.h"
#include "session/session.h"

typedef struct {
    /* Makes the backend ready (the session opened: configuration + log).
     * Called by every CPAcquireContext; cheap after the first. No network. */
    crpki_err (*open)(void *ctx, crpki_error_info *ei);
    /* A copy of the CSP's catalog entry named id (NULL/"": the CSP default);
     * CRPKI_E_NO_KEY when there is none. */
    crpki_err (*find_key)(void *ctx, const char *id, crpki_cat_entry *out, crpki_error_info *ei);
    /* The credential IDs selected for the CSP (free with free_ids). */
    crpki_err (*list_keys)(void *ctx, char ***ids, size_t *n, crpki_error_info *ei);
    void (*free_ids)(char **ids, size_t n);
    /* crpki_session_sign's contract (cache, silent, UI, verification). */
    crpki_err (*sign)(void *ctx, const crpki_sign_params *p, uint8_t *sig, size_t *sig_len,
                      crpki_error_info *ei);
    void *ctx;
} csp_backend;

#endif
