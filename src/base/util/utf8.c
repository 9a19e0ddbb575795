#include "base/util/utf8.h"

size_t utf8_char_len(const void *s, size_t n)
{
    const unsigned char *p = s;
    if (n == 0)
        return 0;
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    /* the range of the second byte: narrower after the leads where an
     * overlong form, a surrogate or a code point > U+10FFFF would begin */
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return len;
}

size_t utf8_invalid_at(const void *s, size_t n)
{
    const unsigned char *p = s;
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_char_len(p + i, n - i);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
}

int utf8_valid(const void *s, size_t n)
{
    return utf8_invalid_at(s, n) == n;
}

size_t utf8_boundary(const void *s, size_t n)
{
    const unsigned char *p = s;
    size_t i = n;
    while (i > 0 && (p[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0 && p[i - 1] >= 0xC0) {
        unsigned char lead = p[i - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (n - (i - 1) < need)
            return i - 1;
    }
    return n;
}

uint32_t utf8_decode(const void *s, size_t k)
{
    static const unsigned char lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    const unsigned char *p = s;
    uint32_t c = p[0] & lead_mask[k];
    for (size_t i = 1; i < k; i++)
        c = (c << 6) | (p[i] & 0x3Fu);
    return c;
}

size_t utf8_encode(uint32_t c, char out[4])
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}
