#include "base/util/text.h"

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
