/* test_crypto: the crypto backend against one set of vectors (vectors.h,
 * made with the OpenSSL CLI), the same on OpenSSL (Linux) and BCrypt
 * (Windows, under Wine). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/crypto.h"
#include "core/crypto/crypto_der.h"
#include "vectors.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t *known_digest(alg_hash_id h, const char *msg)
{
    for (size_t i = 0; i < NELEM(TV_DIGESTS); i++)
        if (TV_DIGESTS[i].hash == h && strcmp(TV_DIGESTS[i].msg, msg) == 0)
            return TV_DIGESTS[i].digest;
    fail_msg("no vector for hash %d", (int)h);
    return NULL;
}

static const alg_hash_id ALL_HASHES[] = {CRPKI_HASH_MD5, CRPKI_HASH_SHA1, CRPKI_HASH_SHA256,
                                         CRPKI_HASH_SHA384, CRPKI_HASH_SHA512};

/* ---- hashing -------------------------------------------------------------------- */

static void digest_matches_known_answers_including_empty_input(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(TV_DIGESTS); i++) {
        const tv_digest *v = &TV_DIGESTS[i];
        uint8_t out[64];
        assert_int_equal(crypto_digest(v->hash, v->msg, strlen(v->msg), out, sizeof out), CRPKI_OK);
        assert_memory_equal(out, v->digest, v->len);
    }
}

static void hash_in_pieces_equals_one_shot(void **state)
{
    (void)state;
    const char *fox = TV_FOX;
    for (size_t i = 0; i < NELEM(ALL_HASHES); i++) {
        crypto_hash_ctx *h = NULL;
        uint8_t out[64];
        assert_int_equal(crypto_hash_new(ALL_HASHES[i], &h), CRPKI_OK);
        assert_int_equal(crypto_hash_update(h, fox, 4), CRPKI_OK);
        assert_int_equal(crypto_hash_update(h, NULL, 0), CRPKI_OK);
        assert_int_equal(crypto_hash_update(h, fox + 4, 16), CRPKI_OK);
        assert_int_equal(crypto_hash_update(h, fox + 20, strlen(fox) - 20), CRPKI_OK);
        assert_int_equal(crypto_hash_final(h, out, sizeof out), CRPKI_OK);
        assert_memory_equal(out, known_digest(ALL_HASHES[i], TV_FOX),
                            alg_hash_by_id(ALL_HASHES[i])->len);
        crypto_hash_free(h);
    }
}

static void hash_dup_is_independent_of_the_original(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(ALL_HASHES); i++) {
        alg_hash_id alg = ALL_HASHES[i];
        size_t len = alg_hash_by_id(alg)->len;
        crypto_hash_ctx *h = NULL, *d = NULL;
        uint8_t out[64];
        assert_int_equal(crypto_hash_new(alg, &h), CRPKI_OK);
        assert_int_equal(crypto_hash_update(h, "a", 1), CRPKI_OK);
        assert_int_equal(crypto_hash_dup(h, &d), CRPKI_OK);
        /* the original goes on to "abc", the copy stops at "ab" */
        assert_int_equal(crypto_hash_update(h, "bc", 2), CRPKI_OK);
        assert_int_equal(crypto_hash_update(d, "b", 1), CRPKI_OK);
        assert_int_equal(crypto_hash_final(h, out, sizeof out), CRPKI_OK);
        assert_memory_equal(out, known_digest(alg, "abc"), len);
        crypto_hash_free(h);
        assert_int_equal(crypto_hash_final(d, out, sizeof out), CRPKI_OK);
        assert_memory_equal(out, known_digest(alg, "ab"), len);
        crypto_hash_free(d);
    }
}

