/* crypto_name: the holder and the company of a certificate, read from its
 * subject Name (crypto_cert.h), for what the representative is shown: the
 * certificate the chain checks verified says whose key signs, not the
 * service's subject_dn text. */
#include "core/crypto/crypto_cert.h"

#include <string.h>

#include "base/util/utf8.h"
#include "core/crypto/crypto_der.h"

#define TAG_SEQ 0x30
#define TAG_SET 0x31
#define TAG_OID 0x06

/* Appends the UTF-8 of code point c while it fits (out holds n bytes, NUL
 * included). */
static void put_cp(char *out, size_t n, size_t *o, uint32_t c)
{
    char b[4];
    size_t k = utf8_encode(c, b);
    if (*o + k < n) {
        memcpy(out + *o, b, k);
        *o += k;
    }
}

/* A DirectoryString's value as UTF-8: BMPString (UTF-16BE, surrogate pairs
 * joined; a lone surrogate is U+FFFD) and UniversalString (UCS-4BE)
 * converted, anything else (UTF8String, PrintableString, IA5String,
 * TeletexString) as its bytes - the display cleaning deals with what is not
 * UTF-8. */
static void string_value(int tag, der_span v, char *out, size_t n)
{
    size_t o = 0;
    if (tag == 0x1E) {
        for (size_t i = 0; i + 1 < v.len; i += 2) {
            uint32_t c = ((uint32_t)v.p[i] << 8) | v.p[i + 1];
            if (c >= 0xD800 && c <= 0xDBFF && i + 3 < v.len) {
                uint32_t lo = ((uint32_t)v.p[i + 2] << 8) | v.p[i + 3];
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                    i += 2;
                }
            }
            put_cp(out, n, &o, c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c);
        }
    } else if (tag == 0x1C) {
        for (size_t i = 0; i + 3 < v.len; i += 4) {
            uint32_t c = ((uint32_t)v.p[i] << 24) | ((uint32_t)v.p[i + 1] << 16) |
                         ((uint32_t)v.p[i + 2] << 8) | v.p[i + 3];
            put_cp(out, n, &o, c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c);
        }
    } else {
        o = v.len < n ? v.len : utf8_boundary(v.p, n - 1);
        memcpy(out, v.p, o);
    }
    out[o] = '\0';
}

int crypto_cert_holder(const uint8_t *der, size_t len, char *cn, size_t cnsz, char *org,
                       size_t orgsz)
{
    static const uint8_t OID_CN[] = {0x55, 0x04, 0x03}, OID_O[] = {0x55, 0x04, 0x0A};
    if (!cn || !cnsz || !org || !orgsz)
        return -1;
    cn[0] = org[0] = '\0';
    crypto_cert_view v;
    char why[128];
    if (!der || crypto_der_parse_cert(der, len, &v, why, sizeof why) != 0)
        return -1;
    der_span name = v.subject, rdns;
    if (der_read(&name, TAG_SEQ, &rdns) != 0)
        return -1;
    while (rdns.len) {
        der_span set;
        if (der_read(&rdns, TAG_SET, &set) != 0)
            return -1;
        while (set.len) {
            der_span atv, oid, value;
            if (der_read(&set, TAG_SEQ, &atv) != 0 || der_read(&atv, TAG_OID, &oid) != 0)
                return -1;
            int tag = der_peek_tag(&atv);
            if (tag < 0 || der_read(&atv, (uint8_t)tag, &value) != 0)
                return -1;
            int is_cn = oid.len == 3 && memcmp(oid.p, OID_CN, 3) == 0;
            int is_o = oid.len == 3 && memcmp(oid.p, OID_O, 3) == 0;
            if (is_cn && !cn[0])
                string_value(tag, value, cn, cnsz);
            else if (is_o && !org[0])
                string_value(tag, value, org, orgsz);
        }
    }
    return 0;
}
