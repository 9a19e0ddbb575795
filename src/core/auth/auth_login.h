/* auth_login: one gBizID login in the system browser, as the guideline's
 * login function wants it, for `crpki-mgmt login`, the management window and
 * a signature whose login has expired (the provider's login dialog):
 * authorization code + PKCE + state (rssp_login_*), the browser redirected to
 * a loopback listener on 127.0.0.1 (RFC 8252, auth_loopback.h), the code
 * exchanged and the tokens stored protected (crpki_auth_save_login). The URL
 * carries no secret (PKCE sends only the challenge), so it may be shown. */
#ifndef CRPKI_CORE_AUTH_AUTH_LOGIN_H
#define CRPKI_CORE_AUTH_AUTH_LOGIN_H

#include <stdint.h>

#include "crpki/auth.h"
#include "crpki/error.h"
#include "crpki/rssp_client.h"

#define AUTH_LOGIN_DEFAULT_TIMEOUT_S 300

typedef struct {
    unsigned timeout_s; /* the wait for the browser; 0: AUTH_LOGIN_DEFAULT_TIMEOUT_S */
    int no_browser;     /* do not start a browser: the URL is only shown */
    /* The login URL, once known, and whether a browser was started for it:
     * show it, for when no browser comes up. NULL: not shown. */
    void (*on_url)(void *ctx, const char *url, int browser_started);
    /* Polled about 5 times a second while waiting: non-zero ends the login
     * with CRPKI_E_CANCELLED. NULL: never. */
    int (*cancelled)(void *ctx);
    void *ctx;
} auth_login_opts;

/* Runs the login through client c and stores the tokens in a. *access_expires
 * (may be NULL) receives the new access token's expiry (Unix time).
 * CRPKI_E_DEADLINE when the browser did not come back in time,
 * CRPKI_E_CANCELLED, CRPKI_E_DENIED when consent was refused, the client's
 * and the token store's errors. */
crpki_err auth_login_browser(rssp_client *c, crpki_auth *a, const auth_login_opts *o,
                             int64_t *access_expires, crpki_error_info *ei);

#endif