static void hash_misuse_gets_error_codes(void **state)
{
    (void)state;
    crypto_hash_ctx *h = NULL, *d = NULL;
    uint8_t out[64];
    assert_int_equal(crypto_hash_new(CRPKI_HASH_NONE, &h), CRPKI_E_NOT_SUPPORTED);
    assert_null(h);
    assert_int_equal(crypto_hash_new((alg_hash_id)99, &h), CRPKI_E_NOT_SUPPORTED);
    assert_int_equal(crypto_hash_new(CRPKI_HASH_SHA256, NULL), CRPKI_E_INVALID_ARG);
    assert_int_equal(crypto_hash_new(CRPKI_HASH_SHA256, &h), CRPKI_OK);
    assert_int_equal(crypto_hash_update(h, NULL, 3), CRPKI_E_INVALID_ARG);
    assert_int_equal(crypto_hash_final(h, out, 31), CRPKI_E_BUFFER_TOO_SMALL);
    /* a short buffer does not finish the hash */
    assert_int_equal(crypto_hash_final(h, out, 32), CRPKI_OK);
    assert_memory_equal(out, known_digest(CRPKI_HASH_SHA256, ""), 32);
    assert_int_equal(crypto_hash_update(h, "x", 1), CRPKI_E_INVALID_ARG);
    assert_int_equal(crypto_hash_final(h, out, sizeof out), CRPKI_E_INVALID_ARG);
    assert_int_equal(crypto_hash_dup(h, &d), CRPKI_E_INVALID_ARG);
    assert_null(d);
    crypto_hash_free(h);
    crypto_hash_free(NULL);
    assert_int_equal(crypto_digest(CRPKI_HASH_SHA512, "abc", 3, out, 63), CRPKI_E_BUFFER_TOO_SMALL);
}

/* ---- keys ----------------------------------------------------------------------- */

static crypto_pubkey *key_from_cert(int i)
{
    crypto_pubkey *k = NULL;
    crpki_error_info ei;
    crpki_err rc = crypto_pubkey_from_cert(TV_KEYS[i].cert, TV_KEYS[i].cert_len, &k, &ei);
    if (rc != CRPKI_OK)
        fail_msg("%s: %s", TV_KEYS[i].name, ei.detail);
    return k;
}

static void pubkey_info_matches_the_certificates(void **state)
{
    (void)state;
    for (int i = 0; i < (int)NELEM(TV_KEYS); i++) {
        const tv_key *v = &TV_KEYS[i];
        crypto_pubkey *k = key_from_cert(i);
        crypto_pubkey_info info;
        crypto_pubkey_get_info(k, &info);
        assert_int_equal(info.type, v->type);
        assert_int_equal(info.bits, v->bits);
        assert_int_equal(info.curve, v->curve);
        if (v->type == CRPKI_KEY_RSA) {
            assert_int_equal(info.nlen, v->nlen);
            assert_int_equal(info.nlen, v->bits / 8);
            assert_memory_equal(info.n, v->n, v->nlen);
            assert_int_equal(info.elen, v->elen);
            assert_memory_equal(info.e, v->e, v->elen);
            assert_null(info.x);
        } else {
            assert_int_equal(info.coord_len, v->coord_len);
            assert_memory_equal(info.x, v->x, v->coord_len);
            assert_memory_equal(info.y, v->y, v->coord_len);
            assert_null(info.n);
        }
        crypto_pubkey_free(k);
    }
}

static void pubkey_from_numbers_strips_leading_zeros(void **state)
{
    (void)state;
    const tv_key *v = &TV_KEYS[TV_RSA2048];
    uint8_t n[257], e[4] = {0, 1, 0, 1};
    n[0] = 0;
    memcpy(n + 1, v->n, 256);
    crypto_pubkey *k = NULL;
    assert_int_equal(crypto_pubkey_from_rsa(n, sizeof n, e, sizeof e, &k), CRPKI_OK);
    crypto_pubkey_info info;
    crypto_pubkey_get_info(k, &info);
    assert_int_equal(info.bits, 2048);
    assert_int_equal(info.nlen, 256);
    assert_int_equal(info.elen, 3);
    crypto_pubkey_free(k);
    /* an even modulus or exponent is no RSA key */
    n[256] ^= 1;
    assert_int_equal(crypto_pubkey_from_rsa(n, sizeof n, e, sizeof e, &k), CRPKI_E_INVALID_ARG);
    assert_null(k);
    assert_int_equal(crypto_pubkey_from_rsa(v->n, v->nlen, (const uint8_t *)"\x01\x00", 2, &k),
                     CRPKI_E_INVALID_ARG);
    crypto_pubkey_free(NULL);
}

