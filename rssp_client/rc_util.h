/* rc_util: small helpers of the client: a growable byte buffer, string
 * checks (UTF-8, printable ASCII), URL percent-encoding and decoding (forms
 * and queries), secret wiping. Pure functions. */
#ifndef RC_UTIL_H
#define RC_UTIL_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *p; /* NUL-terminated when non-NULL */
    size_t len, cap;
    int oom; /* an append failed: the content is incomplete */
} rc_buf;

void rc_buf_put(rc_buf *b, const void *data, size_t n);
void rc_buf_puts(rc_buf *b, const char *s);
/* Appends s percent-encoded: everything but RFC 3986 unreserved characters
 * [A-Za-z0-9-._~] becomes %XX (upper-case hex). */
void rc_buf_put_pct(rc_buf *b, const char *s);
/* Appends "&name=value" (no '&' when b is empty), both percent-encoded. */
void rc_buf_put_param(rc_buf *b, const char *name, const char *value);
/* Frees (wiping first when wipe) and zeroes b. */
void rc_buf_free(rc_buf *b, int wipe);

char *rc_strdup(const char *s); /* NULL for NULL or on allocation failure */
char *rc_strndup(const char *s, size_t n);

/* Overwrites n bytes so that the compiler cannot drop it. */
void rc_wipe(void *p, size_t n);
/* rc_wipe(s, strlen(s)) then free(s). */
void rc_free_secret(char *s);

/* 1 when s[0..n) is well-formed UTF-8 (RFC 3629: no overlongs, no
 * surrogates, <= U+10FFFF). */
int rc_utf8_ok(const char *s, size_t n);
/* 1 when s has no C0 control characters and no DEL. */
int rc_no_controls(const char *s);
/* 1 when s is non-empty printable ASCII (0x21..0x7E, spaces refused). */
int rc_printable_token(const char *s);

/* Decodes one application/x-www-form-urlencoded component of n bytes
 * ('+' is a space, %XX needs two hex digits) into a malloc'ed string.
 * NULL when malformed (or on allocation failure, *oom set), or when the
 * result holds a NUL. */
char *rc_url_decode(const char *s, size_t n, int *oom);

/* Constant-time equality of two NUL-terminated strings (length leaks). */
int rc_str_equal_ct(const char *a, const char *b);

#endif
