#include "base/alg/alg.h"

#include <string.h>

static const uint8_t DI_MD5[] = {0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10};
static const uint8_t DI_SHA1[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                                  0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
static const uint8_t DI_SHA256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
static const uint8_t DI_SHA384[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
static const uint8_t DI_SHA512[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

static const alg_hash_info HASHES[] = {
    {CRPKI_HASH_MD5, "MD5", "1.2.840.113549.2.5", 16, DI_MD5, sizeof DI_MD5, 0x8003u},
    {CRPKI_HASH_SHA1, "SHA1", "1.3.14.3.2.26", 20, DI_SHA1, sizeof DI_SHA1, 0x8004u},
    {CRPKI_HASH_SHA256, "SHA256", "2.16.840.1.101.3.4.2.1", 32, DI_SHA256, sizeof DI_SHA256,
     0x800cu},
    {CRPKI_HASH_SHA384, "SHA384", "2.16.840.1.101.3.4.2.2", 48, DI_SHA384, sizeof DI_SHA384,
     0x800du},
    {CRPKI_HASH_SHA512, "SHA512", "2.16.840.1.101.3.4.2.3", 64, DI_SHA512, sizeof DI_SHA512,
     0x800eu},
};
#define NHASHES (sizeof HASHES / sizeof HASHES[0])

const alg_hash_info *alg_hash_by_id(alg_hash_id id)
{
    for (size_t i = 0; i < NHASHES; i++)
        if (HASHES[i].id == id)
            return &HASHES[i];
    return NULL;
}

const alg_hash_info *alg_hash_by_oid(const char *oid)
{
    if (!oid)
        return NULL;
    for (size_t i = 0; i < NHASHES; i++)
        if (strcmp(HASHES[i].oid, oid) == 0)
            return &HASHES[i];
    return NULL;
}

const alg_hash_info *alg_hash_by_name(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < NHASHES; i++)
        if (strcmp(HASHES[i].name, name) == 0)
            return &HASHES[i];
    return NULL;
}

const alg_hash_info *alg_hash_by_capi(uint32_t algid)
{
    for (size_t i = 0; i < NHASHES; i++)
        if (HASHES[i].capi_algid == algid)
            return &HASHES[i];
    return NULL;
}

int alg_hash_signable(alg_hash_id id)
{
    return id == CRPKI_HASH_SHA256 || id == CRPKI_HASH_SHA384 || id == CRPKI_HASH_SHA512;
}

size_t alg_digestinfo(alg_hash_id hash, const uint8_t *digest, size_t digest_len, uint8_t *out,
                      size_t outsz)
{
    const alg_hash_info *h = alg_hash_by_id(hash);
    if (!h || !digest || digest_len != h->len)
        return 0;
    size_t total = h->digestinfo_prefix_len + h->len;
    if (!out || outsz < total)
        return 0;
    memcpy(out, h->digestinfo_prefix, h->digestinfo_prefix_len);
    memcpy(out + h->digestinfo_prefix_len, digest, h->len);
    return total;
}

const alg_hash_info *alg_hash_by_digestinfo(const uint8_t *b, size_t len)
{
    static const alg_hash_id IDS[] = {CRPKI_HASH_MD5, CRPKI_HASH_SHA1, CRPKI_HASH_SHA256,
                                      CRPKI_HASH_SHA384, CRPKI_HASH_SHA512};
    if (!b)
        return NULL;
    for (size_t i = 0; i < sizeof IDS / sizeof IDS[0]; i++) {
        const alg_hash_info *h = alg_hash_by_id(IDS[i]);
        if (h && len == h->digestinfo_prefix_len + h->len &&
            memcmp(b, h->digestinfo_prefix, h->digestinfo_prefix_len) == 0)
            return h;
    }
    return NULL;
}

static const alg_sigalg_info SIGALGS[] = {
    {CRPKI_OID_RSA_ENCRYPTION, "rsaEncryption", CRPKI_KEY_RSA, CRPKI_PAD_PKCS1, CRPKI_HASH_NONE},
    {"1.2.840.113549.1.1.4", "md5WithRSAEncryption", CRPKI_KEY_RSA, CRPKI_PAD_PKCS1,
     CRPKI_HASH_MD5},
    {"1.2.840.113549.1.1.5", "sha1WithRSAEncryption", CRPKI_KEY_RSA, CRPKI_PAD_PKCS1,
     CRPKI_HASH_SHA1},
    {"1.2.840.113549.1.1.11", "sha256WithRSAEncryption", CRPKI_KEY_RSA, CRPKI_PAD_PKCS1,
     CRPKI_HASH_SHA256},
    {"1.2.840.113549.1.1.12", "sha384WithRSAEncryption", CRPKI_KEY_RSA, CRPKI_PAD_PKCS1,
     CRPKI_HASH_SHA384},
    {"1.2.840.113549.1.1.13", "sha512WithRSAEncryption", CRPKI_KEY_RSA, CRPKI_PAD_PKCS1,
     CRPKI_HASH_SHA512},
    {CRPKI_OID_RSASSA_PSS, "RSASSA-PSS", CRPKI_KEY_RSA, CRPKI_PAD_PSS, CRPKI_HASH_NONE},
    {CRPKI_OID_EC_PUBLIC_KEY, "ecPublicKey", CRPKI_KEY_EC, CRPKI_PAD_ECDSA, CRPKI_HASH_NONE},
    {"1.2.840.10045.4.1", "ecdsa-with-SHA1", CRPKI_KEY_EC, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA1},
    {"1.2.840.10045.4.3.2", "ecdsa-with-SHA256", CRPKI_KEY_EC, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256},
    {"1.2.840.10045.4.3.3", "ecdsa-with-SHA384", CRPKI_KEY_EC, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA384},
    {"1.2.840.10045.4.3.4", "ecdsa-with-SHA512", CRPKI_KEY_EC, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA512},
};
#define NSIGALGS (sizeof SIGALGS / sizeof SIGALGS[0])

const alg_sigalg_info *alg_sigalg_by_oid(const char *oid)
{
    if (!oid)
        return NULL;
    for (size_t i = 0; i < NSIGALGS; i++)
        if (strcmp(SIGALGS[i].oid, oid) == 0)
            return &SIGALGS[i];
    return NULL;
}

static const char *const RSA_ALGS[] = {CRPKI_OID_RSA_ENCRYPTION,
                                       "1.2.840.113549.1.1.5",
                                       "1.2.840.113549.1.1.11",
                                       "1.2.840.113549.1.1.12",
                                       "1.2.840.113549.1.1.13",
                                       CRPKI_OID_RSASSA_PSS,
                                       NULL};
static const char *const EC_ALGS[] = {CRPKI_OID_EC_PUBLIC_KEY, "1.2.840.10045.4.1",
                                      "1.2.840.10045.4.3.2",   "1.2.840.10045.4.3.3",
                                      "1.2.840.10045.4.3.4",   NULL};

const char *const *alg_sigalgs_for_key(alg_key_type key)
{
    return key == CRPKI_KEY_RSA ? RSA_ALGS : key == CRPKI_KEY_EC ? EC_ALGS : NULL;
}

static const alg_key_info KEYS[] = {
    {CRPKI_KEY_RSA, CRPKI_CURVE_NONE, "RSA", "RSA", NULL, 0x2400u /* CALG_RSA_SIGN */},
    {CRPKI_KEY_EC, CRPKI_CURVE_P256, "ECDSA_P256", "ECDSA", CRPKI_OID_P256, 0},
    {CRPKI_KEY_EC, CRPKI_CURVE_P384, "ECDSA_P384", "ECDSA", CRPKI_OID_P384, 0},
};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

const alg_key_info *alg_key_at(size_t i)
{
    return i < NKEYS ? &KEYS[i] : NULL;
}

const alg_key_info *alg_key_find(alg_key_type type, alg_curve curve)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (KEYS[i].type == type && (type != CRPKI_KEY_EC || KEYS[i].curve == curve))
            return &KEYS[i];
    return NULL;
}

const alg_key_info *alg_key_by_cng_name(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(KEYS[i].cng_name, name) == 0)
            return &KEYS[i];
    return NULL;
}
