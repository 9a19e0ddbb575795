#include "base/util/text_clean.h"

#include <stdint.h>
#include <string.h>

#include "base/util/utf8.h"

typedef struct {
    uint32_t lo, hi;
} range;

static int in_ranges(uint32_t c, const range *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c >= r[i].lo && c <= r[i].hi)
            return 1;
    return 0;
}

/* Unicode general category Cf (format), which holds every bidi control. */
static int is_format(uint32_t c)
{
    static const range CF[] = {
        {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
        {0x070F, 0x070F},   {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},
        {0x200B, 0x200F},   {0x202A, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
        {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
        {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
        {0xE0020, 0xE007F},
    };
    return in_ranges(c, CF, sizeof CF / sizeof CF[0]);
}

/* Letters that render as nothing at all. */
static int is_blank_filler(uint32_t c)
{
    return c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || c == 0x2800;
}

/* The combining marks (Mn, Me) of the blocks text stacks them from. */
static int is_combining(uint32_t c)
{
    static const range M[] = {
        {0x0300, 0x036F},   {0x0483, 0x0489}, {0x0591, 0x05BD},   {0x0610, 0x061A},
        {0x064B, 0x065F},   {0x0670, 0x0670}, {0x06D6, 0x06DC},   {0x06DF, 0x06E4},
        {0x0E31, 0x0E31},   {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},   {0x1AB0, 0x1AFF},
        {0x1DC0, 0x1DFF},   {0x20D0, 0x20FF}, {0x302A, 0x302F},   {0x3099, 0x309A},
        {0xFE00, 0xFE0F},   {0xFE20, 0xFE2F}, {0x1D165, 0x1D169}, {0x1D16D, 0x1D172},
        {0xE0100, 0xE01EF},
    };
    return in_ranges(c, M, sizeof M / sizeof M[0]);
}

/* Space separators (Zs) but the ideographic space, controls, and the line
 * and paragraph separators: each becomes ' '. */
static int becomes_space(uint32_t c)
{
    return c < 0x20 || c == 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F;
}

/* The character that ends out[0..len) and its start; 0 when len is 0. */
static uint32_t last_char(const char *out, size_t len, size_t *start)
{
    if (len == 0)
        return 0;
    size_t i = len - 1;
    while (i > 0 && ((unsigned char)out[i] & 0xC0) == 0x80)
        i--;
    size_t k = utf8_char_len(out + i, len - i);
    *start = i;
    return k ? utf8_decode(out + i, k) : '?';
}

static int is_space_out(uint32_t c)
{
    return c == ' ' || c == 0x3000;
}

/* How many combining marks end out[0..len) (up to 3). */
static unsigned trailing_marks(const char *out, size_t len)
{
    unsigned n = 0;
    size_t start = len;
    while (n < 3 && start > 0 && is_combining(last_char(out, start, &start)))
        n++;
    return n;
}

void text_clean_append(char *out, size_t max, size_t *len, const char *in)
{
    if (!in)
        return;
    const unsigned char *s = (const unsigned char *)in;
    size_t n = strlen(in), o = *len;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char_len(s + i, n - i);
        const char *put = (const char *)s + i;
        size_t put_len = k;
        uint32_t c = k ? utf8_decode(s + i, k) : '?';
        if (k == 0) {
            put = "?";
            put_len = 1;
            k = 1;
        } else if (is_format(c) || is_blank_filler(c)) {
            i += k;
            continue;
        } else if (becomes_space(c)) {
            put = " ";
            put_len = 1;
            c = ' ';
        }
        i += k;
        size_t at;
        uint32_t prev = last_char(out, o, &at);
        if (is_space_out(c) && (o == 0 || is_space_out(prev)))
            continue; /* no space first, none twice */
        if (is_combining(c) && (o == 0 || trailing_marks(out, o) >= 2))
            continue;
        if (o + put_len > max)
            break;
        memcpy(out + o, put, put_len);
        o += put_len;
    }
    out[o] = '\0';
    *len = o;
}

size_t text_clean(const char *in, char *out, size_t outsz)
{
    if (!out || outsz == 0)
        return 0;
    size_t len = 0;
    out[0] = '\0';
    text_clean_append(out, outsz - 1, &len, in);
    return text_clean_end(out, len);
}

size_t text_clean_end(char *out, size_t len)
{
    size_t at;
    while (len > 0 && is_space_out(last_char(out, len, &at))) {
        len = at;
        out[len] = '\0';
    }
    return len;
}
