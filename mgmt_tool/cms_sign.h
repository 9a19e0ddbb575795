/* cms_sign: a detached CMS SignedData (RFC 5652) over a file, signed with a
 * selected certificate's key through the remote signing service, SHA-256,
 * signed attributes contentType, messageDigest and signingTime, the
 * certificate and its chain included. Linux (cms_sign_build.c): cms_build,
 * the writer of sign FILE..., around signing_sign. Windows (cms_sign_win.c): the way an
 * application does it, CryptSignMessage with the certificate from
 * CurrentUser\MY, whose CERT_KEY_PROV_INFO names our provider. */
#ifndef CRPKI_MGMT_TOOL_CMS_SIGN_H
#define CRPKI_MGMT_TOOL_CMS_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog/catalog.h"
#include "mgmt.h"

/* *der malloc'ed. provider: CRPKI_CAT_CSP or CRPKI_CAT_KSP. what: what the
 * approval shows is signed (the file's base name); Linux passes it to the
 * session, Windows cannot through CryptSignMessage (the provider names the
 * program). */
crpki_err cms_sign_detached(mgmt_ctx *c, const catalog_entry *key, unsigned provider,
                            const char *what, const uint8_t *data, size_t len, uint8_t **der,
                            size_t *der_len, crpki_error_info *ei);

#endif
