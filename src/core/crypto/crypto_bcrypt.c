/* The CNG/BCrypt backend (Windows): hashes as BCrypt hash objects, keys
 * imported as BCRYPT_RSAPUBLIC_BLOB / BCRYPT_ECCPUBLIC_BLOB, verification
 * through BCryptVerifySignature. Algorithm providers are opened once per
 * process (InitOnce) and kept: they are thread-safe. */
#include <windows.h>
#include <bcrypt.h>

#include <stdlib.h>
#include <string.h>

#include "core/crypto/crypto_internal.h"
#include "base/log/log.h"

#ifndef STATUS_INVALID_SIGNATURE
#define STATUS_INVALID_SIGNATURE ((NTSTATUS)0xC000A000L)
#endif
#ifndef STATUS_NOT_SUPPORTED
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)
#endif
#ifndef STATUS_NOT_IMPLEMENTED
#define STATUS_NOT_IMPLEMENTED ((NTSTATUS)0xC0000002L)
#endif
#define NT_OK(s) ((s) >= 0)

enum { P_MD5, P_SHA1, P_SHA256, P_SHA384, P_SHA512, P_RSA, P_P256, P_P384, P__COUNT };
static const wchar_t *const PROV_NAMES[P__COUNT] = {
    BCRYPT_MD5_ALGORITHM,        BCRYPT_SHA1_ALGORITHM,      BCRYPT_SHA256_ALGORITHM,
    BCRYPT_SHA384_ALGORITHM,     BCRYPT_SHA512_ALGORITHM,    BCRYPT_RSA_ALGORITHM,
    BCRYPT_ECDSA_P256_ALGORITHM, BCRYPT_ECDSA_P384_ALGORITHM};

static INIT_ONCE g_once[P__COUNT] = {
    INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT,
    INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT};
static BCRYPT_ALG_HANDLE g_prov[P__COUNT];

static BOOL CALLBACK open_prov(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    int i = (int)(INT_PTR)param;
    NTSTATUS st = BCryptOpenAlgorithmProvider(&g_prov[i], PROV_NAMES[i], NULL, 0);
    if (!NT_OK(st)) {
        log_write(CRPKI_LOG_ERROR, "crypto", "BCryptOpenAlgorithmProvider(%ls) failed: 0x%08lx",
                  PROV_NAMES[i], (unsigned long)st);
        g_prov[i] = NULL;
    }
    return TRUE; /* a failure is remembered as NULL, not retried */
}

static BCRYPT_ALG_HANDLE prov(int i)
{
    InitOnceExecuteOnce(&g_once[i], open_prov, (PVOID)(INT_PTR)i, NULL);
    return g_prov[i];
}

static int hash_prov_index(alg_hash_id alg)
{
    switch (alg) {
    case CRPKI_HASH_MD5:
        return P_MD5;
    case CRPKI_HASH_SHA1:
        return P_SHA1;
    case CRPKI_HASH_SHA256:
        return P_SHA256;
    case CRPKI_HASH_SHA384:
        return P_SHA384;
    case CRPKI_HASH_SHA512:
        return P_SHA512;
    case CRPKI_HASH_NONE:
        break;
    }
    return -1;
}

static crpki_err failed(const char *what, NTSTATUS st)
{
    if (st == STATUS_NOT_SUPPORTED || st == STATUS_NOT_IMPLEMENTED) {
        log_write(CRPKI_LOG_WARN, "crypto", "%s: not supported by BCrypt (0x%08lx)", what,
                  (unsigned long)st);
        return CRPKI_E_NOT_SUPPORTED;
    }
    log_write(CRPKI_LOG_ERROR, "crypto", "%s failed: 0x%08lx", what, (unsigned long)st);
    return CRPKI_E_INTERNAL;
}

/* ---- hashing ----------------------------------------------------------------- */

struct crypto_hash_ctx {
    BCRYPT_HASH_HANDLE h;
    alg_hash_id alg;
    int finished;
};