static void ec_point_off_the_curve_is_refused(void **state)
{
    (void)state;
    for (int i = TV_P256; i <= TV_P384; i++) {
        const tv_key *v = &TV_KEYS[i];
        uint8_t y[48];
        crypto_pubkey *k = NULL;
        assert_int_equal(crypto_pubkey_from_ec(v->curve, v->x, v->y, v->coord_len, &k), CRPKI_OK);
        crypto_pubkey_free(k);
        memcpy(y, v->y, v->coord_len);
        y[v->coord_len - 1] ^= 1;
        k = NULL;
        assert_int_equal(crypto_pubkey_from_ec(v->curve, v->x, y, v->coord_len, &k),
                         CRPKI_E_INVALID_ARG);
        assert_null(k);
        assert_int_equal(crypto_pubkey_from_ec(v->curve, v->x, v->y, v->coord_len - 1, &k),
                         CRPKI_E_INVALID_ARG);
    }
    crypto_pubkey *k = NULL;
    assert_int_equal(
        crypto_pubkey_from_ec(CRPKI_CURVE_NONE, TV_KEYS[TV_P256].x, TV_KEYS[TV_P256].y, 32, &k),
        CRPKI_E_NOT_SUPPORTED);
}

/* A malformed certificate is an error with a detail, never a crash. */
static void expect_bad_cert(const uint8_t *der, size_t len)
{
    crypto_pubkey *k = (crypto_pubkey *)&k; /* must be reset to NULL */
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err rc = crypto_pubkey_from_cert(der, len, &k, &ei);
    assert_int_not_equal(rc, CRPKI_OK);
    assert_null(k);
    assert_true(ei.detail[0] != '\0');
}

static void malformed_certificates_are_errors(void **state)
{
    (void)state;
    for (int i = 0; i < (int)NELEM(TV_KEYS); i++) {
        const tv_key *v = &TV_KEYS[i];
        uint8_t *buf = malloc(v->cert_len + 1);
        assert_non_null(buf);
        /* truncated at every length */
        for (size_t len = 0; len < v->cert_len; len++) {
            memcpy(buf, v->cert, len);
            expect_bad_cert(len ? buf : NULL, len);
            if (len)
                expect_bad_cert(buf, len);
        }
        /* wrong outer tag (SET instead of SEQUENCE) */
        memcpy(buf, v->cert, v->cert_len);
        buf[0] = 0x31;
        expect_bad_cert(buf, v->cert_len);
        /* trailing byte */
        memcpy(buf, v->cert, v->cert_len);
        buf[v->cert_len] = 0;
        expect_bad_cert(buf, v->cert_len + 1);
        /* a length one too long inside: the outer length no longer adds up */
        memcpy(buf, v->cert, v->cert_len);
        buf[v->cert_len - 1] ^= 0x55; /* signature bits: still parses */
        crypto_pubkey *k = NULL;
        assert_int_equal(crypto_pubkey_from_cert(buf, v->cert_len, &k, NULL), CRPKI_OK);
        crypto_pubkey_free(k);
        /* every single byte flipped: either a key or an error, never a crash */
        for (size_t j = 0; j < v->cert_len; j++) {
            memcpy(buf, v->cert, v->cert_len);
            buf[j] ^= 0x80;
            k = NULL;
            if (crypto_pubkey_from_cert(buf, v->cert_len, &k, NULL) == CRPKI_OK)
                crypto_pubkey_free(k);
        }
        free(buf);
    }
}

