/* utf8: the project's one UTF-8 checker. Well-formed means RFC 3629: no
 * overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF and
 * no sequence cut short. U+0000 is well-formed; callers that refuse NUL say
 * so themselves. Pure functions. */
#ifndef CRPKI_BASE_UTIL_UTF8_H
#define CRPKI_BASE_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1-4) of the well-formed character that starts at s (n bytes
 * available), or 0 when there is none (n is 0 or the bytes are malformed). */
size_t utf8_char_len(const void *s, size_t n);

/* Offset of the first byte of s[0..n) that does not start a well-formed
 * character, or n when all of it is well-formed. */
size_t utf8_invalid_at(const void *s, size_t n);

/* 1 when s[0..n) is well-formed UTF-8. */
int utf8_valid(const void *s, size_t n);

/* s[0..n) is the head of a longer text cut at n: the length of the head
 * without the multi-byte character the cut split, i.e. the last character
 * boundary at or before n (n itself when the cut fell on one). */
size_t utf8_boundary(const void *s, size_t n);

/* The code point of the well-formed character of k bytes at s (k as
 * utf8_char_len gave it). */
uint32_t utf8_decode(const void *s, size_t k);
/* Writes code point c (a scalar value: at most U+10FFFF, no surrogate) as
 * UTF-8 into out; returns its length, 1 to 4. */
size_t utf8_encode(uint32_t c, char out[4]);

#endif
