#include "base/util/strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* volatile: the compiler may not drop stores to a block about to be freed */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void strbuf_put(strbuf *b, const void *data, size_t n)
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
        /* not realloc: the old block must be wiped before it is freed */
        char *np = malloc(cap);
        if (!np) {
            b->oom = 1;
            return;
        }
        if (b->p) {
            memcpy(np, b->p, b->len);
            wipe(b->p, b->cap);
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

void strbuf_puts(strbuf *b, const char *s)
{
    strbuf_put(b, s, strlen(s));
}

void strbuf_free(strbuf *b)
{
    if (b->p) {
        wipe(b->p, b->cap);
        free(b->p);
    }
    memset(b, 0, sizeof *b);
}
