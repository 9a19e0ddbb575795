/* ksp_pad: what NCryptSignHash / NCryptVerifySignature's padding argument
 * and flags mean for this provider, decided before anything is signed:
 *   RSA + NCRYPT_PAD_PKCS1_FLAG, BCRYPT_PKCS1_PADDING_INFO:
 *       pszAlgId names the hash ("SHA1", "SHA256", "SHA384", "SHA512",
 *       any ASCII case) and the bytes must be exactly its length; the
 *       DigestInfo is built for the service. pszAlgId NULL means "sign
 *       these bytes as they are": accepted when they are a DER DigestInfo
 *       of one of those hashes (signed as that hash, the same signature
 *       results), otherwise CRPKI_E_NOT_SUPPORTED (the service signs
 *       hashes, never arbitrary bytes such as SSL3's MD5||SHA-1);
 *   RSA + NCRYPT_PAD_PSS_FLAG, BCRYPT_PSS_PADDING_INFO: pszAlgId required
 *       (the hash, also MGF1's), cbSalt passed to the service, at most
 *       modulus bytes - hash length - 2;
 *   ECDSA: no padding flag; the hash is told by its length (20, 32, 48,
 *       64 bytes: SHA-1/256/384/512); pPaddingInfo is ignored.
 *   MD5 is refused (CRPKI_E_NOT_SUPPORTED): the service does not sign it.
 *   Flags outside KSP_MASK_SIGN: KSP_E_BAD_FLAGS; both padding flags, or
 *   NO_PADDING (raw RSA): KSP_E_BAD_FLAGS / CRPKI_E_NOT_SUPPORTED; a padding
 *   flag without its structure, no padding flag on an RSA key, a padding
 *   flag on an EC key, a wrong hash length: CRPKI_E_INVALID_ARG. */
#ifndef CRPKI_KSP_CORE_KSP_PAD_H
#define CRPKI_KSP_CORE_KSP_PAD_H

#include <stddef.h>
#include <stdint.h>

#include "base/alg/alg.h"
#include "ksp_status.h"

/* The layouts of BCRYPT_PKCS1_PADDING_INFO and BCRYPT_PSS_PADDING_INFO
 * (LPCWSTR pszAlgId; ULONG cbSalt), checked against bcrypt.h by the DLL. */
typedef struct {
    const uint16_t *alg;
} ksp_pkcs1_info;
typedef struct {
    const uint16_t *alg;
    uint32_t salt;
} ksp_pss_info;

typedef struct {
    alg_key_type key_type;
    unsigned key_bytes; /* RSA modulus bytes (PSS salt limit) */
} ksp_pad_key;

typedef struct {
    alg_sig_scheme scheme;
    alg_hash_id hash;
    unsigned salt_len;
    const uint8_t *digest; /* into the caller's bytes */
    size_t digest_len;
    int silent; /* NCRYPT_SILENT_FLAG */
} ksp_sign_req;

ksp_code ksp_pad_parse(const ksp_pad_key *key, uint32_t flags, const void *padding,
                       const uint8_t *hash, size_t hash_len, ksp_sign_req *out, ksp_status *st);

#endif
