#include "rc_util.h"

#include <stdlib.h>
#include <string.h>

void rc_buf_put(rc_buf *b, const void *data, size_t n)
{
    if (b->oom)
        return;
    if (n > SIZE_MAX / 2 - b->len - 1) {
        b->oom = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *np = malloc(cap);
        if (!np) {
            b->oom = 1;
            return;
        }
        if (b->p) {
            memcpy(np, b->p, b->len);
            /* the old block may hold secrets (tokens in forms) */
            rc_wipe(b->p, b->cap);
            free(b->p);
        }
        b->p = np;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void rc_buf_puts(rc_buf *b, const char *s)
{
    rc_buf_put(b, s, strlen(s));
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

void rc_buf_put_pct(rc_buf *b, const char *s)
{
    static const char HEX[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (unreserved(*p)) {
            rc_buf_put(b, p, 1);
        } else {
            char e[3] = {'%', HEX[*p >> 4], HEX[*p & 15]};
            rc_buf_put(b, e, 3);
        }
    }
}

void rc_buf_put_param(rc_buf *b, const char *name, const char *value)
{
    if (b->len > 0)
        rc_buf_put(b, "&", 1);
    rc_buf_put_pct(b, name);
    rc_buf_put(b, "=", 1);
    rc_buf_put_pct(b, value);
}

void rc_buf_free(rc_buf *b, int wipe)
{
    if (b->p && wipe)
        rc_wipe(b->p, b->cap);
    free(b->p);
    memset(b, 0, sizeof *b);
}

char *rc_strdup(const char *s)
{
    return s ? rc_strndup(s, strlen(s)) : NULL;
}

char *rc_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void rc_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void rc_free_secret(char *s)
{
    if (!s)
        return;
    rc_wipe(s, strlen(s));
    free(s);
}

int rc_utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        size_t k;
        unsigned min, cp;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return 0;
        }
        if ((size_t)(end - p) <= k)
            return 0;
        for (size_t i = 1; i <= k; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += k + 1;
    }
    return 1;
}

int rc_no_controls(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return 0;
    return 1;
}

int rc_printable_token(const char *s)
{
    if (!s || !*s)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x21 || *p > 0x7E)
            return 0;
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *rc_url_decode(const char *s, size_t n, int *oom)
{
    *oom = 0;
    char *d = malloc(n + 1);
    if (!d) {
        *oom = 1;
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            d[o++] = ' ';
        } else if (c == '%') {
            if (n - i < 3 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
                free(d);
                return NULL;
            }
            int v = hexval(s[i + 1]) << 4 | hexval(s[i + 2]);
            if (v == 0) {
                free(d);
                return NULL;
            }
            d[o++] = (char)v;
            i += 2;
        } else if (c == '\0') {
            free(d);
            return NULL;
        } else {
            d[o++] = c;
        }
    }
    d[o] = '\0';
    return d;
}

int rc_str_equal_ct(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return 0;
    unsigned char diff = 0;
    for (size_t i = 0; i < la; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}
