#include "base/util/derw.h"

#include <stdlib.h>

void derw_tlv(strbuf *b, uint8_t tag, const void *content, size_t len)
{
    uint8_t h[6];
    size_t n = 0;
    h[n++] = tag;
    if (len < 0x80) {
        h[n++] = (uint8_t)len;
    } else {
        size_t bytes = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
        h[n++] = (uint8_t)(0x80 | bytes);
        for (size_t i = bytes; i-- > 0;)
            h[n++] = (uint8_t)(len >> (8 * i));
    }
    strbuf_put(b, h, n);
    if (len)
        strbuf_put(b, content, len);
}

void derw_wrap(strbuf *b, uint8_t tag, strbuf *inner)
{
    derw_tlv(b, tag, inner->p ? inner->p : "", inner->len);
    if (inner->oom)
        b->oom = 1;
    strbuf_free(inner);
}

/* Appends v in base 128, high groups first, all but the last with bit 8. */
static size_t base128(uint8_t *out, unsigned long v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (uint8_t)(v & 0x7F);
        v >>= 7;
    } while (v && n < sizeof tmp);
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(tmp[n - 1 - i] | (i + 1 < n ? 0x80 : 0));
    return n;
}

void derw_oid(strbuf *b, const char *dotted)
{
    uint8_t content[64];
    size_t len = 0;
    unsigned long arcs[2] = {0, 0};
    int narc = 0;
    const char *p = dotted;
    while (p && *p) {
        char *end;
        unsigned long v = strtoul(p, &end, 10);
        if (end == p || (*end && *end != '.') || len + 10 > sizeof content) {
            b->oom = 1; /* malformed: nothing a caller can write */
            return;
        }
        if (narc < 2) {
            arcs[narc++] = v;
            if (narc == 2) {
                if (arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) {
                    b->oom = 1;
                    return;
                }
                len += base128(content + len, arcs[0] * 40 + arcs[1]);
            }
        } else {
            len += base128(content + len, v);
        }
        p = *end ? end + 1 : end;
    }
    if (narc < 2) {
        b->oom = 1;
        return;
    }
    derw_tlv(b, 0x06, content, len);
}

void derw_uint(strbuf *b, uint32_t v)
{
    uint8_t out[5];
    size_t n = 0;
    int started = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        uint8_t byte = (uint8_t)(v >> shift);
        if (!started && byte == 0 && shift > 0)
            continue;
        if (!started && (byte & 0x80))
            out[n++] = 0;
        started = 1;
        out[n++] = byte;
    }
    derw_tlv(b, 0x02, out, n);
}

void derw_algid(strbuf *b, const char *dotted, int null_params)
{
    strbuf s = {0};
    derw_oid(&s, dotted);
    if (null_params)
        derw_tlv(&s, 0x05, NULL, 0);
    derw_wrap(b, 0x30, &s);
}
