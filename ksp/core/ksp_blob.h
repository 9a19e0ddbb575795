/* ksp_blob: the public key blobs a KSP exports and imports, built from and
 * parsed into crypto_pubkey_info (big-endian key material):
 *   BCRYPT_RSAPUBLIC_BLOB  BCRYPT_RSAKEY_BLOB {Magic 'RSA1', BitLength,
 *                          cbPublicExp, cbModulus, cbPrime1 0, cbPrime2 0}
 *                          + exponent + modulus, both big-endian;
 *   BCRYPT_ECCPUBLIC_BLOB  BCRYPT_ECCKEY_BLOB {dwMagic ECS1 (P-256) / ECS3
 *                          (P-384), cbKey} + X + Y, big-endian, cbKey each;
 *   BCRYPT_PUBLIC_KEY_BLOB the one of the two above the key's type takes;
 *   LEGACY_RSAPUBLIC_BLOB  CryptoAPI PUBLICKEYBLOB: BLOBHEADER {bType 6,
 *                          bVersion 2, reserved 0, aiKeyAlg CALG_RSA_SIGN or
 *                          CALG_RSA_KEYX} + RSAPUBKEY {magic 'RSA1', bitlen,
 *                          pubexp} + modulus little-endian.
 * Header fields are ULONG/DWORD in host order (little-endian on Windows). */
#ifndef CRPKI_KSP_CORE_KSP_BLOB_H
#define CRPKI_KSP_CORE_KSP_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/crypto.h"
#include "ksp_status.h"

typedef enum {
    KSP_BLOB_UNKNOWN = 0,
    KSP_BLOB_RSAPUBLIC,        /* L"RSAPUBLICBLOB" */
    KSP_BLOB_ECCPUBLIC,        /* L"ECCPUBLICBLOB" */
    KSP_BLOB_PUBLIC,           /* L"PUBLICBLOB" */
    KSP_BLOB_LEGACY_RSAPUBLIC, /* L"CAPIPUBLICBLOB" */
    KSP_BLOB_PRIVATE,          /* any private or wrapped key blob type */
} ksp_blob_type;

#define KSP_RSA1_MAGIC    0x31415352u /* BCRYPT_RSAPUBLIC_MAGIC, RSAPUBKEY 'RSA1' */
#define KSP_ECS1_MAGIC    0x31534345u /* BCRYPT_ECDSA_PUBLIC_P256_MAGIC */
#define KSP_ECS3_MAGIC    0x33534345u /* BCRYPT_ECDSA_PUBLIC_P384_MAGIC */
#define KSP_PUBLICKEYBLOB 0x06u       /* wincrypt.h PUBLICKEYBLOB */
#define KSP_CUR_BLOB_VER  0x02u       /* CUR_BLOB_VERSION */
#define KSP_CALG_RSA_SIGN 0x00002400u
#define KSP_CALG_RSA_KEYX 0x0000a400u

ksp_blob_type ksp_blob_type_of(const uint16_t *name);

/* Exports k as t (KSP_BLOB_PUBLIC resolved by the key's type) through the
 * output protocol (ksp_out.h). legacy_alg: aiKeyAlg of the legacy blob.
 * A private type: CRPKI_E_NOT_SUPPORTED (private keys never leave the HSM);
 * unknown, or a type the key's algorithm cannot take: KSP_E_BAD_TYPE. */
ksp_code ksp_blob_build(ksp_blob_type t, const crypto_pubkey_info *k, uint32_t legacy_alg,
                        uint8_t *out, size_t outsz, size_t *res, ksp_status *st);

/* A parsed public blob; the buffers are owned (ksp_blob_parsed_free). */
typedef struct {
    alg_key_type type;
    alg_curve curve;
    unsigned bits;
    uint8_t *n, *e; /* RSA, big-endian */
    size_t nlen, elen;
    uint8_t *x, *y; /* EC, coord_len each */
    size_t coord_len;
} ksp_blob_parsed;

/* Parses a public blob of type t (PUBLIC: by its magic). Malformed:
 * KSP_E_BAD_DATA; a private or unknown type: as ksp_blob_build. */
ksp_code ksp_blob_parse(ksp_blob_type t, const uint8_t *in, size_t len, ksp_blob_parsed *out,
                        ksp_status *st);
void ksp_blob_parsed_free(ksp_blob_parsed *p);

#endif
