/* signing_internal: the parts of the signing path in files of their own:
 * the description sent to the phone (signing_desc.c) and the signature
 * cache (signing_cache.c), unit-tested natively, and the verification of
 * the signature the service returned (signing_verify.c). */
#ifndef CRPKI_CORE_SIGNING_SIGNING_INTERNAL_H
#define CRPKI_CORE_SIGNING_SIGNING_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/rssp_client.h"
#include "core/signing/signing.h"

/* The protocol's limit on the description (docs/protocol.md), in bytes. */
#define CRPKI_DESC_MAX 256

/* "<program>: <what>", or just the program when what is NULL or empty
 * ("unknown" when the program is too). Made safe for the protocol: control
 * characters become spaces, bytes that are not UTF-8 become '?', and the
 * result is cut to CRPKI_DESC_MAX bytes on a character boundary. out must
 * hold CRPKI_DESC_MAX + 1 bytes. Returns the length. */
size_t signing_description(const char *program, const char *what, char out[CRPKI_DESC_MAX + 1]);

/* The program's full path as the approval dialog shows it: cleaned like the
 * description; longer than outsz - 1 bytes, "..." and its end (the file
 * name stays). "unknown" for NULL or empty. Returns the length. */
size_t signing_program_path_text(const char *path, char *out, size_t outsz);

/* ---- signature cache ----------------------------------------------------------- */

/* Milliseconds of a monotonic clock; tests pass a fake one. */
typedef uint64_t (*signing_cache_clock)(void *ctx);

typedef struct signing_cache signing_cache;

/* capacity entries at most (the oldest goes when full), each valid ttl_ms
 * after it was put. clock NULL: plat_now_ms. NULL when out of memory. */
signing_cache *signing_cache_new(size_t capacity, uint64_t ttl_ms, signing_cache_clock clock,
                                 void *clock_ctx);
void signing_cache_free(signing_cache *c); /* NULL ok */

typedef struct {
    const char *credential_id;
    int scheme; /* alg_sig_scheme */
    int hash;   /* alg_hash_id */
    unsigned salt_len;
    const uint8_t *digest; /* up to 64 bytes */
    size_t digest_len;
} signing_cache_key;

/* A valid entry for k: copies its signature to sig (*sig_len in: the room,
 * out: the length) and returns 1; 0 when none (or sig too small). */
int signing_cache_get(signing_cache *c, const signing_cache_key *k, uint8_t *sig, size_t *sig_len);
/* Stores (or refreshes) the signature for k. Signatures over 1024 bytes or
 * digests over 64 are not kept. */
void signing_cache_put(signing_cache *c, const signing_cache_key *k, const uint8_t *sig,
                       size_t sig_len);
/* Entries held now, expired ones included until they are pushed out. */
size_t signing_cache_size(signing_cache *c);

/* ---- verification of the returned signature ------------------------------------- */

/* got (the service's signature for p) into the provider's form in sig (RSA
 * as is, ECDSA as P1363 r||s; *sig_len in: the room, out: the length), then
 * verified against p->key's certificate: CRPKI_E_BAD_SIGNATURE when it does
 * not verify, CRPKI_E_PROTOCOL when it is malformed or too long. sig and
 * *sig_len change only on success: unverified bytes never reach the caller. */
crpki_err signing_verify_returned(const signing_params *p, const rssp_blob *got, uint8_t *sig,
                                  size_t *sig_len, crpki_error_info *ei);

#endif