/* ---- verification --------------------------------------------------------------- */

typedef struct {
    crypto_pubkey *k;
    crypto_sig_params p;
    uint8_t sig[512];
    size_t sig_len;
} prepared;

/* The vector's key, params and signature (ECDSA converted to P1363). */
static void prepare(const tv_sig *v, prepared *out)
{
    out->k = key_from_cert(v->key);
    out->p.scheme = v->scheme;
    out->p.hash = v->hash;
    out->p.salt_len = v->salt_len;
    if (v->scheme == CRPKI_PAD_ECDSA) {
        out->sig_len = sizeof out->sig;
        assert_int_equal(crypto_ecdsa_der_to_p1363(v->sig, v->sig_len, TV_KEYS[v->key].coord_len,
                                                   out->sig, &out->sig_len),
                         CRPKI_OK);
        assert_int_equal(out->sig_len, 2 * TV_KEYS[v->key].coord_len);
    } else {
        assert_true(v->sig_len <= sizeof out->sig);
        memcpy(out->sig, v->sig, v->sig_len);
        out->sig_len = v->sig_len;
    }
}

static void every_vector_verifies(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(TV_SIGS); i++) {
        const tv_sig *v = &TV_SIGS[i];
        prepared pr;
        prepare(v, &pr);
        crpki_err rc = crypto_verify(pr.k, &pr.p, v->digest, v->digest_len, pr.sig, pr.sig_len);
        if (rc != CRPKI_OK)
            fail_msg("%s: %s", v->name, crpki_err_name(rc));
        crypto_pubkey_free(pr.k);
    }
}

static void vectors_verify_with_keys_made_from_numbers(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(TV_SIGS); i++) {
        const tv_sig *v = &TV_SIGS[i];
        const tv_key *kv = &TV_KEYS[v->key];
        prepared pr;
        prepare(v, &pr);
        crypto_pubkey_free(pr.k);
        pr.k = NULL;
        if (kv->type == CRPKI_KEY_RSA)
            assert_int_equal(crypto_pubkey_from_rsa(kv->n, kv->nlen, kv->e, kv->elen, &pr.k),
                             CRPKI_OK);
        else
            assert_int_equal(crypto_pubkey_from_ec(kv->curve, kv->x, kv->y, kv->coord_len, &pr.k),
                             CRPKI_OK);
        assert_int_equal(crypto_verify(pr.k, &pr.p, v->digest, v->digest_len, pr.sig, pr.sig_len),
                         CRPKI_OK);
        crypto_pubkey_free(pr.k);
    }
}

static void raw_pkcs1_over_caller_digestinfo_equals_pkcs1_with_hash(void **state)
{
    (void)state;
    const uint8_t *d = known_digest(CRPKI_HASH_SHA256, TV_FOX);
    uint8_t di[64];
    size_t di_len = alg_digestinfo(CRPKI_HASH_SHA256, d, 32, di, sizeof di);
    assert_int_equal(di_len, 51);
    for (size_t i = 0; i < NELEM(TV_SIGS); i++) {
        const tv_sig *v = &TV_SIGS[i];
        if (v->scheme != CRPKI_PAD_PKCS1 || v->key != TV_RSA2048 ||
            (v->hash != CRPKI_HASH_NONE && v->hash != CRPKI_HASH_SHA256))
            continue;
        prepared pr;
        prepare(v, &pr);
        /* the same signature both ways: DigestInfo added by us or by the caller */
        pr.p.hash = CRPKI_HASH_NONE;
        assert_int_equal(crypto_verify(pr.k, &pr.p, di, di_len, pr.sig, pr.sig_len), CRPKI_OK);
        pr.p.hash = CRPKI_HASH_SHA256;
        assert_int_equal(crypto_verify(pr.k, &pr.p, d, 32, pr.sig, pr.sig_len), CRPKI_OK);
        /* raw, the bare digest is not what was signed */
        pr.p.hash = CRPKI_HASH_NONE;
        assert_int_equal(crypto_verify(pr.k, &pr.p, d, 32, pr.sig, pr.sig_len),
                         CRPKI_E_BAD_SIGNATURE);
        crypto_pubkey_free(pr.k);
    }
}

