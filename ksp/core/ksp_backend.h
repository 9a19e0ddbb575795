/* ksp_backend: what the KSP core needs from libcrpki, as a table of
 * functions, so the core's operations run natively against a fake in unit
 * tests and against the process's signing session in the DLL
 * (ksp_backend_session.c). Nothing here touches the network except sign. */
#ifndef CRPKI_KSP_BACKEND_H
#define CRPKI_KSP_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "crpki/error.h"
#include "session/session.h"

typedef struct {
    /* Makes the backend ready (the session opened: configuration + log).
     * Called by every OpenProvider; cheap after the first. No network. */
    crpki_err (*open)(void *ctx, crpki_error_info *ei);
    /* The KSP's catalog entry named id (NULL/"": the KSP default): a copy. */
    crpki_err (*find_key)(void *ctx, const char *id, crpki_cat_entry *out, crpki_error_info *ei);
    /* The credential IDs selected for the KSP (free with free_ids). */
    crpki_err (*list_keys)(void *ctx, char ***ids, size_t *n, crpki_error_info *ei);
    void (*free_ids)(char **ids, size_t n);
    /* crpki_session_sign's contract. */
    crpki_err (*sign)(void *ctx, const crpki_sign_params *p, uint8_t *sig, size_t *sig_len,
                      crpki_error_info *ei);
    /* DeleteKey: drops the KSP's local association with the credential (the
     * catalog entry's KSP selection); never the key in the service. */
    crpki_err (*forget_key)(void *ctx, const char *id, crpki_error_info *ei);
    void *ctx;
} ksp_backend;

/* The backend the operations use (ksp_ops.c); set once at start-up. */
void ksp_set_backend(const ksp_backend *b);

/* The DLL's backend: the process-wide crpki_session, opened lazily. */
const ksp_backend *ksp_session_backend(void);

#endif
