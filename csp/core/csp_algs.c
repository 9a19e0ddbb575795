/* The algorithms PP_ENUMALGS / PP_ENUMALGS_EX list: what this CSP hashes,
 * verifies and signs, as CryptoAPI presents them. Names follow Microsoft's
 * providers so applications that look algorithms up by name find them;
 * which hash an ALG_ID is comes from the shared table (base/alg). */
#include <stddef.h>

#include "csp_internal.h"

/* SHA-1, MD5 and SSL3 SHAMD5 hash and verify but do not sign (only the
 * SHA-2 hashes are signed, alg_hash_signable): no CRYPT_FLAG_SIGNING. RSA_SIGN spans the keys
 * CryptImportKey takes for verification; the service's keys are 2048+. */
static const csp_alg ALGS[] = {
    {CSP_CALG_SHA1, 160, 160, 160, 0, "SHA-1", "Secure Hash Algorithm (SHA-1)"},
    {CSP_CALG_SHA_256, 256, 256, 256, CSP_CRYPT_FLAG_SIGNING, "SHA-256",
     "Secure Hash Algorithm (SHA-256)"},
    {CSP_CALG_SHA_384, 384, 384, 384, CSP_CRYPT_FLAG_SIGNING, "SHA-384",
     "Secure Hash Algorithm (SHA-384)"},
    {CSP_CALG_SHA_512, 512, 512, 512, CSP_CRYPT_FLAG_SIGNING, "SHA-512",
     "Secure Hash Algorithm (SHA-512)"},
    {CSP_CALG_MD5, 128, 128, 128, 0, "MD5", "Message Digest 5 (MD5)"},
    {CSP_CALG_SSL3_SHAMD5, 288, 288, 288, 0, "SSL3 SHAMD5", "SSL3 SHAMD5"},
    {CSP_CALG_RSA_SIGN, 2048, 1024, 16384, CSP_CRYPT_FLAG_SIGNING, "RSA_SIGN", "RSA Signature"},
};

const csp_alg *csp_alg_at(size_t i)
{
    return i < sizeof(ALGS) / sizeof(ALGS[0]) ? &ALGS[i] : NULL;
}

const csp_alg *csp_alg_by_id(uint32_t algid)
{
    static const csp_alg KEYX = {CSP_CALG_RSA_KEYX, 2048, 1024, 16384, 0, "RSA_KEYX",
                                 "RSA Key Exchange"};
    for (size_t i = 0; i < sizeof(ALGS) / sizeof(ALGS[0]); i++)
        if (ALGS[i].algid == algid)
            return &ALGS[i];
    return algid == CSP_CALG_RSA_KEYX ? &KEYX : NULL; /* importable for verification */
}

size_t csp_alg_hash_size(uint32_t algid)
{
    const csp_alg *a = csp_alg_by_id(algid);
    if (!a || (algid >> 13) != 4u) /* ALG_CLASS_HASH */
        return 0;
    return a->bits / 8;
}
