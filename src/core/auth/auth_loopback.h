/* auth_loopback: the RFC 8252 loopback redirect listener of a login
 * (auth_login.h): one HTTP
 * server on 127.0.0.1, a port the OS picks, waiting for the one request the
 * browser is redirected to, past any other. */
#ifndef CRPKI_CORE_AUTH_AUTH_LOOPBACK_H
#define CRPKI_CORE_AUTH_AUTH_LOOPBACK_H

#include "crpki/error.h"

typedef struct loopback_listener loopback_listener;

/* Listens on 127.0.0.1:0; *port receives the port. */
crpki_err loopback_open(loopback_listener **out, unsigned *port, crpki_error_info *ei);

/* Non-zero when target ("/callback?code=...&state=...") is the awaited
 * answer (rssp_login_check_redirect). */
typedef int (*loopback_accept_fn)(void *ctx, const char *target);

/* Waits up to timeout_ms for a GET of path (e.g. "/callback") that accept
 * takes (NULL: the first). Everything else is answered and waiting goes on:
 * other paths 404, a GET of path that accept refuses (a wrong state: a
 * stray page, a forged request) 400 with an error page, anything not a GET
 * 400. Connections are read side by side; one that sends nothing within a
 * few seconds is dropped without holding up the others. *target (malloc'ed)
 * receives the accepted target; its connection stays open for
 * loopback_respond. CRPKI_E_DEADLINE when the time ran out. */
crpki_err loopback_wait(loopback_listener *l, const char *path, unsigned timeout_ms,
                        loopback_accept_fn accept, void *ctx, char **target, crpki_error_info *ei);

/* While cancelled(ctx) is non-zero (polled about 5 times a second),
 * loopback_wait ends with CRPKI_E_CANCELLED. NULL: never. */
typedef int (*loopback_cancel_fn)(void *ctx);
void loopback_set_cancel(loopback_listener *l, loopback_cancel_fn cancelled, void *ctx);

/* Answers the pending request with a small HTML page (UTF-8) and closes
 * the connection. */
void loopback_respond(loopback_listener *l, int status, const char *title, const char *body_html);

void loopback_close(loopback_listener *l); /* NULL ok */

#endif
