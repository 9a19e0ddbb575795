/* ECDSA signature encodings: DER ECDSA-Sig-Value (what the service and
 * OpenSSL speak) and IEEE P1363 r||s (what CNG and the providers speak). */
#include <string.h>

#include "core/crypto/crypto.h"
#include "core/crypto/crypto_der.h"

/* One INTEGER of the ECDSA-Sig-Value into a coord_len field, left-padded. */
static int read_half(der_span *seq, size_t coord_len, uint8_t *out)
{
    der_span v;
    if (der_read(seq, 0x02, &v) != 0 || v.len == 0 || (v.p[0] & 0x80))
        return -1;
    if (v.p[0] == 0 && v.len > 1) {
        if (!(v.p[1] & 0x80)) /* not minimal */
            return -1;
        v.p++;
        v.len--;
    }
    if (v.len > coord_len)
        return -1;
    memset(out, 0, coord_len - v.len);
    memcpy(out + coord_len - v.len, v.p, v.len);
    return 0;
}

crpki_err crypto_ecdsa_der_to_p1363(const uint8_t *der, size_t der_len, size_t coord_len,
                                    uint8_t *out, size_t *out_len)
{
    if (!der || !out_len || coord_len == 0 || coord_len > 66)
        return CRPKI_E_INVALID_ARG;
    if (!out || *out_len < 2 * coord_len)
        return CRPKI_E_BUFFER_TOO_SMALL;
    der_span in = {der, der_len}, seq;
    if (der_read(&in, 0x30, &seq) != 0 || in.len != 0 || read_half(&seq, coord_len, out) != 0 ||
        read_half(&seq, coord_len, out + coord_len) != 0 || seq.len != 0)
        return CRPKI_E_BAD_SIGNATURE;
    *out_len = 2 * coord_len;
    return CRPKI_OK;
}

/* The minimal INTEGER of a big-endian unsigned: its TLV length, written at
 * out when out is not NULL. */
static size_t put_int(const uint8_t *v, size_t n, uint8_t *out)
{
    while (n > 1 && v[0] == 0) {
        v++;
        n--;
    }
    size_t pad = (v[0] & 0x80) ? 1 : 0;
    size_t body = n + pad;
    if (out) {
        out[0] = 0x02;
        out[1] = (uint8_t)body;
        out[2] = 0;
        memcpy(out + 2 + pad, v, n);
    }
    return 2 + body;
}

crpki_err crypto_ecdsa_p1363_to_der(const uint8_t *rs, size_t rs_len, uint8_t *out, size_t *out_len)
{
    /* Each half up to 66 bytes (P-521) keeps every length below 256. */
    if (!rs || !out_len || rs_len == 0 || rs_len % 2 != 0 || rs_len > 132)
        return CRPKI_E_INVALID_ARG;
    size_t half = rs_len / 2;
    size_t body = put_int(rs, half, NULL) + put_int(rs + half, half, NULL);
    size_t hdr = body < 0x80 ? 2 : 3;
    if (!out || *out_len < hdr + body) {
        *out_len = hdr + body;
        return CRPKI_E_BUFFER_TOO_SMALL;
    }
    out[0] = 0x30;
    if (hdr == 2) {
        out[1] = (uint8_t)body;
    } else {
        out[1] = 0x81;
        out[2] = (uint8_t)body;
    }
    size_t pos = hdr;
    pos += put_int(rs, half, out + pos);
    put_int(rs + half, half, out + pos);
    *out_len = hdr + body;
    return CRPKI_OK;
}
