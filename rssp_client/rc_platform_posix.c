/* rc_platform for Linux (and other POSIX systems): pthreads, getrandom(),
 * OpenSSL's SHA-256. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* getrandom */

#include "rc_platform.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <openssl/evp.h>

static pthread_once_t ONCES[RC_ONCE__COUNT] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};
static void (*ONCE_FN[RC_ONCE__COUNT])(void);

static void once_curl(void)
{
    ONCE_FN[RC_ONCE_CURL]();
}

static void once_globals(void)
{
    ONCE_FN[RC_ONCE_GLOBALS]();
}

void rc_once_run(int id, void (*fn)(void))
{
    static void (*const TRAMPOLINE[RC_ONCE__COUNT])(void) = {once_curl, once_globals};
    if (id < 0 || id >= RC_ONCE__COUNT)
        return;
    /* Every caller of one id passes the same fn; the store is idempotent and
     * happens before pthread_once, which orders it for the runner. */
    static pthread_mutex_t fn_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&fn_lock);
    ONCE_FN[id] = fn;
    pthread_mutex_unlock(&fn_lock);
    pthread_once(&ONCES[id], TRAMPOLINE[id]);
}

int64_t rc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t rc_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t rc_unix_time(void)
{
    return (int64_t)time(NULL);
}

int rc_random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

int rc_sha256(const void *data, size_t n, uint8_t out[32])
{
    unsigned int len = 0;
    if (EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return -1;
    return 0;
}

int rc_platform_system_proxy(char **proxy, char **bypass)
{
    *proxy = NULL;
    *bypass = NULL;
    return 0;
}

int rc_platform_root_store_pem(char **pem, size_t *len)
{
    *pem = NULL;
    *len = 0;
    return 0;
}

int rc_platform_is_windows(void)
{
    return 0;
}
