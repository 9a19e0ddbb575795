/* crypto_cert: the checks a certificate from the signing service passes
 * before `use` stores it in the key catalog (and the CSP hands its chain
 * out as PP_ROOT_CERTSTORE): the chain verifies up to its self-signed root,
 * the issuing CA; every certificate is valid now; the issuers are CAs; the
 * certificate's key may sign. Portable: the DER reader (crypto_der.c) and
 * the backend's signature verification. */
#ifndef CRPKI_CORE_CRYPTO_CRYPTO_CERT_H
#define CRPKI_CORE_CRYPTO_CRYPTO_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"

typedef struct {
    const uint8_t *der;
    size_t len;
} crypto_cert_der;

/* certs[0] is the credential's certificate, certs[1..n) its issuers in
 * order, the root (self-signed) last; n >= 2. now: Unix seconds.
 * CRPKI_OK; CRPKI_E_BAD_CERT with ei->detail saying which certificate and
 * what (malformed, not valid now, an issuer that did not sign it or is no
 * CA, no self-signed root, a key that may not sign); CRPKI_E_INVALID_ARG. */
crpki_err crypto_cert_check_chain(const crypto_cert_der *certs, size_t n, int64_t now,
                                  crpki_error_info *ei);

/* The SHA-256 fingerprint of a DER certificate: 64 lower-case hex digits
 * and a NUL into hex. 0, or -1 when it cannot be computed. */
int crypto_cert_fingerprint(const uint8_t *der, size_t len, char hex[65]);

/* The administrator's pinned registrar roots (config trusted_roots: SHA-256
 * fingerprints as crypto_cert_fingerprint writes them): CRPKI_OK when npins
 * is 0 or root's fingerprint is one of them; CRPKI_E_BAD_CERT, ei->detail
 * naming the root's fingerprint, otherwise (root NULL: no root known). */
crpki_err crypto_cert_root_pinned(const crypto_cert_der *root, char *const *pins, size_t npins,
                                  crpki_error_info *ei);

/* The validity period of a DER certificate (Unix seconds). 0, or -1 when it
 * does not parse. */
int crypto_cert_validity(const uint8_t *der, size_t len, int64_t *not_before, int64_t *not_after);

/* The holder (the subject's first commonName) and the company (its first
 * organizationName) of a DER certificate, as UTF-8 into cn and org (""
 * when absent; cut at the buffer). Not cleaned for display: that is
 * text_clean's (base/util/text_clean.h). 0, or -1 when the certificate or
 * its subject does not parse. */
int crypto_cert_holder(const uint8_t *der, size_t len, char *cn, size_t cnsz, char *org,
                       size_t orgsz);

#endif
