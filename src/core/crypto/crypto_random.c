/* crypto_random (crypto.h): the OS CSPRNG of the base layer (getrandom /
 * BCryptGenRandom), the one the client's PKCE values come from too. */
#include "core/crypto/crypto.h"

#include "base/log/log.h"
#include "base/platform/plat_random.h"

crpki_err crypto_random(void *buf, size_t len)
{
    if (!buf && len)
        return CRPKI_E_INVALID_ARG;
    if (len && plat_random_bytes(buf, len) != 0) {
        log_write(CRPKI_LOG_ERROR, "crypto", "the system's random number generator failed");
        return CRPKI_E_INTERNAL;
    }
    return CRPKI_OK;
}
