/* The portable half of the crypto interface: public keys (numbers kept
 * here, the backend's handle beside them), the argument checks of
 * crypto_verify, one-shot digests. */
#include <stdlib.h>
#include <string.h>

#include "core/crypto/crypto_bn.h"
#include "core/crypto/crypto_internal.h"
#include "core/crypto/crypto_der.h"
#include "base/error/fail.h"

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

static void strip_zeros(const uint8_t **p, size_t *n)
{
    while (*n > 0 && (*p)[0] == 0) {
        (*p)++;
        (*n)--;
    }
}

static unsigned bit_length(const uint8_t *p, size_t len)
{
    unsigned top = 0;
    for (uint8_t b = p[0]; b; b >>= 1)
        top++;
    return (unsigned)(len - 1) * 8 + top;
}

void crypto_pubkey_free(crypto_pubkey *k)
{
    if (!k)
        return;
    if (k->backend)
        crypto_key_free(k->backend);
    free(k->n);
    free(k->e);
    free(k->x);
    free(k->y);
    free(k);
}

/* The end of both constructors: k's numbers were copied (copied: 0 when a
 * copy failed); hands k to the backend and to *out, or frees it. */
static crpki_err finish(crypto_pubkey *k, int copied, crypto_pubkey **out)
{
    crpki_err rc = copied ? crypto_key_import(k) : CRPKI_E_NO_MEMORY;
    if (rc != CRPKI_OK) {
        crypto_pubkey_free(k);
        return rc;
    }
    *out = k;
    return CRPKI_OK;
}

crpki_err crypto_pubkey_from_rsa(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen,
                                 crypto_pubkey **out)
{
    if (!out)
        return CRPKI_E_INVALID_ARG;
    *out = NULL;
    if (!n || !e)
        return CRPKI_E_INVALID_ARG;
    strip_zeros(&n, &nlen);
    strip_zeros(&e, &elen);
    if (nlen == 0 || elen == 0 || elen > 8 || !(e[elen - 1] & 1) || !(n[nlen - 1] & 1))
        return CRPKI_E_INVALID_ARG;
    if (elen == 1 && e[0] < 3)
        return CRPKI_E_INVALID_ARG;
    unsigned bits = bit_length(n, nlen);
    if (bits < 1024 || bits > 16384)
        return CRPKI_E_NOT_SUPPORTED;
    crypto_pubkey *k = calloc(1, sizeof *k);
    if (!k)
        return CRPKI_E_NO_MEMORY;
    k->type = CRPKI_KEY_RSA;
    k->bits = bits;
    k->n = dup_bytes(n, nlen);
    k->e = dup_bytes(e, elen);
    k->nlen = nlen;
    k->elen = elen;
    return finish(k, k->n && k->e, out);
}

crpki_err crypto_pubkey_from_ec(alg_curve curve, const uint8_t *x, const uint8_t *y,
                                size_t coord_len, crypto_pubkey **out)
{
    if (!out)
        return CRPKI_E_INVALID_ARG;
    *out = NULL;
    if (!x || !y)
        return CRPKI_E_INVALID_ARG;
    size_t want = curve == CRPKI_CURVE_P256 ? 32 : curve == CRPKI_CURVE_P384 ? 48 : 0;
    if (want == 0)
        return CRPKI_E_NOT_SUPPORTED;
    if (coord_len != want)
        return CRPKI_E_INVALID_ARG;
    /* Checked here, not left to the backend: Wine's BCrypt imports any point. */
    if (!crypto_bn_ec_on_curve(curve, x, y))
        return CRPKI_E_INVALID_ARG;
    crypto_pubkey *k = calloc(1, sizeof *k);
    if (!k)
        return CRPKI_E_NO_MEMORY;
    k->type = CRPKI_KEY_EC;
    k->bits = (unsigned)want * 8;
    k->curve = curve;
    k->x = dup_bytes(x, want);
    k->y = dup_bytes(y, want);
    k->coord_len = want;
    return finish(k, k->x && k->y, out);
}

crpki_err crypto_pubkey_from_cert(const uint8_t *der, size_t len, crypto_pubkey **out,
                                  crpki_error_info *ei)
{
    char why[160];
    der_span spki;
    crypto_spki pk;
    fail_clear(ei);
    if (!out) {
        fail_with(ei, CRPKI_E_INVALID_ARG, "no output");
        return CRPKI_E_INVALID_ARG;
    }
    *out = NULL;
    if (!der || len == 0) {
        fail_with(ei, CRPKI_E_INVALID_ARG, "certificate: empty");
        return CRPKI_E_INVALID_ARG;
    }
    if (crypto_der_cert_spki(der, len, &spki, why, sizeof why) != 0 ||
        crypto_der_parse_spki(spki.p, spki.len, &pk, why, sizeof why) != 0) {
        fail_with(ei, CRPKI_E_INVALID_ARG, "%s", why);
        return CRPKI_E_INVALID_ARG;
    }
    crpki_err rc;
    if (pk.type == CRPKI_KEY_RSA)
        rc = crypto_pubkey_from_rsa(pk.n, pk.nlen, pk.e, pk.elen, out);
    else
        rc = crypto_pubkey_from_ec(pk.curve, pk.x, pk.y, pk.coord_len, out);
    if (rc != CRPKI_OK)
        fail_with(ei, rc, "%s",
                  rc == CRPKI_E_INVALID_ARG ? "public key: rejected (an EC point off its curve, or "
                                              "an even modulus)"
                                            : "public key: could not be imported");
    return rc;
}

