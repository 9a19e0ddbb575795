/* cred_entry: a credential of the signing service (rssp_get_credential) as
 * an entry of the key catalog. Only `use` (and the test set-up) turn service
 * credentials into catalog entries, so the catalog the DLLs load offline
 * never compiles against the client's types. */
#ifndef CRPKI_MGMT_TOOL_CRED_ENTRY_H
#define CRPKI_MGMT_TOOL_CRED_ENTRY_H

#include <stdint.h>

#include "crpki/error.h"
#include "crpki/rssp_client.h"
#include "core/catalog/catalog.h"

/* The credential as an entry (deep copy) selected for providers, after the
 * checks that it is usable offline: a certificate present, an RSA or
 * P-256/P-384 key whose type and size match the certificate's, well-formed
 * algorithm OIDs, the catalog's limits (CRPKI_E_PROTOCOL otherwise: the
 * service sent it). Display-only fields keys.json would refuse are dropped. */
crpki_err cred_entry_make(const rssp_credential *cr, unsigned providers, int64_t now,
                          catalog_entry *e, crpki_error_info *ei);

/* cred_entry_make, then catalog_put: adds or replaces the credential's
 * entry and makes it the providers' default. CRPKI_E_INVALID_ARG for no
 * catalog or credential, or providers not a non-empty CRPKI_CAT_* mask. */
crpki_err cred_entry_put(catalog_keys *cat, const rssp_credential *cr, unsigned providers,
                         int64_t now, crpki_error_info *ei);

#endif