static crpki_err verify_pr(const prepared *pr, const uint8_t *digest, size_t len)
{
    return crypto_verify(pr->k, &pr->p, digest, len, pr->sig, pr->sig_len);
}

static void tampered_signatures_and_digests_are_bad_signatures(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(TV_SIGS); i++) {
        const tv_sig *v = &TV_SIGS[i];
        prepared pr;
        uint8_t digest[128];
        prepare(v, &pr);
        memcpy(digest, v->digest, v->digest_len);
        /* a flipped bit in the signature: first, middle, last byte */
        size_t where[3] = {0, pr.sig_len / 2, pr.sig_len - 1};
        for (int w = 0; w < 3; w++) {
            pr.sig[where[w]] ^= 0x01;
            if (verify_pr(&pr, digest, v->digest_len) != CRPKI_E_BAD_SIGNATURE)
                fail_msg("%s: flipped signature bit %zu accepted", v->name, where[w]);
            pr.sig[where[w]] ^= 0x01;
        }
        /* a flipped bit in the digest (its first byte: ECDSA uses only the
           leftmost field-size bits of a longer digest) */
        digest[0] ^= 0x01;
        if (verify_pr(&pr, digest, v->digest_len) != CRPKI_E_BAD_SIGNATURE)
            fail_msg("%s: flipped digest bit accepted", v->name);
        digest[0] ^= 0x01;
        /* wrong signature length */
        pr.sig_len--;
        assert_int_equal(verify_pr(&pr, digest, v->digest_len), CRPKI_E_BAD_SIGNATURE);
        pr.sig_len++;
        assert_int_equal(verify_pr(&pr, digest, v->digest_len), CRPKI_OK);
        crypto_pubkey_free(pr.k);
    }
}

static void wrong_salt_or_hash_is_a_bad_signature(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(TV_SIGS); i++) {
        const tv_sig *v = &TV_SIGS[i];
        if (v->hash == CRPKI_HASH_NONE)
            continue;
        prepared pr;
        prepare(v, &pr);
        if (v->scheme == CRPKI_PAD_PSS) {
            pr.p.salt_len = v->salt_len == 0 ? 20 : v->salt_len - 1;
            if (verify_pr(&pr, v->digest, v->digest_len) != CRPKI_E_BAD_SIGNATURE)
                fail_msg("%s: wrong salt length %u accepted", v->name, pr.p.salt_len);
            pr.p.salt_len = v->salt_len;
        }
        /* the same message under another hash */
        alg_hash_id other = v->hash == CRPKI_HASH_SHA384 ? CRPKI_HASH_SHA256 : CRPKI_HASH_SHA384;
        pr.p.hash = other;
        if (verify_pr(&pr, known_digest(other, TV_FOX), alg_hash_by_id(other)->len) !=
            CRPKI_E_BAD_SIGNATURE)
            fail_msg("%s: verified as %s", v->name, alg_hash_by_id(other)->name);
        crypto_pubkey_free(pr.k);
    }
}

