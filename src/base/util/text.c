#include "base/util/text.h"
#include "base/util/text_clean.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int text_no_controls(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return 0;
    return 1;
}

int text_is_hex(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
            return 0;
    return 1;
}

int text_is_gentime(const char *s)
{
    if (strlen(s) != 15 || s[14] != 'Z')
        return 0;
    for (int i = 0; i < 14; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int text_is_oid(const char *s)
{
    size_t len = strlen(s);
    int dots = 0;
    if (len == 0 || len > 128 || s[0] == '.' || s[len - 1] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (s[i + 1] == '.')
                return 0;
            dots++;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return dots >= 1;
}

int64_t text_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void text_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int text_hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Copies at most n-1 bytes, never ending inside a UTF-8 sequence. */
static void copy_cut(char *out, size_t n, const char *s, size_t len)
{
    if (len > n - 1) {
        len = n - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(out, s, len);
    out[len] = '\0';
}

int text_dn_attr(const char *dn, const char *attr, char *out, size_t n)
{
    if (!out || n == 0)
        return 0;
    out[0] = '\0';
    if (!dn || !attr)
        return 0;
    size_t alen = strlen(attr);
    const char *p = dn;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *eq = strchr(p, '=');
        if (!eq)
            return 0;
        int match = (size_t)(eq - p) == alen;
        for (size_t i = 0; match && i < alen; i++)
            match = tolower((unsigned char)p[i]) == tolower((unsigned char)attr[i]);
        /* the value, escapes undone, up to an unescaped ',' or '+' */
        size_t cap = strlen(eq + 1) + 1, len = 0;
        char *val = malloc(cap);
        if (!val)
            return 0;
        const char *v = eq + 1;
        int hex = *v == '#';
        while (*v && *v != ',' && *v != '+') {
            if (*v == '\\' && v[1]) {
                int h = text_hex_digit(v[1]), l = v[2] ? text_hex_digit(v[2]) : -1;
                if (h >= 0 && l >= 0) {
                    val[len++] = (char)(h * 16 + l);
                    v += 3;
                } else {
                    val[len++] = v[1];
                    v += 2;
                }
            } else
                val[len++] = *v++;
        }
        if (match && !hex) {
            copy_cut(out, n, val, len);
            free(val);
            return 1;
        }
        free(val);
        p = *v ? v + 1 : v;
    }
    return 0;
}

void text_dn_display(const char *dn, char *out, size_t n)
{
    if (!out || n == 0)
        return;
    /* the values as the DN spells them (escapes undone) */
    char cn[256] = "", o[256] = "";
    text_dn_attr(dn, "CN", cn, sizeof cn);
    text_dn_attr(dn, "O", o, sizeof o);
    if (text_holder_display(cn, o, out, n) == 0)
        text_clean(dn, out, n);
}

size_t text_holder_display(const char *cn, const char *o, char *out, size_t n)
{
    if (!out || n == 0)
        return 0;
    /* cleaned as every displayed text is: these bytes are a certificate's
       or the service's */
    char c[256], g[256], buf[600];
    int has_cn = text_clean(cn, c, sizeof c) > 0, has_o = text_clean(o, g, sizeof g) > 0;
    if (has_cn && has_o)
        snprintf(buf, sizeof buf, "%s (%s)", c, g);
    else
        snprintf(buf, sizeof buf, "%s", has_cn ? c : has_o ? g : "");
    copy_cut(out, n, buf, strlen(buf));
    return strlen(out);
}
