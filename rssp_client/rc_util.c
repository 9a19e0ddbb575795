#include "rc_util.h"

#include <stdlib.h>
#include <string.h>

#include "base/util/text.h"

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

void rc_put_pct(strbuf *b, const char *s)
{
    static const char HEX[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (unreserved(*p)) {
            strbuf_put(b, p, 1);
        } else {
            char e[3] = {'%', HEX[*p >> 4], HEX[*p & 15]};
            strbuf_put(b, e, 3);
        }
    }
}

void rc_put_param(strbuf *b, const char *name, const char *value)
{
    if (b->len > 0)
        strbuf_put(b, "&", 1);
    rc_put_pct(b, name);
    strbuf_put(b, "=", 1);
    rc_put_pct(b, value);
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

void rc_free_secret(char *s)
{
    if (!s)
        return;
    plat_wipe(s, strlen(s));
    free(s);
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
            if (n - i < 3 || text_hex_digit(s[i + 1]) < 0 || text_hex_digit(s[i + 2]) < 0) {
                free(d);
                return NULL;
            }
            int v = text_hex_digit(s[i + 1]) << 4 | text_hex_digit(s[i + 2]);
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
