/* der: a small strict DER reader, just enough to take the public key out of
 * an X.509 certificate: definite minimal lengths, exact tags, no trailing
 * bytes, positive minimal INTEGERs. Portable (both backends use it) and
 * fuzzed (tests/fuzz/fuzz_catalog.c). Never reads outside its input. */
#ifndef CRPKI_CORE_CRYPTO_CRYPTO_DER_H
#define CRPKI_CORE_CRYPTO_CRYPTO_DER_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/crypto.h"

typedef struct {
    const uint8_t *p;
    size_t len;
} der_span;

/* Reads the TLV at the start of *in whose tag must be tag (a one-byte tag),
 * sets *content to its value and advances *in past it. 0 or -1. */
int der_read(der_span *in, uint8_t tag, der_span *content);
/* The tag of the next TLV, or -1 when *in is empty. */
int der_peek_tag(const der_span *in);

/* The subjectPublicKeyInfo of a DER certificate, whole (tag and length
 * included): a view into der. why (whysz bytes) says what is malformed. */
int crypto_der_cert_spki(const uint8_t *der, size_t len, der_span *spki, char *why, size_t whysz);

/* What the certificate checks need of a certificate: views into its DER. */
typedef struct {
    der_span tbs;                           /* tbsCertificate, whole: what the signature covers */
    der_span sig_oid;                       /* signatureAlgorithm's OID, content bytes */
    der_span sig;                           /* signatureValue without its unused-bits byte */
    der_span serial, issuer, subject, spki; /* whole TLVs */
    int64_t not_before, not_after;          /* Unix seconds */
    int is_ca;                              /* basicConstraints cA */
    int has_key_usage;
    unsigned key_usage; /* KeyUsage bit n as 1u << n: 0 digitalSignature, 1 nonRepudiation,
                           5 keyCertSign */
} crypto_cert_view;

/* Parses an X.509 v3 certificate far enough for the chain checks: the
 * fields above, the inner signature algorithm equal to the outer one,
 * UTCTime/GeneralizedTime validity, the basicConstraints and keyUsage
 * extensions (others skipped). 0, or -1 with why. */
int crypto_der_parse_cert(const uint8_t *der, size_t len, crypto_cert_view *out, char *why,
                          size_t whysz);

/* A parsed subjectPublicKeyInfo: views into the input. RSA numbers without
 * leading zeros; EC coordinates coord_len bytes each. */
typedef struct {
    alg_key_type type;
    const uint8_t *n, *e;
    size_t nlen, elen;
    alg_curve curve;
    const uint8_t *x, *y;
    size_t coord_len;
} crypto_spki;

/* Parses a whole SubjectPublicKeyInfo SEQUENCE: rsaEncryption (1024 to
 * 16384-bit modulus, odd exponent >= 3 of at most 8 bytes) or ecPublicKey
 * with namedCurve P-256/P-384 and an uncompressed point. 0 or -1. */
int crypto_der_parse_spki(const uint8_t *spki, size_t len, crypto_spki *out, char *why,
                          size_t whysz);

#endif
