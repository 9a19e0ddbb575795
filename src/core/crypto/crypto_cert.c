/* Chain checks of a service certificate (crypto_cert.h). */
#include "core/crypto/crypto_cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_random.h"
#include "core/crypto/crypto.h"
#include "core/crypto/crypto_der.h"

#define KU_DIGITAL_SIGNATURE (1u << 0)
#define KU_NON_REPUDIATION   (1u << 1)
#define KU_KEY_CERT_SIGN     (1u << 5)

typedef struct {
    uint8_t oid[9];
    size_t oid_len;
    alg_key_type key;
    alg_hash_id hash;
} sig_alg;

/* The signature algorithms a CA uses (PKCS#1 v1.5, ECDSA). Verification
 * may accept SHA-1, as the issue of signing does not arise. */
static const sig_alg SIG_ALGS[] = {
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05}, 9, CRPKI_KEY_RSA, CRPKI_HASH_SHA1},
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b}, 9, CRPKI_KEY_RSA, CRPKI_HASH_SHA256},
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c}, 9, CRPKI_KEY_RSA, CRPKI_HASH_SHA384},
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d}, 9, CRPKI_KEY_RSA, CRPKI_HASH_SHA512},
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01}, 7, CRPKI_KEY_EC, CRPKI_HASH_SHA1},
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}, 8, CRPKI_KEY_EC, CRPKI_HASH_SHA256},
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03}, 8, CRPKI_KEY_EC, CRPKI_HASH_SHA384},
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04}, 8, CRPKI_KEY_EC, CRPKI_HASH_SHA512},
};

static const char *nth(size_t i, char *buf, size_t n)
{
    if (i == 0)
        snprintf(buf, n, "the certificate");
    else
        snprintf(buf, n, "issuer certificate %u", (unsigned)i);
    return buf;
}

/* Did the holder of issuer_spki sign c? 0 yes, -1 no (why). */
static int signed_by(const crypto_cert_view *c, const der_span *issuer_spki, char *why,
                     size_t whysz)
{
    const sig_alg *a = NULL;
    for (size_t i = 0; i < sizeof SIG_ALGS / sizeof SIG_ALGS[0] && !a; i++)
        if (c->sig_oid.len == SIG_ALGS[i].oid_len &&
            memcmp(c->sig_oid.p, SIG_ALGS[i].oid, c->sig_oid.len) == 0)
            a = &SIG_ALGS[i];
    if (!a) {
        snprintf(why, whysz, "signed with an algorithm this driver does not verify");
        return -1;
    }
    crypto_spki pk;
    if (crypto_der_parse_spki(issuer_spki->p, issuer_spki->len, &pk, why, whysz) != 0)
        return -1;
    if (pk.type != a->key) {
        snprintf(why, whysz, "the signature algorithm does not fit the issuer's key");
        return -1;
    }
    crypto_pubkey *k = NULL;
    crpki_err e = pk.type == CRPKI_KEY_RSA
                      ? crypto_pubkey_from_rsa(pk.n, pk.nlen, pk.e, pk.elen, &k)
                      : crypto_pubkey_from_ec(pk.curve, pk.x, pk.y, pk.coord_len, &k);
    if (e != CRPKI_OK) {
        snprintf(why, whysz, "the issuer's public key cannot be used");
        return -1;
    }
    uint8_t digest[64], p1363[132];
    crypto_sig_params sp = {a->key == CRPKI_KEY_RSA ? CRPKI_PAD_PKCS1 : CRPKI_PAD_ECDSA, a->hash,
                            0};
    const uint8_t *sig = c->sig.p;
    size_t sig_len = c->sig.len;
    e = crypto_digest(a->hash, c->tbs.p, c->tbs.len, digest, sizeof digest);
    if (e == CRPKI_OK && a->key == CRPKI_KEY_EC) {
        size_t n = sizeof p1363;
        e = crypto_ecdsa_der_to_p1363(c->sig.p, c->sig.len, pk.coord_len, p1363, &n);
        sig = p1363;
        sig_len = n;
    }
    if (e == CRPKI_OK) {
        const alg_hash_info *hi = alg_hash_by_id(a->hash);
        e = crypto_verify(k, &sp, digest, hi ? hi->len : 0, sig, sig_len);
    }
    crypto_pubkey_free(k);
    if (e != CRPKI_OK) {
        snprintf(why, whysz, "its signature does not verify with the issuer's key");
        return -1;
    }
    return 0;
}