static void scheme_not_matching_the_key_is_invalid_arg(void **state)
{
    (void)state;
    crypto_pubkey *rsa = key_from_cert(TV_RSA2048), *ec = key_from_cert(TV_P256);
    const uint8_t *d = known_digest(CRPKI_HASH_SHA256, TV_FOX);
    uint8_t sig[256] = {0};
    crypto_sig_params pk = {CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0};
    crypto_sig_params pss = {CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32};
    crypto_sig_params ecdsa = {CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 0};
    assert_int_equal(crypto_verify(ec, &pk, d, 32, sig, 64), CRPKI_E_INVALID_ARG);
    assert_int_equal(crypto_verify(ec, &pss, d, 32, sig, 64), CRPKI_E_INVALID_ARG);
    assert_int_equal(crypto_verify(rsa, &ecdsa, d, 32, sig, 256), CRPKI_E_INVALID_ARG);
    /* a digest whose length is not the hash's */
    assert_int_equal(crypto_verify(rsa, &pk, d, 31, sig, 256), CRPKI_E_INVALID_ARG);
    /* PSS needs a hash; a salt too long for the modulus */
    pss.hash = CRPKI_HASH_NONE;
    assert_int_equal(crypto_verify(rsa, &pss, d, 32, sig, 256), CRPKI_E_INVALID_ARG);
    pss.hash = CRPKI_HASH_SHA256;
    pss.salt_len = 256 - 32 - 1;
    assert_int_equal(crypto_verify(rsa, &pss, d, 32, sig, 256), CRPKI_E_INVALID_ARG);
    /* raw PKCS#1 longer than the padding allows */
    uint8_t big[250] = {0};
    pk.hash = CRPKI_HASH_NONE;
    assert_int_equal(crypto_verify(rsa, &pk, big, sizeof big, sig, 256), CRPKI_E_INVALID_ARG);
    assert_int_equal(crypto_verify(NULL, &pk, d, 32, sig, 256), CRPKI_E_INVALID_ARG);
    assert_int_equal(crypto_verify(rsa, NULL, d, 32, sig, 256), CRPKI_E_INVALID_ARG);
    crypto_pubkey_free(rsa);
    crypto_pubkey_free(ec);
}

/* ---- ECDSA encodings ------------------------------------------------------------ */

static void ecdsa_der_and_p1363_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(TV_SIGS); i++) {
        const tv_sig *v = &TV_SIGS[i];
        if (v->scheme != CRPKI_PAD_ECDSA)
            continue;
        size_t c = TV_KEYS[v->key].coord_len;
        uint8_t rs[96], der[120];
        size_t rs_len = sizeof rs, der_len = sizeof der;
        assert_int_equal(crypto_ecdsa_der_to_p1363(v->sig, v->sig_len, c, rs, &rs_len), CRPKI_OK);
        assert_int_equal(crypto_ecdsa_p1363_to_der(rs, rs_len, der, &der_len), CRPKI_OK);
        /* OpenSSL writes minimal DER too: the bytes come back the same */
        assert_int_equal(der_len, v->sig_len);
        assert_memory_equal(der, v->sig, der_len);
        /* too small a buffer, a trailing byte, a truncation */
        size_t small = 2 * c - 1;
        assert_int_equal(crypto_ecdsa_der_to_p1363(v->sig, v->sig_len, c, rs, &small),
                         CRPKI_E_BUFFER_TOO_SMALL);
        small = 10;
        assert_int_equal(crypto_ecdsa_p1363_to_der(rs, rs_len, der, &small),
                         CRPKI_E_BUFFER_TOO_SMALL);
        assert_int_equal(small, v->sig_len);
        memcpy(der, v->sig, v->sig_len);
        der[v->sig_len] = 0;
        rs_len = sizeof rs;
        assert_int_equal(crypto_ecdsa_der_to_p1363(der, v->sig_len + 1, c, rs, &rs_len),
                         CRPKI_E_BAD_SIGNATURE);
        assert_int_equal(crypto_ecdsa_der_to_p1363(der, v->sig_len - 1, c, rs, &rs_len),
                         CRPKI_E_BAD_SIGNATURE);
    }
}

