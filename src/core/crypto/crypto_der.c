#include "core/crypto/crypto_der.h"

#include <string.h>

#include "base/util/errbuf.h"
#include "base/util/text.h"

int der_peek_tag(const der_span *in)
{
    return in->len ? in->p[0] : -1;
}

int der_read(der_span *in, uint8_t tag, der_span *content)
{
    if (in->len < 2 || in->p[0] != tag)
        return -1;
    size_t pos = 2, len = in->p[1];
    if (len & 0x80) {
        size_t nb = len & 0x7f;
        /* 0x80 is BER's indefinite length; DER caps us at 4 length bytes. */
        if (nb == 0 || nb > 4 || in->len - 2 < nb || in->p[2] == 0)
            return -1;
        len = 0;
        for (size_t i = 0; i < nb; i++)
            len = (len << 8) | in->p[2 + i];
        if (len < 0x80) /* the short form was required */
            return -1;
        pos += nb;
    }
    if (in->len - pos < len)
        return -1;
    content->p = in->p + pos;
    content->len = len;
    in->p += pos + len;
    in->len -= pos + len;
    return 0;
}

/* A whole TLV (tag and length included) of tag, as a span. */
static int read_whole(der_span *in, uint8_t tag, der_span *whole)
{
    const uint8_t *start = in->p;
    der_span c;
    if (der_read(in, tag, &c) != 0)
        return -1;
    whole->p = start;
    whole->len = (size_t)(in->p - start);
    return 0;
}

#define TAG_BOOLEAN   0x01
#define TAG_INTEGER   0x02
#define TAG_BITSTRING 0x03
#define TAG_OCTETS    0x04
#define TAG_NULL      0x05
#define TAG_OID       0x06
#define TAG_UTCTIME   0x17
#define TAG_GENTIME   0x18
#define TAG_SEQUENCE  0x30
#define TAG_CTX0      0xa0
#define TAG_CTX1_PRIM 0x81
#define TAG_CTX2_PRIM 0x82
#define TAG_CTX3      0xa3

int crypto_der_cert_spki(const uint8_t *der, size_t len, der_span *spki, char *why, size_t whysz)
{
    der_span in = {der, len}, cert, tbs, f;
    if (!der || der_read(&in, TAG_SEQUENCE, &cert) != 0) {
        errbuf_set(why, whysz, "certificate: not a DER SEQUENCE");
        return -1;
    }
    if (in.len != 0) {
        errbuf_set(why, whysz, "certificate: %lu bytes after the certificate",
                   (unsigned long)in.len);
        return -1;
    }
    if (der_read(&cert, TAG_SEQUENCE, &tbs) != 0) {
        errbuf_set(why, whysz, "certificate: no tbsCertificate");
        return -1;
    }
    /* signatureAlgorithm and signatureValue, and nothing after them */
    if (der_read(&cert, TAG_SEQUENCE, &f) != 0 || der_read(&cert, TAG_BITSTRING, &f) != 0 ||
        cert.len != 0) {
        errbuf_set(why, whysz, "certificate: bad signatureAlgorithm or signatureValue");
        return -1;
    }
    if (der_peek_tag(&tbs) == TAG_CTX0 && der_read(&tbs, TAG_CTX0, &f) != 0)
        goto bad_tbs;
    /* serialNumber, signature, issuer, validity, subject */
    if (der_read(&tbs, TAG_INTEGER, &f) != 0 || der_read(&tbs, TAG_SEQUENCE, &f) != 0 ||
        der_read(&tbs, TAG_SEQUENCE, &f) != 0 || der_read(&tbs, TAG_SEQUENCE, &f) != 0 ||
        der_read(&tbs, TAG_SEQUENCE, &f) != 0)
        goto bad_tbs;
    if (read_whole(&tbs, TAG_SEQUENCE, spki) != 0) {
        errbuf_set(why, whysz, "certificate: no subjectPublicKeyInfo");
        return -1;
    }
    return 0;
bad_tbs:
    errbuf_set(why, whysz, "certificate: malformed tbsCertificate before the public key");
    return -1;
}

/* ---- certificates for the chain checks ---------------------------------------------- */

