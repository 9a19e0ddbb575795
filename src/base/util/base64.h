/* base64 (RFC 4648 §4, padded) and base64url (§5, unpadded) codecs.
 * Decoding is strict: no whitespace, correct padding, no trailing bits set, so
 * that one value has exactly one accepted encoding (the protocol relies on
 * this when it compares hashes). */
#ifndef CRPKI_BASE_UTIL_BASE64_H
#define CRPKI_BASE_UTIL_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Length of the padded encoding of n bytes, without the terminator. */
size_t base64_encoded_len(size_t n);

/* Encodes n bytes into out (outsz must hold base64_encoded_len(n) + 1 bytes).
 * Returns the encoded length, or 0 with out untouched if outsz is too small
 * (an empty input encodes to "" and also returns 0). */
size_t base64_encode(const uint8_t *in, size_t n, char *out, size_t outsz);

/* malloc'ed, NUL-terminated encoding; NULL on allocation failure. */
char *base64_encode_alloc(const uint8_t *in, size_t n);

/* Strict decode of inlen characters. Returns 0 and sets *outlen, or -1 on any
 * malformed input or if out (outsz bytes) is too small. out may be NULL when
 * outsz is 0 to learn nothing but validity (then -1 unless input is empty). */
int base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz, size_t *outlen);

/* Upper bound of the decoded size of inlen characters. */
size_t base64_decoded_max(size_t inlen);

/* base64url without padding (PKCE, tokens, handles). */
size_t base64url_encode(const uint8_t *in, size_t n, char *out, size_t outsz);
int base64url_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz, size_t *outlen);

#endif