static int same(const der_span *a, const der_span *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

crpki_err crypto_cert_check_chain(const crypto_cert_der *certs, size_t n, int64_t now,
                                  crpki_error_info *ei)
{
    fail_clear(ei);
    if (!certs || n == 0 || n > 16)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "certificate chain: none, or too long");
    if (n < 2)
        return fail_with(ei, CRPKI_E_BAD_CERT,
                         "the service sent the certificate without its issuing CA");
    crypto_cert_view *v = calloc(n, sizeof *v);
    if (!v)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    char why[160], who[48];
    crpki_err e = CRPKI_OK;
    for (size_t i = 0; i < n && e == CRPKI_OK; i++) {
        if (crypto_der_parse_cert(certs[i].der, certs[i].len, &v[i], why, sizeof why) != 0)
            e = fail_with(ei, CRPKI_E_BAD_CERT, "%s: %s", nth(i, who, sizeof who), why);
        else if (now < v[i].not_before)
            e = fail_with(ei, CRPKI_E_BAD_CERT, "%s is not valid yet", nth(i, who, sizeof who));
        else if (now > v[i].not_after)
            e = fail_with(ei, CRPKI_E_BAD_CERT, "%s has expired", nth(i, who, sizeof who));
        else if (i > 0 && !v[i].is_ca)
            e = fail_with(ei, CRPKI_E_BAD_CERT, "%s is not a CA certificate",
                          nth(i, who, sizeof who));
        else if (i > 0 && v[i].has_key_usage && !(v[i].key_usage & KU_KEY_CERT_SIGN))
            e = fail_with(ei, CRPKI_E_BAD_CERT, "%s may not sign certificates",
                          nth(i, who, sizeof who));
    }
    for (size_t i = 0; i + 1 < n && e == CRPKI_OK; i++) {
        if (!same(&v[i].issuer, &v[i + 1].subject))
            e = fail_with(ei, CRPKI_E_BAD_CERT, "%s was not issued by the next in the chain",
                          nth(i, who, sizeof who));
        else if (signed_by(&v[i], &v[i + 1].spki, why, sizeof why) != 0)
            e = fail_with(ei, CRPKI_E_BAD_CERT, "%s: %s", nth(i, who, sizeof who), why);
    }
    const crypto_cert_view *root = &v[n - 1];
    if (e == CRPKI_OK && !same(&root->issuer, &root->subject))
        e = fail_with(ei, CRPKI_E_BAD_CERT,
                      "the chain does not end in the issuing CA's self-signed root");
    else if (e == CRPKI_OK && signed_by(root, &root->spki, why, sizeof why) != 0)
        e = fail_with(ei, CRPKI_E_BAD_CERT, "the root: %s", why);
    if (e == CRPKI_OK && v[0].is_ca)
        e = fail_with(ei, CRPKI_E_BAD_CERT, "the certificate is a CA certificate, not a signer's");
    if (e == CRPKI_OK && v[0].has_key_usage &&
        !(v[0].key_usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
        e = fail_with(ei, CRPKI_E_BAD_CERT,
                      "the certificate's key usage allows no digital signature");
    free(v);
    return e;
}

int crypto_cert_fingerprint(const uint8_t *der, size_t len, char hex[65])
{
    uint8_t d[32];
    if (!der || plat_sha256(der, len, d) != 0)
        return -1;
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return 0;
}

crpki_err crypto_cert_root_pinned(const crypto_cert_der *root, char *const *pins, size_t npins,
                                  crpki_error_info *ei)
{
    if (npins == 0)
        return CRPKI_OK;
    char fp[65];
    if (!root || !root->der || crypto_cert_fingerprint(root->der, root->len, fp) != 0)
        return fail_with(ei, CRPKI_E_BAD_CERT,
                         "the certificate's chain has no root to compare with the %u trusted "
                         "registrar roots (trusted_roots)",
                         (unsigned)npins);
    for (size_t i = 0; i < npins; i++)
        if (pins[i] && strcmp(pins[i], fp) == 0)
            return CRPKI_OK;
    return fail_with(ei, CRPKI_E_BAD_CERT,
                     "the certificate's chain ends at root SHA-256 %s, not one of the %u registrar "
                     "roots the administrator trusts (trusted_roots)",
                     fp, (unsigned)npins);
}

int crypto_cert_validity(const uint8_t *der, size_t len, int64_t *not_before, int64_t *not_after)
{
    crypto_cert_view v;
    char why[160];
    if (!der || crypto_der_parse_cert(der, len, &v, why, sizeof why) != 0)
        return -1;
    *not_before = v.not_before;
    *not_after = v.not_after;
    return 0;
}