static int digits(const uint8_t *p, size_t n, unsigned *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        *v = *v * 10 + (unsigned)(p[i] - '0');
    }
    return 0;
}

/* UTCTime "YYMMDDHHMMSSZ" (RFC 5280: 50-99 are 19xx) or GeneralizedTime
 * "YYYYMMDDHHMMSSZ". */
static int read_time(der_span *in, int64_t *out)
{
    int tag = der_peek_tag(in);
    der_span t;
    if ((tag != TAG_UTCTIME && tag != TAG_GENTIME) || der_read(in, (uint8_t)tag, &t) != 0)
        return -1;
    size_t yl = tag == TAG_UTCTIME ? 2 : 4;
    unsigned y, mo, d, h, mi, s;
    if (t.len != yl + 11 || t.p[t.len - 1] != 'Z' || digits(t.p, yl, &y) != 0 ||
        digits(t.p + yl, 2, &mo) != 0 || digits(t.p + yl + 2, 2, &d) != 0 ||
        digits(t.p + yl + 4, 2, &h) != 0 || digits(t.p + yl + 6, 2, &mi) != 0 ||
        digits(t.p + yl + 8, 2, &s) != 0)
        return -1;
    if (tag == TAG_UTCTIME)
        y += y < 50 ? 2000 : 1900;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
        return -1;
    *out = text_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return 0;
}

static const uint8_t OID_BASIC_CONSTRAINTS[] = {0x55, 0x1d, 0x13};
static const uint8_t OID_KEY_USAGE[] = {0x55, 0x1d, 0x0f};

static int span_eq(const der_span *s, const uint8_t *v, size_t n)
{
    return s->len == n && memcmp(s->p, v, n) == 0;
}

/* One Extension: basicConstraints and keyUsage are read, others skipped. */
static int read_extension(der_span *exts, crypto_cert_view *out)
{
    der_span ext, oid, val, f;
    if (der_read(exts, TAG_SEQUENCE, &ext) != 0 || der_read(&ext, TAG_OID, &oid) != 0)
        return -1;
    if (der_peek_tag(&ext) == TAG_BOOLEAN && der_read(&ext, TAG_BOOLEAN, &f) != 0)
        return -1;
    if (der_read(&ext, TAG_OCTETS, &val) != 0 || ext.len != 0)
        return -1;
    if (span_eq(&oid, OID_BASIC_CONSTRAINTS, sizeof OID_BASIC_CONSTRAINTS)) {
        der_span bc, b;
        if (der_read(&val, TAG_SEQUENCE, &bc) != 0 || val.len != 0)
            return -1;
        if (der_peek_tag(&bc) == TAG_BOOLEAN) {
            if (der_read(&bc, TAG_BOOLEAN, &b) != 0 || b.len != 1)
                return -1;
            out->is_ca = b.p[0] != 0;
        }
    } else if (span_eq(&oid, OID_KEY_USAGE, sizeof OID_KEY_USAGE)) {
        der_span ku;
        if (der_read(&val, TAG_BITSTRING, &ku) != 0 || val.len != 0 || ku.len < 1 || ku.p[0] > 7)
            return -1;
        out->has_key_usage = 1;
        out->key_usage = 0;
        for (size_t i = 1; i < ku.len && i <= 2; i++) /* bits 0-15: all that are named */
            for (unsigned bit = 0; bit < 8; bit++)
                if (ku.p[i] & (0x80u >> bit))
                    out->key_usage |= 1u << ((i - 1) * 8 + bit);
    }
    return 0;
}

