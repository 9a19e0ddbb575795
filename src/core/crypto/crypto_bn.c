#include "core/crypto/crypto_bn.h"

#include <string.h>

#define BN_MAX_WORDS 512 /* 16384 bits */

/* Words are little-endian (w[0] least significant). */
typedef struct {
    uint32_t n[BN_MAX_WORDS];
    uint32_t rr[BN_MAX_WORDS]; /* R^2 mod n, R = 2^(32k) */
    size_t k;
    uint32_t n0inv; /* -n^-1 mod 2^32 */
} mont_ctx;

static void from_be(uint32_t *w, size_t k, const uint8_t *p, size_t len)
{
    memset(w, 0, k * sizeof *w);
    for (size_t i = 0; i < len; i++)
        w[i / 4] |= (uint32_t)p[len - 1 - i] << (8 * (i % 4));
}

static void to_be(const uint32_t *w, uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[len - 1 - i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
}

static int cmp(const uint32_t *a, const uint32_t *b, size_t k)
{
    for (size_t i = k; i-- > 0;)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* r = a - b, returns the borrow. r may alias a or b. */
static uint32_t sub(uint32_t *r, const uint32_t *a, const uint32_t *b, size_t k)
{
    uint64_t borrow = 0;
    for (size_t i = 0; i < k; i++) {
        uint64_t d = (uint64_t)a[i] - b[i] - borrow;
        r[i] = (uint32_t)d;
        borrow = (d >> 32) & 1;
    }
    return (uint32_t)borrow;
}

static uint32_t add(uint32_t *r, const uint32_t *a, const uint32_t *b, size_t k)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < k; i++) {
        uint64_t s = (uint64_t)a[i] + b[i] + carry;
        r[i] = (uint32_t)s;
        carry = s >> 32;
    }
    return (uint32_t)carry;
}

/* r = a + b mod n, r = a - b mod n (a, b < n). */
static void add_mod(const mont_ctx *m, uint32_t *r, const uint32_t *a, const uint32_t *b)
{
    uint32_t carry = add(r, a, b, m->k);
    if (carry || cmp(r, m->n, m->k) >= 0)
        sub(r, r, m->n, m->k);
}

static void sub_mod(const mont_ctx *m, uint32_t *r, const uint32_t *a, const uint32_t *b)
{
    if (sub(r, a, b, m->k))
        add(r, r, m->n, m->k);
}

/* r = a * b / R mod n (CIOS). a, b < n; r may alias either. */
static void montmul(const mont_ctx *m, uint32_t *r, const uint32_t *a, const uint32_t *b)
{
    uint32_t t[BN_MAX_WORDS + 2];
    size_t k = m->k;
    memset(t, 0, (k + 2) * sizeof *t);
    for (size_t i = 0; i < k; i++) {
        uint64_t c = 0, s;
        for (size_t j = 0; j < k; j++) {
            s = (uint64_t)t[j] + (uint64_t)a[j] * b[i] + c;
            t[j] = (uint32_t)s;
            c = s >> 32;
        }
        s = (uint64_t)t[k] + c;
        t[k] = (uint32_t)s;
        t[k + 1] = (uint32_t)(s >> 32);
        uint32_t q = t[0] * m->n0inv;
        s = (uint64_t)t[0] + (uint64_t)q * m->n[0];
        c = s >> 32;
        for (size_t j = 1; j < k; j++) {
            s = (uint64_t)t[j] + (uint64_t)q * m->n[j] + c;
            t[j - 1] = (uint32_t)s;
            c = s >> 32;
        }
        s = (uint64_t)t[k] + c;
        t[k - 1] = (uint32_t)s;
        t[k] = t[k + 1] + (uint32_t)(s >> 32);
        t[k + 1] = 0;
    }
    /* t < 2n */
    if (t[k] || cmp(t, m->n, k) >= 0)
        sub(t, t, m->n, k);
    memcpy(r, t, k * sizeof *t);
}

/* n big-endian, odd, nlen bytes. 0 or -1. */
static int mont_init(mont_ctx *m, const uint8_t *n, size_t nlen)
{
    if (nlen == 0 || nlen > BN_MAX_WORDS * 4 || !(n[nlen - 1] & 1))
        return -1;
    m->k = (nlen + 3) / 4;
    from_be(m->n, m->k, n, nlen);
    /* Newton: each step doubles the correct low bits of n0^-1 (1 -> 32). */
    uint32_t inv = 1;
    for (int i = 0; i < 5; i++)
        inv *= 2 - m->n[0] * inv;
    m->n0inv = 0u - inv;
    /* R^2 mod n by doubling 1, 2 * 32k times */
    memset(m->rr, 0, m->k * sizeof m->rr[0]);
    m->rr[0] = 1;
    for (size_t i = 0; i < 64 * m->k; i++) {
        uint32_t top = m->rr[m->k - 1] >> 31;
        add(m->rr, m->rr, m->rr, m->k);
        if (top || cmp(m->rr, m->n, m->k) >= 0)
            sub(m->rr, m->rr, m->n, m->k);
    }
    return 0;
}

