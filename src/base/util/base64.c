#include "base/util/base64.h"

#include <stdlib.h>

static const char STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t base64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

size_t base64_decoded_max(size_t inlen)
{
    return inlen / 4 * 3 + 3;
}

static size_t encode(const char *alpha, int pad, const uint8_t *in, size_t n, char *out,
                     size_t outsz)
{
    size_t need = pad ? base64_encoded_len(n) : (n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0));
    if (outsz < need + 1)
        return 0;
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = alpha[v >> 18 & 63];
        out[o++] = alpha[v >> 12 & 63];
        out[o++] = alpha[v >> 6 & 63];
        out[o++] = alpha[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = alpha[v >> 18 & 63];
        out[o++] = alpha[v >> 12 & 63];
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = alpha[v >> 18 & 63];
        out[o++] = alpha[v >> 12 & 63];
        out[o++] = alpha[v >> 6 & 63];
        if (pad)
            out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

size_t base64_encode(const uint8_t *in, size_t n, char *out, size_t outsz)
{
    return encode(STD, 1, in, n, out, outsz);
}

size_t base64url_encode(const uint8_t *in, size_t n, char *out, size_t outsz)
{
    return encode(URL, 0, in, n, out, outsz);
}

char *base64_encode_alloc(const uint8_t *in, size_t n)
{
    size_t sz = base64_encoded_len(n) + 1;
    char *s = malloc(sz);
    if (s)
        encode(STD, 1, in, n, s, sz);
    return s;
}

static int val(char c, int url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

/* Decodes a run of alphabet characters (no padding) of length len. */
static int decode_run(const char *in, size_t len, int url, uint8_t *out, size_t outsz,
                      size_t *outlen)
{
    if (len % 4 == 1)
        return -1;
    size_t need = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
    if (need > outsz)
        return -1;
    size_t o = 0, i = 0;
    for (; i + 4 <= len; i += 4) {
        int a = val(in[i], url), b = val(in[i + 1], url), c = val(in[i + 2], url),
            d = val(in[i + 3], url);
        if ((a | b | c | d) < 0)
            return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        out[o++] = (uint8_t)(v >> 16);
        out[o++] = (uint8_t)(v >> 8);
        out[o++] = (uint8_t)v;
    }
    size_t rest = len - i;
    if (rest) {
        int a = val(in[i], url), b = val(in[i + 1], url);
        int c = rest == 3 ? val(in[i + 2], url) : 0;
        if ((a | b | c) < 0)
            return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6;
        /* bits beyond the last full byte must be zero (canonical form) */
        if (rest == 2 && (v & 0xFFFF))
            return -1;
        if (rest == 3 && (v & 0xFF))
            return -1;
        out[o++] = (uint8_t)(v >> 16);
        if (rest == 3)
            out[o++] = (uint8_t)(v >> 8);
    }
    *outlen = o;
    return 0;
}

int base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz, size_t *outlen)
{
    if (inlen % 4 != 0)
        return -1;
    size_t run = inlen;
    if (run && in[run - 1] == '=')
        run--;
    if (run && in[run - 1] == '=')
        run--;
    if (run % 4 == 0 && run != inlen)
        return -1; /* "====" style or padding after a full block */
    if (inlen - run == 2 && run % 4 != 2)
        return -1;
    if (inlen - run == 1 && run % 4 != 3)
        return -1;
    size_t got = 0;
    if (decode_run(in, run, 0, out, outsz, &got) != 0)
        return -1;
    if (outlen)
        *outlen = got;
    return 0;
}

int base64url_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz, size_t *outlen)
{
    size_t got = 0;
    if (decode_run(in, inlen, 1, out, outsz, &got) != 0)
        return -1;
    if (outlen)
        *outlen = got;
    return 0;
}
