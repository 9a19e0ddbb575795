/* bn: the little big-number arithmetic the portable part needs where a
 * backend falls short: the RSA public operation (raw PKCS#1 verification,
 * which Wine's BCrypt gets wrong) and the EC on-curve check (which Wine's
 * BCryptImportKeyPair skips). Montgomery multiplication over 32-bit words.
 * Public data only: nothing here is constant-time, nothing needs to be. */
#ifndef CRPKI_CORE_CRYPTO_CRYPTO_BN_H
#define CRPKI_CORE_CRYPTO_CRYPTO_BN_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/crypto.h"

/* out (nlen bytes, big-endian) = in^e mod n, for an odd n of at most 16384
 * bits without leading zero bytes, in of nlen bytes. 0, or -1 when in >= n
 * (RSAVP1's "signature representative out of range") or on bad sizes. */
int crypto_bn_modexp(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen,
                     const uint8_t *in, uint8_t *out);

/* 1 when (x, y), big-endian coordinates of the curve's field size, is a
 * point of the curve (coordinates below p, y^2 = x^3 - 3x + b mod p); else 0.
 * The curves have cofactor 1: on the curve is in the group. */
int crypto_bn_ec_on_curve(alg_curve curve, const uint8_t *x, const uint8_t *y);

#endif
