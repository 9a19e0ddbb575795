/* rc_sign: the signing flow of rssp_sign (authorize, approval callback,
 * long-polled authorizeCheck, signHash). Pure pieces exposed for tests. */
#ifndef CRPKI_RSSP_CLIENT_RC_SIGN_H
#define CRPKI_RSSP_CLIENT_RC_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/rssp_client.h"

#define RC_LONG_POLL_S     30    /* wait of each authorizeCheck */
#define RC_CHECK_GRACE_MS  10000 /* keep checking this long past the approval's expiry */
#define RC_MAX_DESCRIPTION 256   /* bytes */
#define RC_MAX_SIGN_HASHES 1024

/* RSASSA-PSS-params DER (RFC 4055) with hash for digest and MGF1, salt
 * length, trailer 1; default values omitted as DER requires (SHA-1, 20).
 * Returns the length, 0 when the hash is unknown or out is too small. */
size_t rc_pss_params_der(const char *hash_oid, unsigned salt, uint8_t *out, size_t outsz);

/* The signAlgo OID of a request: rsaEncryption, RSASSA-PSS, or the
 * ecdsa-with-SHAxxx of its hash. NULL when the combination is impossible. */
const char *rc_sign_algo_oid(rssp_sig_scheme scheme, const char *hash_oid);

/* Validates a request before any network: CRPKI_OK or CRPKI_E_INVALID_ARG /
 * CRPKI_E_UNSUPPORTED_ALG with err naming the field. */
crpki_err rc_sign_check_request(const rssp_sign_request *req, char *err, size_t errsz);

#endif
