/* auth internals: crpki_auth over a replaceable set of service operations.
 * auth_core.c holds all the logic and knows nothing of rssp_client;
 * auth_rssp.c binds it to the client (crpki_auth_new). Tests build a
 * crpki_auth with fake operations through auth_new_with_ops. */
#ifndef CRPKI_CORE_AUTH_AUTH_INTERNAL_H
#define CRPKI_CORE_AUTH_AUTH_INTERNAL_H

#include <stddef.h>

#include "crpki/auth.h"

/* An access token is used while it has more than this left (or a quarter
 * of its lifetime, when that is less: see access_usable). */
#define CRPKI_AUTH_MARGIN_S 30
/* How long a refresh (or any store update) waits for another one. */
#define CRPKI_AUTH_LOCK_TIMEOUT_MS 30000

typedef struct {
    void *ctx;
    /* the refresh grant: CRPKI_E_NOT_LOGGED_IN when the service refuses the
     * refresh token (invalid_grant) */
    crpki_err (*refresh)(void *ctx, const char *refresh_token, rssp_tokens *out,
                         crpki_error_info *ei);
    void (*free_tokens)(rssp_tokens *t); /* releases refresh's output */
    crpki_err (*revoke)(void *ctx, const char *token, crpki_error_info *ei);
    void (*detach)(void *ctx); /* optional: crpki_auth_free unbinds the client */
} auth_ops;

crpki_err auth_new_with_ops(const char *home, const auth_ops *ops, crpki_auth **out,
                            crpki_error_info *ei);

/* The rssp_token_source over a (ctx = a). */
void auth_token_source(crpki_auth *a, rssp_token_source *src);

/* The two halves of the token source, with error details. */
crpki_err auth_get_access(crpki_auth *a, char *buf, size_t bufsz, crpki_error_info *ei);
crpki_err auth_refresh(crpki_auth *a, const char *refused, char *buf, size_t bufsz,
                       crpki_error_info *ei);

/* Tests: a shorter lock wait than CRPKI_AUTH_LOCK_TIMEOUT_MS. */
void auth_set_lock_timeout(crpki_auth *a, unsigned ms);

#endif