int crypto_der_parse_cert(const uint8_t *der, size_t len, crypto_cert_view *out, char *why,
                          size_t whysz)
{
    memset(out, 0, sizeof *out);
    der_span in = {der, len}, cert, tbs, alg, inner_alg, f, validity;
    if (!der || der_read(&in, TAG_SEQUENCE, &cert) != 0 || in.len != 0) {
        errbuf_set(why, whysz, "certificate: not one DER SEQUENCE");
        return -1;
    }
    if (read_whole(&cert, TAG_SEQUENCE, &out->tbs) != 0 ||
        read_whole(&cert, TAG_SEQUENCE, &alg) != 0 || der_read(&cert, TAG_BITSTRING, &f) != 0 ||
        cert.len != 0 || f.len < 2 || f.p[0] != 0) {
        errbuf_set(why, whysz, "certificate: bad signatureAlgorithm or signatureValue");
        return -1;
    }
    out->sig.p = f.p + 1;
    out->sig.len = f.len - 1;
    der_span a = alg, ac;
    if (der_read(&a, TAG_SEQUENCE, &ac) != 0 || der_read(&ac, TAG_OID, &out->sig_oid) != 0) {
        errbuf_set(why, whysz, "certificate: bad signatureAlgorithm");
        return -1;
    }
    der_span t = out->tbs;
    if (der_read(&t, TAG_SEQUENCE, &tbs) != 0)
        goto bad_tbs;
    if (der_peek_tag(&tbs) == TAG_CTX0 && der_read(&tbs, TAG_CTX0, &f) != 0)
        goto bad_tbs;
    /* serialNumber, signature (the same as the outer one, RFC 5280 4.1.1.2) */
    if (read_whole(&tbs, TAG_INTEGER, &out->serial) != 0 ||
        read_whole(&tbs, TAG_SEQUENCE, &inner_alg) != 0)
        goto bad_tbs;
    if (inner_alg.len != alg.len || memcmp(inner_alg.p, alg.p, alg.len) != 0) {
        errbuf_set(why, whysz, "certificate: the inner and outer signature algorithms differ");
        return -1;
    }
    if (read_whole(&tbs, TAG_SEQUENCE, &out->issuer) != 0 ||
        der_read(&tbs, TAG_SEQUENCE, &validity) != 0)
        goto bad_tbs;
    if (read_time(&validity, &out->not_before) != 0 || read_time(&validity, &out->not_after) != 0 ||
        validity.len != 0) {
        errbuf_set(why, whysz, "certificate: malformed validity");
        return -1;
    }
    if (read_whole(&tbs, TAG_SEQUENCE, &out->subject) != 0 ||
        read_whole(&tbs, TAG_SEQUENCE, &out->spki) != 0)
        goto bad_tbs;
    if (der_peek_tag(&tbs) == TAG_CTX1_PRIM && der_read(&tbs, TAG_CTX1_PRIM, &f) != 0)
        goto bad_tbs;
    if (der_peek_tag(&tbs) == TAG_CTX2_PRIM && der_read(&tbs, TAG_CTX2_PRIM, &f) != 0)
        goto bad_tbs;
    if (der_peek_tag(&tbs) == TAG_CTX3) {
        der_span wrap, exts;
        if (der_read(&tbs, TAG_CTX3, &wrap) != 0 || der_read(&wrap, TAG_SEQUENCE, &exts) != 0 ||
            wrap.len != 0)
            goto bad_tbs;
        while (exts.len)
            if (read_extension(&exts, out) != 0) {
                errbuf_set(why, whysz, "certificate: a malformed extension");
                return -1;
            }
    }
    if (tbs.len != 0)
        goto bad_tbs;
    return 0;
bad_tbs:
    errbuf_set(why, whysz, "certificate: malformed tbsCertificate");
    return -1;
}

