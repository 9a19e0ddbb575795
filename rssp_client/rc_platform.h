/* rc_platform: the few operating-system services the client needs, one
 * interface, two implementations (rc_platform_posix.c, rc_platform_win.c),
 * so that no #ifdef reaches the protocol or transport logic. (Mutexes and
 * threads come from src/platform/thread.h.)
 *
 *   once      pthread_once / InitOnceExecuteOnce (never from DllMain)
 *   clock     monotonic milliseconds, Unix time
 *   random    getrandom() / BCryptGenRandom (CSPRNG)
 *   sha256    OpenSSL EVP / BCrypt (the PKCE challenge only)
 *   proxy     the Windows Internet Options (WinINet) proxy of the current user
 *   ca blob   Windows: the system ROOT store as PEM, for Schannel + ca_bundle */
#ifndef RC_PLATFORM_H
#define RC_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* ---- once ---- */
/* Runs fn exactly once per process for that id, whatever the number of
 * threads calling at the same time; the others wait until it has run. */
void rc_once_run(int id, void (*fn)(void));
enum { RC_ONCE_CURL = 0, RC_ONCE_GLOBALS, RC_ONCE__COUNT };

/* ---- clock ---- */
int64_t rc_now_ms(void);    /* monotonic */
int64_t rc_now_us(void);    /* monotonic, microseconds */
int64_t rc_unix_time(void); /* wall clock, seconds */

/* ---- randomness and hashing ---- */
/* Fills buf from the OS CSPRNG. 0, or -1 if it failed. */
int rc_random_bytes(void *buf, size_t n);
/* SHA-256 of n bytes into out[32]. 0, or -1 if it failed. */
int rc_sha256(const void *data, size_t n, uint8_t out[32]);

/* ---- system settings ---- */
/* The current user's WinINet proxy setting (Internet Options): *proxy gets
 * the proxy list ("host:port" or "http=h:p;https=h:p"), *bypass the bypass
 * list ("<local>;*.corp"), both malloc'ed UTF-8 or NULL. Elsewhere: both NULL.
 * Returns 0, or -1 on allocation failure. */
int rc_platform_system_proxy(char **proxy, char **bypass);

/* Windows: PEM of every certificate in the current user's ROOT store (which
 * includes the machine's) and the machine's AuthRoot store, malloc'ed (*len bytes, NUL-terminated),
 * so that a CA blob can trust them beside the configured ca_bundle (curl's Schannel backend trusts
 * only the CA file once one is given). Elsewhere: *pem NULL (OpenSSL keeps its default CA path
 * beside CURLOPT_CAINFO). Returns 0, or -1. */
int rc_platform_root_store_pem(char **pem, size_t *len);

/* 1 on Windows builds: CA handling differs (see rc_transport.c). */
int rc_platform_is_windows(void);

#endif
