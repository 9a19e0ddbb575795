/* certstore where there is no certificate store to link (Linux): the key
 * catalog alone tells libcrpki which certificate is selected. */
#include "certstore.h"

#include "platform/fail.h"

int cs_available(void)
{
    return 0;
}

crpki_err cs_install(const uint8_t *der, size_t len, const char *credential_id, unsigned provider,
                     crpki_error_info *ei)
{
    return crpki_fail(ei, CRPKI_E_NOT_SUPPORTED, "no certificate store on this platform");
}

crpki_err cs_remove(const char *credential_id, size_t *n, crpki_error_info *ei)
{
    *n = 0;
    return CRPKI_OK;
}

int cs_provider_registered(unsigned provider)
{
    return -1;
}