int crypto_bn_modexp(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen,
                     const uint8_t *in, uint8_t *out)
{
    mont_ctx m;
    uint32_t a[BN_MAX_WORDS], acc[BN_MAX_WORDS], one[BN_MAX_WORDS];
    if (!n || !e || !in || !out || elen == 0 || nlen == 0 || n[0] == 0 ||
        mont_init(&m, n, nlen) != 0)
        return -1;
    from_be(a, m.k, in, nlen);
    if (cmp(a, m.n, m.k) >= 0)
        return -1;
    montmul(&m, a, a, m.rr); /* into the Montgomery domain */
    size_t top = 0;
    while (top < elen && e[top] == 0)
        top++;
    if (top == elen)
        return -1;
    /* left to right over e's bits, from the one below the highest set */
    memcpy(acc, a, m.k * sizeof *a);
    int bit = 7;
    while (!(e[top] >> bit & 1))
        bit--;
    for (size_t i = top; i < elen; i++) {
        for (int b = (i == top ? bit - 1 : 7); b >= 0; b--) {
            montmul(&m, acc, acc, acc);
            if (e[i] >> b & 1)
                montmul(&m, acc, acc, a);
        }
    }
    memset(one, 0, m.k * sizeof *one);
    one[0] = 1;
    montmul(&m, acc, acc, one); /* out of the domain */
    to_be(acc, out, nlen);
    return 0;
}

static const uint8_t P256_P[32] = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t P256_B[32] = {0x5a, 0xc6, 0x35, 0xd8, 0xaa, 0x3a, 0x93, 0xe7, 0xb3, 0xeb, 0xbd,
                                   0x55, 0x76, 0x98, 0x86, 0xbc, 0x65, 0x1d, 0x06, 0xb0, 0xcc, 0x53,
                                   0xb0, 0xf6, 0x3b, 0xce, 0x3c, 0x3e, 0x27, 0xd2, 0x60, 0x4b};
static const uint8_t P384_P[48] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff};
static const uint8_t P384_B[48] = {
    0xb3, 0x31, 0x2f, 0xa7, 0xe2, 0x3e, 0xe7, 0xe4, 0x98, 0x8e, 0x05, 0x6b, 0xe3, 0xf8, 0x2d, 0x19,
    0x18, 0x1d, 0x9c, 0x6e, 0xfe, 0x81, 0x41, 0x12, 0x03, 0x14, 0x08, 0x8f, 0x50, 0x13, 0x87, 0x5a,
    0xc6, 0x56, 0x39, 0x8d, 0x8a, 0x2e, 0xd1, 0x9d, 0x2a, 0x85, 0xc8, 0xed, 0xd3, 0xec, 0x2a, 0xef};

int crypto_bn_ec_on_curve(alg_curve curve, const uint8_t *x, const uint8_t *y)
{
    const uint8_t *p, *b;
    size_t len;
    if (curve == CRPKI_CURVE_P256) {
        p = P256_P, b = P256_B, len = 32;
    } else if (curve == CRPKI_CURVE_P384) {
        p = P384_P, b = P384_B, len = 48;
    } else {
        return 0;
    }
    mont_ctx m;
    /* 384 bits = 12 words */
    uint32_t X[12], Y[12], B[12], lhs[12], rhs[12], t[12];
    if (!x || !y || mont_init(&m, p, len) != 0)
        return 0;
    from_be(X, m.k, x, len);
    from_be(Y, m.k, y, len);
    from_be(B, m.k, b, len);
    if (cmp(X, m.n, m.k) >= 0 || cmp(Y, m.n, m.k) >= 0)
        return 0;
    montmul(&m, X, X, m.rr);
    montmul(&m, Y, Y, m.rr);
    montmul(&m, B, B, m.rr);
    montmul(&m, lhs, Y, Y); /* y^2 */
    montmul(&m, t, X, X);
    montmul(&m, rhs, t, X); /* x^3 */
    for (int i = 0; i < 3; i++)
        sub_mod(&m, rhs, rhs, X); /* - 3x */
    add_mod(&m, rhs, rhs, B);     /* + b */
    return cmp(lhs, rhs, m.k) == 0;
}
