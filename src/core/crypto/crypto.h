/* crypto: the crypto backend of libcrpki, one interface over CNG/BCrypt on
 * Windows (crypto_bcrypt.c) and OpenSSL on Linux (crypto_openssl.c), chosen by
 * CMake. Hashing for the providers' hash objects, public keys from
 * certificates and from application blobs, local signature verification,
 * random bytes. Nothing here signs: private keys live in the service's HSM.
 * One set of test vectors (tests/core/crypto/) runs against both backends.
 * All functions are thread-safe; objects are not shared between threads
 * unless stated. Errors: CRPKI_E_INVALID_ARG, CRPKI_E_NOT_SUPPORTED (an
 * algorithm the backend lacks), CRPKI_E_BAD_SIGNATURE (verification failed),
 * CRPKI_E_NO_MEMORY, CRPKI_E_INTERNAL (the backend failed; logged). */
#ifndef CRPKI_CORE_CRYPTO_CRYPTO_H
#define CRPKI_CORE_CRYPTO_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "base/alg/alg.h"
#include "crpki/error.h"

/* ---- hashing ------------------------------------------------------------ */

typedef struct crypto_hash_ctx crypto_hash_ctx;

/* MD5, SHA-1, SHA-256, SHA-384, SHA-512. */
crpki_err crypto_hash_new(alg_hash_id alg, crypto_hash_ctx **out);
crpki_err crypto_hash_update(crypto_hash_ctx *h, const void *data, size_t len);
/* Writes the digest (alg_hash_by_id(alg)->len bytes) and leaves h
 * finished: further updates are CRPKI_E_INVALID_ARG. outsz smaller than the
 * digest: CRPKI_E_BUFFER_TOO_SMALL. */
crpki_err crypto_hash_final(crypto_hash_ctx *h, uint8_t *out, size_t outsz);
/* An independent copy of an unfinished context (CPDuplicateHash). */
crpki_err crypto_hash_dup(const crypto_hash_ctx *h, crypto_hash_ctx **out);
void crypto_hash_free(crypto_hash_ctx *h); /* NULL ok */

/* One-shot digest into out (outsz >= the digest length). */
crpki_err crypto_digest(alg_hash_id alg, const void *data, size_t len, uint8_t *out, size_t outsz);

/* ---- public keys -------------------------------------------------------- */

typedef struct crypto_pubkey crypto_pubkey; /* immutable once made: may be shared */

/* From a DER X.509 certificate's subjectPublicKeyInfo (RSA or EC P-256/P-384). */
crpki_err crypto_pubkey_from_cert(const uint8_t *der, size_t len, crypto_pubkey **out,
                                  crpki_error_info *ei);
/* RSA from big-endian modulus and exponent (leading zeros allowed). */
crpki_err crypto_pubkey_from_rsa(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen,
                                 crypto_pubkey **out);
/* EC from big-endian affine coordinates, each exactly the field size. The
 * point is checked to be on the curve. */
crpki_err crypto_pubkey_from_ec(alg_curve curve, const uint8_t *x, const uint8_t *y,
                                size_t coord_len, crypto_pubkey **out);
void crypto_pubkey_free(crypto_pubkey *k); /* NULL ok */

typedef struct {
    alg_key_type type; /* CRPKI_KEY_RSA or CRPKI_KEY_EC */
    unsigned bits;     /* RSA modulus bits; EC field bits (256, 384) */
    alg_curve curve;   /* EC only */
    /* RSA: big-endian modulus (bits/8 bytes, no leading zero) and exponent
     * (no leading zeros); EC: the coordinates, each coord_len bytes. All
     * point into storage owned by the key. */
    const uint8_t *n, *e;
    size_t nlen, elen;
    const uint8_t *x, *y;
    size_t coord_len;
} crypto_pubkey_info;
void crypto_pubkey_get_info(const crypto_pubkey *k, crypto_pubkey_info *out);

/* ---- verification ------------------------------------------------------- */

typedef struct {
    alg_sig_scheme scheme; /* PKCS1, PSS (MGF1 with the same hash), ECDSA */
    /* The hash that made digest. PKCS1 with CRPKI_HASH_NONE: digest is the
     * whole byte string under the padding (e.g. a DigestInfo built by the
     * caller, or SSL3 MD5||SHA1), no DigestInfo is added. */
    alg_hash_id hash;
    unsigned salt_len; /* PSS */
} crypto_sig_params;

/* Verifies sig over digest with k. RSA signatures are big-endian, exactly
 * the modulus length; ECDSA signatures are IEEE P1363 r||s (2*coord_len).
 * CRPKI_OK, CRPKI_E_BAD_SIGNATURE, or another error for bad arguments. */
crpki_err crypto_verify(const crypto_pubkey *k, const crypto_sig_params *p, const uint8_t *digest,
                        size_t digest_len, const uint8_t *sig, size_t sig_len);

/* ECDSA signature encodings (portable, crypto_ecdsa.c). DER ECDSA-Sig-Value to
 * r||s with each half coord_len bytes, and back (minimal DER). *out_len in:
 * the buffer size, out: the length written. */
crpki_err crypto_ecdsa_der_to_p1363(const uint8_t *der, size_t der_len, size_t coord_len,
                                    uint8_t *out, size_t *out_len);
crpki_err crypto_ecdsa_p1363_to_der(const uint8_t *rs, size_t rs_len, uint8_t *out,
                                    size_t *out_len);

/* ---- random ------------------------------------------------------------- */

/* Cryptographically secure random bytes from the OS (plat_random_bytes). */
crpki_err crypto_random(void *buf, size_t len);

#endif