crpki_err crypto_hash_new(alg_hash_id alg, crypto_hash_ctx **out)
{
    if (!out)
        return CRPKI_E_INVALID_ARG;
    *out = NULL;
    int pi = hash_prov_index(alg);
    if (pi < 0)
        return CRPKI_E_NOT_SUPPORTED;
    BCRYPT_ALG_HANDLE a = prov(pi);
    if (!a)
        return CRPKI_E_NOT_SUPPORTED;
    crypto_hash_ctx *h = calloc(1, sizeof *h);
    if (!h)
        return CRPKI_E_NO_MEMORY;
    h->alg = alg;
    /* A NULL object buffer: BCrypt allocates (and frees) the hash object. */
    NTSTATUS st = BCryptCreateHash(a, &h->h, NULL, 0, NULL, 0, 0);
    if (!NT_OK(st)) {
        free(h);
        return failed("BCryptCreateHash", st);
    }
    *out = h;
    return CRPKI_OK;
}

crpki_err crypto_hash_update(crypto_hash_ctx *h, const void *data, size_t len)
{
    if (!h || h->finished || (!data && len))
        return CRPKI_E_INVALID_ARG;
    const uint8_t *p = data;
    while (len > 0) {
        ULONG n = len > 0x40000000u ? 0x40000000u : (ULONG)len;
        NTSTATUS st = BCryptHashData(h->h, (PUCHAR)p, n, 0);
        if (!NT_OK(st))
            return failed("BCryptHashData", st);
        p += n;
        len -= n;
    }
    return CRPKI_OK;
}

crpki_err crypto_hash_final(crypto_hash_ctx *h, uint8_t *out, size_t outsz)
{
    if (!h || h->finished || !out)
        return CRPKI_E_INVALID_ARG;
    size_t len = alg_hash_by_id(h->alg)->len;
    if (outsz < len)
        return CRPKI_E_BUFFER_TOO_SMALL;
    h->finished = 1;
    NTSTATUS st = BCryptFinishHash(h->h, out, (ULONG)len, 0);
    if (!NT_OK(st))
        return failed("BCryptFinishHash", st);
    return CRPKI_OK;
}

crpki_err crypto_hash_dup(const crypto_hash_ctx *h, crypto_hash_ctx **out)
{
    if (!out)
        return CRPKI_E_INVALID_ARG;
    *out = NULL;
    if (!h || h->finished)
        return CRPKI_E_INVALID_ARG;
    crypto_hash_ctx *d = calloc(1, sizeof *d);
    if (!d)
        return CRPKI_E_NO_MEMORY;
    d->alg = h->alg;
    NTSTATUS st = BCryptDuplicateHash(h->h, &d->h, NULL, 0, 0);
    if (!NT_OK(st)) {
        free(d);
        return failed("BCryptDuplicateHash", st);
    }
    *out = d;
    return CRPKI_OK;
}

void crypto_hash_free(crypto_hash_ctx *h)
{
    if (!h)
        return;
    if (h->h)
        BCryptDestroyHash(h->h);
    free(h);
}

/* ---- keys -------------------------------------------------------------------- */

static crpki_err import_rsa(crypto_pubkey *k)
{
    BCRYPT_ALG_HANDLE a = prov(P_RSA);
    if (!a)
        return CRPKI_E_NOT_SUPPORTED;
    size_t sz = sizeof(BCRYPT_RSAKEY_BLOB) + k->elen + k->nlen;
    uint8_t *blob = calloc(1, sz);
    if (!blob)
        return CRPKI_E_NO_MEMORY;
    BCRYPT_RSAKEY_BLOB *hdr = (BCRYPT_RSAKEY_BLOB *)blob;
    hdr->Magic = BCRYPT_RSAPUBLIC_MAGIC;
    hdr->BitLength = k->bits;
    hdr->cbPublicExp = (ULONG)k->elen;
    hdr->cbModulus = (ULONG)k->nlen;
    /* big-endian exponent, then big-endian modulus */
    memcpy(blob + sizeof *hdr, k->e, k->elen);
    memcpy(blob + sizeof *hdr + k->elen, k->n, k->nlen);
    BCRYPT_KEY_HANDLE key = NULL;
    NTSTATUS st = BCryptImportKeyPair(a, NULL, BCRYPT_RSAPUBLIC_BLOB, &key, blob, (ULONG)sz, 0);
    free(blob);
    if (!NT_OK(st))
        return failed("BCryptImportKeyPair(RSA)", st);
    k->backend = key;
    return CRPKI_OK;
}

