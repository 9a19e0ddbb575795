/* Algorithm tables shared by every part: hash algorithms (OID, length,
 * PKCS#1 DigestInfo prefix, CryptoAPI ALG_ID), the key algorithms the
 * providers offer (CNG names, CryptoAPI ALG_ID, curve) and the signature
 * algorithm OIDs the protocol uses. One table, so the CSP, the KSP, the
 * client and the reference service can never disagree on a name, an OID or
 * a length. */
#ifndef CRPKI_BASE_ALG_ALG_H
#define CRPKI_BASE_ALG_ALG_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    CRPKI_HASH_NONE = 0,
    CRPKI_HASH_MD5,
    CRPKI_HASH_SHA1,
    CRPKI_HASH_SHA256,
    CRPKI_HASH_SHA384,
    CRPKI_HASH_SHA512,
} alg_hash_id;

typedef struct {
    alg_hash_id id;
    const char *name;                 /* "SHA256": OpenSSL digest name and CNG-style name */
    const char *oid;                  /* dotted OID */
    size_t len;                       /* digest length in bytes */
    const uint8_t *digestinfo_prefix; /* DER DigestInfo up to the digest */
    size_t digestinfo_prefix_len;
    uint32_t capi_algid; /* CryptoAPI's CALG_* */
} alg_hash_info;

/* NULL when unknown. */
const alg_hash_info *alg_hash_by_id(alg_hash_id id);
const alg_hash_info *alg_hash_by_oid(const char *oid);
const alg_hash_info *alg_hash_by_name(const char *name);
const alg_hash_info *alg_hash_by_capi(uint32_t algid);

/* Non-zero for the hashes this driver signs: SHA-256, SHA-384, SHA-512.
 * SHA-1 and MD5 are refused for signing on every path (chosen-prefix
 * collisions are practical: a colliding document would carry the
 * representative's signature); verification may still use them. */
int alg_hash_signable(alg_hash_id id);

/* Writes DigestInfo(hash, digest) to out. Returns the length, or 0 when the
 * digest length does not match the algorithm or out is too small. */
size_t alg_digestinfo(alg_hash_id hash, const uint8_t *digest, size_t digest_len, uint8_t *out,
                      size_t outsz);

/* The hash of a DER DigestInfo that is exactly prefix || digest of a known
 * hash (what a caller of raw PKCS#1 signing hands over); NULL otherwise. */
const alg_hash_info *alg_hash_by_digestinfo(const uint8_t *b, size_t len);

typedef enum { CRPKI_KEY_RSA = 1, CRPKI_KEY_EC = 2 } alg_key_type;
typedef enum { CRPKI_PAD_PKCS1 = 1, CRPKI_PAD_PSS = 2, CRPKI_PAD_ECDSA = 3 } alg_sig_scheme;
typedef enum { CRPKI_CURVE_NONE = 0, CRPKI_CURVE_P256, CRPKI_CURVE_P384 } alg_curve;

/* The key algorithms the providers offer, one row per key shape, in the
 * order they are listed (NCryptEnumAlgorithms). */
typedef struct {
    alg_key_type type;
    alg_curve curve;       /* NONE for RSA */
    const char *cng_name;  /* "RSA", "ECDSA_P256": NCRYPT_ALGORITHM_PROPERTY, key names */
    const char *cng_group; /* "RSA", "ECDSA": NCRYPT_ALGORITHM_GROUP_PROPERTY */
    const char *curve_oid; /* NULL for RSA */
    uint32_t capi_algid;   /* CryptoAPI's key ALG_ID (CALG_RSA_SIGN); 0: none (EC keys have no
                              PROV_RSA_FULL algorithm) */
} alg_key_info;

/* The i-th row; NULL past the end. */
const alg_key_info *alg_key_at(size_t i);
/* The row of a key of that type (and curve, for EC); NULL when not offered. */
const alg_key_info *alg_key_find(alg_key_type type, alg_curve curve);
/* The row whose cng_name is name (ASCII, exact); NULL when none. */
const alg_key_info *alg_key_by_cng_name(const char *name);

typedef struct {
    const char *oid;
    const char *name; /* "sha256WithRSAEncryption" */
    alg_key_type key;
    alg_sig_scheme scheme;
    alg_hash_id hash; /* implied hash, or NONE when hashAlgorithmOID decides */
} alg_sigalg_info;

const alg_sigalg_info *alg_sigalg_by_oid(const char *oid);

/* The OIDs a key of that type may sign with, NULL-terminated. */
const char *const *alg_sigalgs_for_key(alg_key_type key);

#define CRPKI_OID_RSA_ENCRYPTION "1.2.840.113549.1.1.1"
#define CRPKI_OID_RSASSA_PSS     "1.2.840.113549.1.1.10"
#define CRPKI_OID_MGF1           "1.2.840.113549.1.1.8"
#define CRPKI_OID_EC_PUBLIC_KEY  "1.2.840.10045.2.1"
#define CRPKI_OID_P256           "1.2.840.10045.3.1.7"
#define CRPKI_OID_P384           "1.3.132.0.34"
/* CMS (RFC 5652): content types and the signed attributes the tool writes */
#define CRPKI_OID_PKCS7_DATA        "1.2.840.113549.1.7.1"
#define CRPKI_OID_PKCS7_SIGNED_DATA "1.2.840.113549.1.7.2"
#define CRPKI_OID_CONTENT_TYPE      "1.2.840.113549.1.9.3"
#define CRPKI_OID_MESSAGE_DIGEST    "1.2.840.113549.1.9.4"
#define CRPKI_OID_SIGNING_TIME      "1.2.840.113549.1.9.5"

#endif
