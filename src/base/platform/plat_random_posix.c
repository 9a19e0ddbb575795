/* plat_random for Linux: getrandom(), OpenSSL's SHA-256. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* getrandom */

#include "base/platform/plat_random.h"

#include <errno.h>
#include <sys/random.h>
#include <sys/types.h>

#include <openssl/evp.h>

int plat_random_bytes(void *buf, size_t n)
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

int plat_sha256(const void *data, size_t n, uint8_t out[32])
{
    unsigned int len = 0;
    if (EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return -1;
    return 0;
}
