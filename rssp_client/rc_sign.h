/* rc_sign: the signing flow of rssp_sign (authorize, approval callback,
 * long-polled authorizeCheck, signHash). Pure pieces exposed for tests. */
#ifndef CRPKI_RSSP_CLIENT_RC_SIGN_H
#define CRPKI_RSSP_CLIENT_RC_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/rssp_client.h"

#define RC_MAX_DESCRIPTION 256 /* bytes */
#define RC_MAX_SIGN_HASHES 1024

/* How the client waits for the representative's approval: long polls of
 * authorizeCheck, never closer together than the service's interval, until
 * the approval arrives, is refused, expires (plus a grace for a clock that
 * differs) or the call's deadline passes. */
typedef struct {
    unsigned long_poll_s;         /* the wait each authorizeCheck asks the service to hold */
    unsigned default_interval_ms; /* between checks when the service names no interval */
    unsigned max_interval_ms;     /* slow_down doubles the interval up to this */
    unsigned grace_ms;            /* keep checking this long past the approval's expiry */
} rc_approval_wait;

/* The policy rssp_sign follows: 30 s polls, 1 s interval, 30 s at most
 * after slow_down, 10 s grace. */
extern const rc_approval_wait RC_APPROVAL_WAIT;

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
