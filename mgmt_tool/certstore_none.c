/* certstore where there is no certificate store to link (Linux): the key
 * catalog alone tells libcrpki which certificate is selected. */
#include "certstore.h"

#include "base/error/fail.h"

int certstore_available(void)
{
    return 0;
}

crpki_err certstore_install(const uint8_t *der, size_t len, const char *credential_id,
                            unsigned provider, const char *friendly_name, crpki_error_info *ei)
{
    return fail_with(ei, CRPKI_E_NOT_SUPPORTED, "no certificate store on this platform");
}

crpki_err certstore_remove(const char *credential_id, size_t *n, crpki_error_info *ei)
{
    *n = 0;
    return CRPKI_OK;
}

int certstore_provider_registered(unsigned provider)
{
    return -1;
}
