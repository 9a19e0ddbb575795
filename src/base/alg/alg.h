/* Algorithm tables shared by every part: hash algorithms (OID, length,
 * PKCS#1 DigestInfo prefix) and the signature algorithm OIDs the protocol
 * uses. One table, so the CSP, the KSP, the client and the reference service
 * can never disagree on an OID or a length. */
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
} alg_hash_info;

/* NULL when unknown. */
const alg_hash_info *alg_hash_by_id(alg_hash_id id);
const alg_hash_info *alg_hash_by_oid(const char *oid);
const alg_hash_info *alg_hash_by_name(const char *name);

/* Writes DigestInfo(hash, digest) to out. Returns the length, or 0 when the
 * digest length does not match the algorithm or out is too small. */
size_t alg_digestinfo(alg_hash_id hash, const uint8_t *digest, size_t digest_len, uint8_t *out,
                      size_t outsz);

typedef enum { CRPKI_KEY_RSA = 1, CRPKI_KEY_EC = 2 } alg_key_type;
typedef enum { CRPKI_PAD_PKCS1 = 1, CRPKI_PAD_PSS = 2, CRPKI_PAD_ECDSA = 3 } alg_sig_scheme;

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

#endif
