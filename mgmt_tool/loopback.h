/* loopback: the RFC 8252 loopback redirect listener of `login`: one HTTP
 * server on 127.0.0.1, a port the OS picks, waiting for the one request the
 * browser is redirected to. */
#ifndef CRPKI_MGMT_TOOL_LOOPBACK_H
#define CRPKI_MGMT_TOOL_LOOPBACK_H

#include "crpki/error.h"

typedef struct loopback_listener loopback_listener;

/* Listens on 127.0.0.1:0; *port receives the port. */
crpki_err loopback_open(loopback_listener **out, unsigned *port, crpki_error_info *ei);

/* Waits up to timeout_ms for a GET of path (e.g. "/callback"); other
 * requests are answered 404 and waiting goes on; a connection that sends
 * nothing within a few seconds is dropped. *target (malloc'ed) receives the
 * request target ("/callback?code=...&state=..."); the connection stays
 * open for loopback_respond. CRPKI_E_DEADLINE when the time ran out. */
crpki_err loopback_wait(loopback_listener *l, const char *path, unsigned timeout_ms, char **target,
                        crpki_error_info *ei);

/* Answers the pending request with a small HTML page (UTF-8) and closes
 * the connection. */
void loopback_respond(loopback_listener *l, int status, const char *title, const char *body_html);

void loopback_close(loopback_listener *l); /* NULL ok */

#endif