static crpki_err import_ec(crypto_pubkey *k)
{
    int p384 = k->curve == CRPKI_CURVE_P384;
    BCRYPT_ALG_HANDLE a = prov(p384 ? P_P384 : P_P256);
    if (!a)
        return CRPKI_E_NOT_SUPPORTED;
    uint8_t blob[sizeof(BCRYPT_ECCKEY_BLOB) + 2 * 48];
    BCRYPT_ECCKEY_BLOB *hdr = (BCRYPT_ECCKEY_BLOB *)blob;
    hdr->dwMagic = p384 ? BCRYPT_ECDSA_PUBLIC_P384_MAGIC : BCRYPT_ECDSA_PUBLIC_P256_MAGIC;
    hdr->cbKey = (ULONG)k->coord_len;
    memcpy(blob + sizeof *hdr, k->x, k->coord_len);
    memcpy(blob + sizeof *hdr + k->coord_len, k->y, k->coord_len);
    BCRYPT_KEY_HANDLE key = NULL;
    NTSTATUS st = BCryptImportKeyPair(a, NULL, BCRYPT_ECCPUBLIC_BLOB, &key, blob,
                                      (ULONG)(sizeof *hdr + 2 * k->coord_len), 0);
    if (!NT_OK(st)) {
        log_write(CRPKI_LOG_WARN, "crypto", "BCryptImportKeyPair(EC) refused the point: 0x%08lx",
                  (unsigned long)st);
        return CRPKI_E_INVALID_ARG;
    }
    k->backend = key;
    return CRPKI_OK;
}

crpki_err crypto_key_import(crypto_pubkey *k)
{
    return k->type == CRPKI_KEY_RSA ? import_rsa(k) : import_ec(k);
}

void crypto_key_free(void *backend)
{
    BCryptDestroyKey((BCRYPT_KEY_HANDLE)backend);
}

/* ---- verification -------------------------------------------------------------- */

static const wchar_t *hash_name(alg_hash_id hash)
{
    int i = hash_prov_index(hash);
    return i < 0 ? NULL : PROV_NAMES[i];
}

static crpki_err verify_status(const char *what, NTSTATUS st)
{
    if (NT_OK(st))
        return CRPKI_OK;
    if (st == STATUS_INVALID_SIGNATURE)
        return CRPKI_E_BAD_SIGNATURE;
    return failed(what, st);
}

crpki_err crypto_verify_pkcs1(const crypto_pubkey *k, alg_hash_id hash, const uint8_t *digest,
                              size_t digest_len, const uint8_t *sig, size_t sig_len)
{
    /* hash is never NONE here: raw PKCS#1 is verified in crypto_pubkey.c */
    BCRYPT_PKCS1_PADDING_INFO pi = {hash_name(hash)};
    NTSTATUS st =
        BCryptVerifySignature((BCRYPT_KEY_HANDLE)k->backend, &pi, (PUCHAR)digest, (ULONG)digest_len,
                              (PUCHAR)sig, (ULONG)sig_len, BCRYPT_PAD_PKCS1);
    return verify_status("BCryptVerifySignature(PKCS1)", st);
}

crpki_err crypto_verify_pss(const crypto_pubkey *k, alg_hash_id hash, unsigned salt_len,
                            const uint8_t *digest, size_t digest_len, const uint8_t *sig,
                            size_t sig_len)
{
    BCRYPT_PSS_PADDING_INFO pi = {hash_name(hash), salt_len};
    NTSTATUS st =
        BCryptVerifySignature((BCRYPT_KEY_HANDLE)k->backend, &pi, (PUCHAR)digest, (ULONG)digest_len,
                              (PUCHAR)sig, (ULONG)sig_len, BCRYPT_PAD_PSS);
    return verify_status("BCryptVerifySignature(PSS)", st);
}

crpki_err crypto_verify_ecdsa(const crypto_pubkey *k, const uint8_t *digest, size_t digest_len,
                              const uint8_t *sig, size_t sig_len)
{
    NTSTATUS st = BCryptVerifySignature((BCRYPT_KEY_HANDLE)k->backend, NULL, (PUCHAR)digest,
                                        (ULONG)digest_len, (PUCHAR)sig, (ULONG)sig_len, 0);
    return verify_status("BCryptVerifySignature(ECDSA)", st);
}
