#include "ksp_u16.h"

#include <stdlib.h>
#include <string.h>

#include "base/util/utf8.h"

size_t ksp_u16_len(const uint16_t *s, size_t max)
{
    size_t n = 0;
    if (!s)
        return 0;
    while (n <= max && s[n])
        n++;
    return n;
}

static unsigned ascii_lower(unsigned c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int ksp_u16_eq_ascii(const uint16_t *s, const char *a)
{
    if (!s || !a)
        return 0;
    for (;; s++, a++) {
        unsigned c = *s, d = (unsigned char)*a;
        if (ascii_lower(c) != ascii_lower(d))
            return 0;
        if (!c)
            return 1;
    }
}

crpki_err ksp_u16_to_utf8(const uint16_t *s, size_t len, char **out)
{
    *out = NULL;
    if (!s)
        return CRPKI_E_INVALID_ARG;
    if (len == SIZE_MAX)
        len = ksp_u16_len(s, SIZE_MAX - 1);
    if (len > (SIZE_MAX - 1) / 3)
        return CRPKI_E_INVALID_ARG;
    char *buf = malloc(len * 3 + 1);
    if (!buf)
        return CRPKI_E_NO_MEMORY;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        uint32_t c = s[i];
        if (c == 0)
            goto bad;
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (i + 1 >= len || s[i + 1] < 0xDC00 || s[i + 1] > 0xDFFF)
                goto bad;
            c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00u);
            i++;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            goto bad;
        }
        /* at most 3 bytes a unit: 4 only from a surrogate pair (2 units) */
        o += utf8_encode(c, buf + o);
    }
    buf[o] = '\0';
    *out = buf;
    return CRPKI_OK;
bad:
    free(buf);
    return CRPKI_E_INVALID_ARG;
}

crpki_err ksp_utf8_to_u16(const char *s, uint16_t **out, size_t *nunits)
{
    *out = NULL;
    if (!s)
        return CRPKI_E_INVALID_ARG;
    size_t n = strlen(s);
    uint16_t *buf = malloc((n + 1) * sizeof *buf);
    if (!buf)
        return CRPKI_E_NO_MEMORY;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        /* overlong forms, surrogates and out-of-range values are ill-formed */
        size_t k = utf8_char_len(s + i, n - i);
        if (k == 0)
            goto bad;
        uint32_t c = utf8_decode(s + i, k);
        if (c >= 0x10000) {
            c -= 0x10000;
            buf[o++] = (uint16_t)(0xD800 + (c >> 10));
            buf[o++] = (uint16_t)(0xDC00 + (c & 0x3FF));
        } else {
            buf[o++] = (uint16_t)c;
        }
        i += k;
    }
    buf[o] = 0;
    *out = buf;
    if (nunits)
        *nunits = o;
    return CRPKI_OK;
bad:
    free(buf);
    return CRPKI_E_INVALID_ARG;
}
