#include "csp_out.h"

#include <string.h>

csp_code csp_out_check(uint32_t need, const uint8_t *data, uint32_t *len, int *fits, csp_status *st)
{
    *fits = 0;
    if (!len)
        return csp_fail(st, CSP_E_INVALID_ARG, "the length pointer is NULL");
    if (!data) {
        *len = need;
        return CSP_OK;
    }
    if (*len < need) {
        uint32_t have = *len;
        *len = need;
        return csp_fail(st, CSP_E_MORE_DATA, "buffer of %lu bytes, %lu needed", (unsigned long)have,
                        (unsigned long)need);
    }
    *fits = 1;
    return CSP_OK;
}

csp_code csp_out_bytes(const void *src, size_t n, uint8_t *data, uint32_t *len, csp_status *st)
{
    int fits;
    if (n > UINT32_MAX)
        return csp_fail(st, CSP_E_INVALID_ARG, "value too large");
    csp_code c = csp_out_check((uint32_t)n, data, len, &fits, st);
    if (c != CSP_OK || !fits)
        return c;
    if (n)
        memcpy(data, src, n);
    *len = (uint32_t)n;
    return CSP_OK;
}

csp_code csp_out_u32(uint32_t v, uint8_t *data, uint32_t *len, csp_status *st)
{
    uint8_t b[4];
    csp_put_u32le(b, v);
    return csp_out_bytes(b, sizeof(b), data, len, st);
}

csp_code csp_out_str(const char *s, uint8_t *data, uint32_t *len, csp_status *st)
{
    return csp_out_bytes(s, strlen(s) + 1, data, len, st);
}

void csp_put_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

uint32_t csp_get_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void csp_reverse(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (dst == src) {
        for (size_t i = 0; i < n / 2; i++) {
            uint8_t t = dst[i];
            dst[i] = dst[n - 1 - i];
            dst[n - 1 - i] = t;
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = src[n - 1 - i];
}
