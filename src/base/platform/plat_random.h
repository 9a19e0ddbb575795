/* plat_random: the OS CSPRNG (getrandom / BCryptGenRandom) and SHA-256
 * (OpenSSL / BCrypt), for what sits below the crypto backend (the client's
 * PKCE verifier and challenge). */
#ifndef CRPKI_BASE_PLATFORM_PLAT_RANDOM_H
#define CRPKI_BASE_PLATFORM_PLAT_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf from the OS CSPRNG. 0, or -1 if it failed. */
int plat_random_bytes(void *buf, size_t n);
/* SHA-256 of n bytes into out[32]. 0, or -1 if it failed. */
int plat_sha256(const void *data, size_t n, uint8_t out[32]);

#endif
