#include "base/util/errbuf.h"

#include <stdarg.h>
#include <stdio.h>

void errbuf_set(char *err, size_t errsz, const char *fmt, ...)
{
    if (!err || errsz == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

void errbuf_append(char *err, size_t errsz, const char *fmt, ...)
{
    if (!err || errsz == 0)
        return;
    size_t n = 0; /* strnlen is POSIX, not C11 */
    while (n < errsz && err[n])
        n++;
    if (n >= errsz - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errsz - n, fmt, ap);
    va_end(ap);
}
