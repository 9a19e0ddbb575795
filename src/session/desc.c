/* desc: the description the phone shows (session_internal.h). */
#include <string.h>

#include "session/session_internal.h"

/* Length of the well-formed UTF-8 sequence at s (n bytes available), or 0
 * when it is not one (overlongs, surrogates and > U+10FFFF refused). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
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
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* Appends src to out (at *o), sanitized, while whole characters fit. */
static void append(char *out, size_t *o, const char *src)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t n = strlen(src);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(s + i, n - i);
        if (k == 0) {
            if (*o + 1 > CRPKI_DESC_MAX)
                return;
            out[(*o)++] = '?';
            i++;
            continue;
        }
        if (*o + k > CRPKI_DESC_MAX)
            return;
        if (k == 1 && (s[i] < 0x20 || s[i] == 0x7F)) {
            out[(*o)++] = ' ';
        } else {
            memcpy(out + *o, s + i, k);
            *o += k;
        }
        i += k;
    }
}

size_t crpki_session_description(const char *program, const char *what,
                                 char out[CRPKI_DESC_MAX + 1])
{
    size_t o = 0;
    append(out, &o, program && *program ? program : "unknown");
    if (what && *what) {
        append(out, &o, ": ");
        append(out, &o, what);
    }
    out[o] = '\0';
    return o;
}
