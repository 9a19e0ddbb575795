/* text: checks of the short text fields the service and the key catalog
 * exchange (names, certificate serials and validity times). Pure functions
 * over NUL-terminated strings. */
#ifndef CRPKI_BASE_UTIL_TEXT_H
#define CRPKI_BASE_UTIL_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* 1 when s holds no C0 control character and no DEL. */
int text_no_controls(const char *s);
/* 1 when s is non-empty and all hexadecimal digits (either case). */
int text_is_hex(const char *s);
/* The value of a hexadecimal digit (either case), 0-15; -1 for anything else. */
int text_hex_digit(char c);
/* 1 when s is an ASN.1 GeneralizedTime in UTC: "YYYYMMDDHHMMSSZ". */
int text_is_gentime(const char *s);
/* 1 when s is a dotted OID: digits and single dots, at least two arcs,
 * at most 128 characters. */
int text_is_oid(const char *s);
/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * algorithm): the times text and DER carry, turned into Unix time. */
int64_t text_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The inverse: the date of the day that many days after 1970-01-01. */
void text_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* The first value of attribute attr ("CN", "O"; case-insensitive) in an
 * RFC 4514 distinguished name ("CN=山田 太郎,O=株式会社テスト,C=JP"),
 * escapes undone, into out (NUL-terminated, cut at n-1 bytes on a UTF-8
 * boundary). 1 when found, 0 when not (out ""). Hex-encoded (#...) values
 * are not decoded: 0. */
int text_dn_attr(const char *dn, const char *attr, char *out, size_t n);
/* How a person reads a certificate's subject: "山田 太郎 (株式会社テスト)",
 * the CN alone without an O, the O alone without a CN, else the DN; each
 * part cleaned by text_clean (text_clean.h). */
void text_dn_display(const char *dn, char *out, size_t n);
/* The same from the holder's name and the company (either may be NULL or
 * empty), each cleaned; "" and 0 when neither shows anything. Returns the
 * length written. */
size_t text_holder_display(const char *cn, const char *o, char *out, size_t n);

#endif