static void ecdsa_encoding_edge_cases(void **state)
{
    (void)state;
    /* r with its top bit set gets a 0x00 sign byte; s = 1 shrinks to one byte */
    uint8_t rs[64] = {0}, der[80], back[64];
    memset(rs, 0xff, 32);
    rs[63] = 1;
    size_t der_len = sizeof der, back_len = sizeof back;
    assert_int_equal(crypto_ecdsa_p1363_to_der(rs, 64, der, &der_len), CRPKI_OK);
    static const uint8_t head[] = {0x30, 0x26, 0x02, 0x21, 0x00, 0xff};
    assert_int_equal(der_len, 2 + 35 + 3);
    assert_memory_equal(der, head, sizeof head);
    assert_memory_equal(der + der_len - 3, "\x02\x01\x01", 3);
    assert_int_equal(crypto_ecdsa_der_to_p1363(der, der_len, 32, back, &back_len), CRPKI_OK);
    assert_memory_equal(back, rs, 64);
    /* a non-minimal INTEGER, a negative one, one too long for the curve */
    static const uint8_t nonmin[] = {0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01};
    static const uint8_t neg[] = {0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01};
    back_len = sizeof back;
    assert_int_equal(crypto_ecdsa_der_to_p1363(nonmin, sizeof nonmin, 32, back, &back_len),
                     CRPKI_E_BAD_SIGNATURE);
    assert_int_equal(crypto_ecdsa_der_to_p1363(neg, sizeof neg, 32, back, &back_len),
                     CRPKI_E_BAD_SIGNATURE);
    assert_int_equal(crypto_ecdsa_der_to_p1363(der, der_len, 16, back, &back_len),
                     CRPKI_E_BAD_SIGNATURE);
    assert_int_equal(crypto_ecdsa_p1363_to_der(rs, 63, der, &der_len), CRPKI_E_INVALID_ARG);
}

/* ---- random --------------------------------------------------------------------- */

static void random_calls_differ_and_honour_the_length(void **state)
{
    (void)state;
    uint8_t a[32], b[32], buf[64];
    assert_int_equal(crypto_random(a, sizeof a), CRPKI_OK);
    assert_int_equal(crypto_random(b, sizeof b), CRPKI_OK);
    assert_memory_not_equal(a, b, sizeof a);
    memset(buf, 0xa5, sizeof buf);
    assert_int_equal(crypto_random(buf + 8, 16), CRPKI_OK);
    for (int i = 0; i < 8; i++)
        assert_int_equal(buf[i], 0xa5);
    for (int i = 24; i < 64; i++)
        assert_int_equal(buf[i], 0xa5);
    assert_memory_not_equal(buf + 8,
                            "\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5", 16);
    assert_int_equal(crypto_random(NULL, 0), CRPKI_OK);
    assert_int_equal(crypto_random(NULL, 1), CRPKI_E_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digest_matches_known_answers_including_empty_input),
        cmocka_unit_test(hash_in_pieces_equals_one_shot),
        cmocka_unit_test(hash_dup_is_independent_of_the_original),
        cmocka_unit_test(hash_misuse_gets_error_codes),
        cmocka_unit_test(pubkey_info_matches_the_certificates),
        cmocka_unit_test(pubkey_from_numbers_strips_leading_zeros),
        cmocka_unit_test(ec_point_off_the_curve_is_refused),
        cmocka_unit_test(malformed_certificates_are_errors),
        cmocka_unit_test(every_vector_verifies),
        cmocka_unit_test(vectors_verify_with_keys_made_from_numbers),
        cmocka_unit_test(raw_pkcs1_over_caller_digestinfo_equals_pkcs1_with_hash),
        cmocka_unit_test(tampered_signatures_and_digests_are_bad_signatures),
        cmocka_unit_test(wrong_salt_or_hash_is_a_bad_signature),
        cmocka_unit_test(scheme_not_matching_the_key_is_invalid_arg),
        cmocka_unit_test(ecdsa_der_and_p1363_round_trip),
        cmocka_unit_test(ecdsa_encoding_edge_cases),
        cmocka_unit_test(random_calls_differ_and_honour_the_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