static const uint8_t OID_RSA[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
static const uint8_t OID_EC[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
static const uint8_t OID_P256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t OID_P384[] = {0x2b, 0x81, 0x04, 0x00, 0x22};

static int span_is(const der_span *s, const uint8_t *v, size_t n)
{
    return s->len == n && memcmp(s->p, v, n) == 0;
}

/* A positive INTEGER in minimal encoding; *v its value without the sign
 * byte. */
static int read_uint(der_span *in, der_span *v)
{
    if (der_read(in, TAG_INTEGER, v) != 0 || v->len == 0)
        return -1;
    if (v->p[0] & 0x80) /* negative */
        return -1;
    if (v->p[0] == 0) {
        if (v->len == 1 || !(v->p[1] & 0x80)) /* zero, or not minimal */
            return -1;
        v->p++;
        v->len--;
    }
    return 0;
}

static unsigned bit_length(const uint8_t *p, size_t len)
{
    unsigned top = 0;
    for (uint8_t b = p[0]; b; b >>= 1)
        top++;
    return (unsigned)(len - 1) * 8 + top;
}

static int parse_rsa(der_span key, crypto_spki *out, char *why, size_t whysz)
{
    der_span seq, n, e;
    if (der_read(&key, TAG_SEQUENCE, &seq) != 0 || key.len != 0 || read_uint(&seq, &n) != 0 ||
        read_uint(&seq, &e) != 0 || seq.len != 0) {
        errbuf_set(why, whysz, "public key: malformed RSAPublicKey");
        return -1;
    }
    unsigned bits = bit_length(n.p, n.len);
    if (bits < 1024 || bits > 16384) {
        errbuf_set(why, whysz, "public key: unsupported RSA modulus size %u bits", bits);
        return -1;
    }
    if (e.len > 8 || !(e.p[e.len - 1] & 1) || (e.len == 1 && e.p[0] < 3)) {
        errbuf_set(why, whysz, "public key: unsupported RSA exponent");
        return -1;
    }
    out->type = CRPKI_KEY_RSA;
    out->n = n.p;
    out->nlen = n.len;
    out->e = e.p;
    out->elen = e.len;
    return 0;
}

static int parse_ec(der_span params, der_span key, crypto_spki *out, char *why, size_t whysz)
{
    der_span curve;
    if (der_read(&params, TAG_OID, &curve) != 0 || params.len != 0) {
        errbuf_set(why, whysz, "public key: EC parameters are not a named curve");
        return -1;
    }
    size_t clen;
    if (span_is(&curve, OID_P256, sizeof OID_P256)) {
        out->curve = CRPKI_CURVE_P256;
        clen = 32;
    } else if (span_is(&curve, OID_P384, sizeof OID_P384)) {
        out->curve = CRPKI_CURVE_P384;
        clen = 48;
    } else {
        errbuf_set(why, whysz, "public key: unsupported EC curve (P-256 and P-384 only)");
        return -1;
    }
    if (key.len != 1 + 2 * clen || key.p[0] != 0x04) {
        errbuf_set(why, whysz, "public key: EC point is not uncompressed for its curve");
        return -1;
    }
    out->type = CRPKI_KEY_EC;
    out->x = key.p + 1;
    out->y = key.p + 1 + clen;
    out->coord_len = clen;
    return 0;
}

int crypto_der_parse_spki(const uint8_t *spki, size_t len, crypto_spki *out, char *why,
                          size_t whysz)
{
    memset(out, 0, sizeof *out);
    der_span in = {spki, len}, seq, alg, oid, bits;
    if (!spki || der_read(&in, TAG_SEQUENCE, &seq) != 0 || in.len != 0 ||
        der_read(&seq, TAG_SEQUENCE, &alg) != 0 || der_read(&seq, TAG_BITSTRING, &bits) != 0 ||
        seq.len != 0 || der_read(&alg, TAG_OID, &oid) != 0) {
        errbuf_set(why, whysz, "public key: malformed subjectPublicKeyInfo");
        return -1;
    }
    /* The BIT STRING holds whole bytes: no unused bits. */
    if (bits.len < 1 || bits.p[0] != 0) {
        errbuf_set(why, whysz, "public key: malformed subjectPublicKey BIT STRING");
        return -1;
    }
    der_span key = {bits.p + 1, bits.len - 1};
    if (span_is(&oid, OID_RSA, sizeof OID_RSA)) {
        der_span null;
        /* RFC 3279: the parameters are NULL; tolerate them absent. */
        if (alg.len != 0 && (der_read(&alg, TAG_NULL, &null) != 0 || null.len != 0 || alg.len)) {
            errbuf_set(why, whysz, "public key: rsaEncryption parameters are not NULL");
            return -1;
        }
        return parse_rsa(key, out, why, whysz);
    }
    if (span_is(&oid, OID_EC, sizeof OID_EC))
        return parse_ec(alg, key, out, why, whysz);
    errbuf_set(why, whysz, "public key: unsupported algorithm (RSA and EC only)");
    return -1;
}
