/* strbuf: a growable, NUL-terminated byte string built by appending. An
 * append that cannot grow the buffer sets the sticky oom flag and every later
 * append is a no-op, so a builder checks once, at the end. The buffer may
 * hold secrets (tokens in forms): a block it lets go of is wiped first. */
#ifndef CRPKI_BASE_UTIL_STRBUF_H
#define CRPKI_BASE_UTIL_STRBUF_H

#include <stddef.h>

typedef struct {
    char *p; /* NUL-terminated when non-NULL; NULL until the first append */
    size_t len, cap;
    int oom; /* an append failed: the content is incomplete */
} strbuf;

/* Appends n bytes of data (which may hold NULs). */
void strbuf_put(strbuf *b, const void *data, size_t n);
/* Appends the NUL-terminated s. */
void strbuf_puts(strbuf *b, const char *s);
/* Wipes and frees the buffer and zeroes b. A builder that keeps b->p
 * instead owns it (free() it). */
void strbuf_free(strbuf *b);

#endif
