/* desc: the description the phone shows (session_internal.h). */
#include <string.h>

#include "core/signing/signing_internal.h"
#include "base/util/utf8.h"

/* Appends src to out (at *o), sanitized, while whole characters fit. */
static void append(char *out, size_t *o, const char *src)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t n = strlen(src);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char_len(s + i, n - i);
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

size_t signing_description(const char *program, const char *what, char out[CRPKI_DESC_MAX + 1])
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
