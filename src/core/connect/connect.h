/* connect: the one path from a loaded configuration (and the per-user
 * directory it names) to a ready client of the signing service and the login
 * state bound to it. The signing path, every crpki-mgmt command and the
 * management GUI connect through here, so the proxy password is read, handed
 * to the client and wiped in one place. No network I/O: the client connects
 * at its first request. */
#ifndef CRPKI_CORE_CONNECT_CONNECT_H
#define CRPKI_CORE_CONNECT_CONNECT_H

#include "crpki/auth.h"
#include "crpki/config.h"
#include "crpki/error.h"
#include "crpki/rssp_client.h"

/* A client for cfg->service_url with cfg's TLS, proxy and timeouts (the
 * proxy password from the token store when cfg names an explicit proxy with
 * a user), and the token store of cfg->home as its token source. cfg must
 * outlive both. On failure nothing is returned (*client, *auth NULL):
 *   CRPKI_E_CONFIG   no service_url, or the client refused the settings
 *   other            reading the token store, out of memory */
crpki_err connect_open(const crpki_config *cfg, rssp_client **client, crpki_auth **auth,
                       crpki_error_info *ei);

/* Frees what connect_open made (either may be NULL). */
void connect_close(rssp_client *client, crpki_auth *auth);

#endif
