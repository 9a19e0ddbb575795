/* crypto_internal: what the portable part of src/crypto shares with the
 * backend (crypto_openssl.c or crypto_bcrypt.c). The portable part checks
 * arguments and parses; a backend does only the math. */
#ifndef CRPKI_CORE_CRYPTO_CRYPTO_INTERNAL_H
#define CRPKI_CORE_CRYPTO_CRYPTO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/crypto.h"

/* The numbers are kept (for crypto_pubkey_get_info and the portable checks)
 * beside the backend's own handle. */
struct crypto_pubkey {
    alg_key_type type;
    unsigned bits;
    alg_curve curve;
    uint8_t *n, *e; /* RSA, minimal big-endian */
    size_t nlen, elen;
    uint8_t *x, *y; /* EC, coord_len each */
    size_t coord_len;
    void *backend; /* the backend's key, made by crypto_key_import */
};

/* ---- backend interface --------------------------------------------------- */

/* Hash contexts are wholly the backend's (struct crypto_hash_ctx is defined
 * there); crpki_hash_* in crypto.h are implemented by the backend. */

/* Makes k->backend from k's numbers. EC: fails (CRPKI_E_INVALID_ARG) when
 * the point is not on the curve. */
crpki_err crypto_key_import(crypto_pubkey *k);
void crypto_key_free(void *backend);

/* Arguments are already checked (key type, lengths) by crypto_verify; PKCS#1
 * always comes with a hash (raw PKCS#1 is portable, crypto_pubkey.c). Each returns CRPKI_OK or
 * CRPKI_E_BAD_SIGNATURE, or CRPKI_E_INTERNAL. */
crpki_err crypto_verify_pkcs1(const crypto_pubkey *k, alg_hash_id hash, const uint8_t *digest,
                              size_t digest_len, const uint8_t *sig, size_t sig_len);
crpki_err crypto_verify_pss(const crypto_pubkey *k, alg_hash_id hash, unsigned salt_len,
                            const uint8_t *digest, size_t digest_len, const uint8_t *sig,
                            size_t sig_len);
/* sig is P1363 r||s, 2 * k->coord_len bytes. */
crpki_err crypto_verify_ecdsa(const crypto_pubkey *k, const uint8_t *digest, size_t digest_len,
                              const uint8_t *sig, size_t sig_len);

#endif
