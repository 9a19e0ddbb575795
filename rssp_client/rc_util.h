/* rc_util: small helpers of the client: appending percent-encoded text to a
 * strbuf (util/strbuf.h), a printable-ASCII check, URL decoding (forms and
 * queries), secret wiping. Pure functions. UTF-8 and other text checks are
 * util/utf8.h and util/text.h. */
#ifndef CRPKI_RSSP_CLIENT_RC_UTIL_H
#define CRPKI_RSSP_CLIENT_RC_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "base/platform/plat_protect.h" /* plat_wipe */
#include "base/platform/plat_str.h"     /* plat_strdup */
#include "base/util/strbuf.h"

/* Appends s percent-encoded: everything but RFC 3986 unreserved characters
 * [A-Za-z0-9-._~] becomes %XX (upper-case hex). */
void rc_put_pct(strbuf *b, const char *s);
/* Appends "&name=value" (no '&' when b is empty), both percent-encoded. */
void rc_put_param(strbuf *b, const char *name, const char *value);

char *rc_strndup(const char *s, size_t n);

/* plat_wipe(s, strlen(s)) then free(s). */
void rc_free_secret(char *s);

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