void crypto_pubkey_get_info(const crypto_pubkey *k, crypto_pubkey_info *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!k)
        return;
    out->type = k->type;
    out->bits = k->bits;
    out->curve = k->curve;
    out->n = k->n;
    out->nlen = k->nlen;
    out->e = k->e;
    out->elen = k->elen;
    out->x = k->x;
    out->y = k->y;
    out->coord_len = k->coord_len;
}

/* PKCS#1 v1.5 over a caller-built payload (no DigestInfo added): the RSA
 * public operation here, then EM = 00 01 FF..FF 00 || payload compared
 * whole. Portable because Wine's BCrypt refuses valid signatures with a
 * NULL pszAlgId and has no raw RSA (BCryptEncrypt BCRYPT_PAD_NONE). */
static crpki_err verify_pkcs1_raw(const crypto_pubkey *k, const uint8_t *payload, size_t len,
                                  const uint8_t *sig)
{
    uint8_t *em = malloc(k->nlen), *want = malloc(k->nlen);
    crpki_err rc = CRPKI_E_NO_MEMORY;
    if (em && want) {
        size_t ps = k->nlen - 3 - len;
        want[0] = 0x00;
        want[1] = 0x01;
        memset(want + 2, 0xff, ps);
        want[2 + ps] = 0x00;
        memcpy(want + 3 + ps, payload, len);
        if (crypto_bn_modexp(k->n, k->nlen, k->e, k->elen, sig, em) != 0)
            rc = CRPKI_E_BAD_SIGNATURE; /* sig >= n */
        else
            rc = memcmp(em, want, k->nlen) == 0 ? CRPKI_OK : CRPKI_E_BAD_SIGNATURE;
    }
    free(em);
    free(want);
    return rc;
}

crpki_err crypto_verify(const crypto_pubkey *k, const crypto_sig_params *p, const uint8_t *digest,
                        size_t digest_len, const uint8_t *sig, size_t sig_len)
{
    if (!k || !p || !digest || digest_len == 0 || !sig)
        return CRPKI_E_INVALID_ARG;
    const alg_hash_info *hi = alg_hash_by_id(p->hash);
    if (p->hash != CRPKI_HASH_NONE && !hi)
        return CRPKI_E_INVALID_ARG;
    switch (p->scheme) {
    case CRPKI_PAD_PKCS1:
        if (k->type != CRPKI_KEY_RSA)
            return CRPKI_E_INVALID_ARG;
        if (hi ? digest_len != hi->len : digest_len + 11 > k->nlen)
            return CRPKI_E_INVALID_ARG;
        if (sig_len != k->nlen)
            return CRPKI_E_BAD_SIGNATURE;
        if (!hi)
            return verify_pkcs1_raw(k, digest, digest_len, sig);
        return crypto_verify_pkcs1(k, p->hash, digest, digest_len, sig, sig_len);
    case CRPKI_PAD_PSS: {
        if (k->type != CRPKI_KEY_RSA || !hi || digest_len != hi->len)
            return CRPKI_E_INVALID_ARG;
        /* RFC 8017 9.1.2: emLen = ceil((modBits - 1) / 8) >= hLen + sLen + 2 */
        size_t em_len = (k->bits - 1 + 7) / 8;
        if ((size_t)p->salt_len + hi->len + 2 > em_len)
            return CRPKI_E_INVALID_ARG;
        if (sig_len != k->nlen)
            return CRPKI_E_BAD_SIGNATURE;
        return crypto_verify_pss(k, p->hash, p->salt_len, digest, digest_len, sig, sig_len);
    }
    case CRPKI_PAD_ECDSA:
        if (k->type != CRPKI_KEY_EC || digest_len > 64)
            return CRPKI_E_INVALID_ARG;
        if (hi && digest_len != hi->len)
            return CRPKI_E_INVALID_ARG;
        if (sig_len != 2 * k->coord_len)
            return CRPKI_E_BAD_SIGNATURE;
        /* FIPS 186-4 6.4: only the leftmost field-size bits of a longer digest
           count (whole bytes for P-256/P-384). Done here because Wine's BCrypt
           refuses a digest longer than the field instead. */
        if (digest_len > k->coord_len)
            digest_len = k->coord_len;
        return crypto_verify_ecdsa(k, digest, digest_len, sig, sig_len);
    }
    return CRPKI_E_INVALID_ARG;
}

crpki_err crypto_digest(alg_hash_id alg, const void *data, size_t len, uint8_t *out, size_t outsz)
{
    crypto_hash_ctx *h = NULL;
    crpki_err rc = crypto_hash_new(alg, &h);
    if (rc == CRPKI_OK)
        rc = crypto_hash_update(h, data, len);
    if (rc == CRPKI_OK)
        rc = crypto_hash_final(h, out, outsz);
    crypto_hash_free(h);
    return rc;
}
