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
