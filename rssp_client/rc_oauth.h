/* rc_oauth: OAuth 2.0 against gBizID's stand-in (docs/protocol.md "OAuth
 * 2.0"): PKCE S256 login (RFC 7636, RFC 8252 loopback redirect), code
 * exchange, refresh with rotation, revocation. The public functions are in
 * rssp_client.h; these pure pieces are exposed for tests. */
#ifndef CRPKI_RSSP_CLIENT_RC_OAUTH_H
#define CRPKI_RSSP_CLIENT_RC_OAUTH_H

#include "crpki/error.h"

#define RC_VERIFIER_BYTES 48 /* 64 base64url characters (RFC 7636: 43-128) */
#define RC_STATE_BYTES    24 /* 32 characters */

/* base64url(SHA-256(verifier)) without padding: 43 characters + NUL. 0, or -1. */
int rc_pkce_challenge(const char *verifier, char out[44]);

/* base "/oauth2/authorize?response_type=code&client_id=...&redirect_uri=...
 * &code_challenge=...&code_challenge_method=S256&state=...&scope=service",
 * every value percent-encoded. malloc'ed, NULL on allocation failure. */
char *rc_login_url_build(const char *base, const char *client_id, const char *redirect_uri,
                         const char *challenge, const char *state);

#endif
