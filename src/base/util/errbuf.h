/* errbuf: printf into a caller's error buffer, the way every function of the
 * project that "returns -1 with a message" reports what went wrong. */
#ifndef CRPKI_BASE_UTIL_ERRBUF_H
#define CRPKI_BASE_UTIL_ERRBUF_H

#include <stddef.h>

#if defined(__GNUC__)
#define CRPKI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CRPKI_PRINTF(a, b)
#endif

/* Replaces err's content (truncated to errsz). err NULL or errsz 0: no-op. */
void errbuf_set(char *err, size_t errsz, const char *fmt, ...) CRPKI_PRINTF(3, 4);
/* Appends to err's current content (truncated to errsz). */
void errbuf_append(char *err, size_t errsz, const char *fmt, ...) CRPKI_PRINTF(3, 4);

#endif
