/* The description the phone and the approval dialog show, and the program
 * name in the dialog (signing_internal.h): one cleaning for both, so what
 * the representative reads is what was asked. Controls (C0, DEL, C1)
 * become spaces; format characters that can change how the text reads
 * (bidi embeddings, overrides, isolates and marks, zero-width characters,
 * BOM, soft hyphen, tags: Unicode Cf) are dropped; bytes that are not UTF-8
 * become '?'. */
#include <stdint.h>
#include <string.h>

#include "core/signing/signing_internal.h"
#include "base/util/utf8.h"

/* The code point of a valid UTF-8 sequence of k bytes. */
static uint32_t code_point(const unsigned char *s, size_t k)
{
    static const unsigned char lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    uint32_t c = s[0] & lead_mask[k];
    for (size_t i = 1; i < k; i++)
        c = (c << 6) | (s[i] & 0x3Fu);
    return c;
}

static int is_control(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/* Unicode general category Cf (format), which holds every bidi control. */
static int is_format(uint32_t c)
{
    static const struct {
        uint32_t lo, hi;
    } CF[] = {
        {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
        {0x070F, 0x070F},   {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},
        {0x200B, 0x200F},   {0x202A, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
        {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
        {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
        {0xE0020, 0xE007F},
    };
    for (size_t i = 0; i < sizeof CF / sizeof CF[0]; i++)
        if (c >= CF[i].lo && c <= CF[i].hi)
            return 1;
    return 0;
}

/* Appends src to out (at *o), sanitized, while whole characters fit. */
static void append(char *out, size_t max, size_t *o, const char *src)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t n = strlen(src);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char_len(s + i, n - i);
        if (k == 0) {
            if (*o + 1 > max)
                return;
            out[(*o)++] = '?';
            i++;
            continue;
        }
        uint32_t c = code_point(s + i, k);
        if (is_format(c)) {
            i += k;
            continue;
        }
        if (is_control(c)) {
            if (*o + 1 > max)
                return;
            out[(*o)++] = ' ';
        } else if (*o + k > max) {
            return;
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
    append(out, CRPKI_DESC_MAX, &o, program && *program ? program : "unknown");
    if (what && *what) {
        append(out, CRPKI_DESC_MAX, &o, ": ");
        append(out, CRPKI_DESC_MAX, &o, what);
    }
    out[o] = '\0';
    return o;
}

size_t signing_program_path_text(const char *path, char *out, size_t outsz)
{
    if (outsz < 8) {
        if (outsz)
            out[0] = '\0';
        return 0;
    }
    const char *src = path && *path ? path : "unknown";
    size_t o = 0, n = strlen(src), keep = outsz - 1;
    if (n > keep) {
        /* too long: "..." and the end, which names the program */
        memcpy(out, "...", 3);
        o = 3;
        const char *tail = src + n - (keep - 3);
        while (*tail && ((unsigned char)*tail & 0xC0) == 0x80)
            tail++; /* start on a character */
        src = tail;
    }
    append(out, keep, &o, src);
    out[o] = '\0';
    return o;
}
