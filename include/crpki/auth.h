/* auth: the login state of the current user, and the rssp_client token
 * source over it. Tokens live in home/tokens.dat: DPAPI-protected
 * (CryptProtectData, current user) on Windows, a 0600 file on Linux; always
 * replaced atomically. Refresh is serialized across processes (named mutex on
 * Windows, flock on Linux): of two applications finding the access token
 * expired at once, one refreshes, the other takes the result, so the rotated
 * refresh token is never presented twice. Secrets are never logged. */
#ifndef CRPKI_AUTH_H
#define CRPKI_AUTH_H

#include <stdint.h>

#include "crpki/error.h"
#include "crpki/rssp_client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crpki_auth crpki_auth;

/* Binds the token store of home to client (which must outlive it) and sets
 * itself as the client's token source. No I/O. */
crpki_err crpki_auth_new(const char *home, rssp_client *client, crpki_auth **out,
                         crpki_error_info *ei);
void crpki_auth_free(crpki_auth *a);

/* The token store of home with no service behind it: for what needs no
 * network (the status, the proxy password, deleting the local login when no
 * service_url is set). Refresh fails with CRPKI_E_CONFIG; logout deletes the
 * local tokens without revoking them. */
crpki_err crpki_auth_new_offline(const char *home, crpki_auth **out, crpki_error_info *ei);

/* Stores the tokens of a completed login (rssp_login_finish). */
crpki_err crpki_auth_save_login(crpki_auth *a, const rssp_tokens *t, crpki_error_info *ei);

typedef struct {
    int logged_in;             /* a refresh token is stored */
    int64_t access_expires_at; /* Unix time, 0 if none */
    int64_t saved_at;          /* when the store was last written */
} crpki_auth_status;
crpki_err crpki_auth_get_status(crpki_auth *a, crpki_auth_status *st, crpki_error_info *ei);

/* Revokes the login at the service (best effort: a network failure is
 * reported in ei but the local tokens are deleted anyway) and deletes them. */
crpki_err crpki_auth_logout(crpki_auth *a, crpki_error_info *ei);

/* Extra secret kept beside the tokens, protected the same way: the proxy
 * password. NULL deletes it. *out malloc'ed, NULL if none. */
crpki_err crpki_auth_set_proxy_password(crpki_auth *a, const char *password, crpki_error_info *ei);
crpki_err crpki_auth_get_proxy_password(const char *home, char **out, crpki_error_info *ei);

#ifdef __cplusplus
}
#endif

#endif
