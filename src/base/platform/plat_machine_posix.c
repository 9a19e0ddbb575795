/* plat_machine on POSIX: no store besides /etc/crpki/config.json. */
#include "base/platform/plat_machine.h"

#include "base/error/fail.h"

int plat_store_get(plat_store store, const char *name, char **out, char *why, size_t whysz)
{
    (void)store;
    return plat_machine_get(name, out, why, whysz);
}

int plat_machine_get(const char *name, char **out, char *why, size_t whysz)
{
    (void)name, (void)why, (void)whysz;
    *out = NULL;
    return 0;
}

crpki_err plat_machine_set(const char *name, const char *value, crpki_error_info *ei)
{
    (void)value;
    return fail_with(ei, CRPKI_E_NOT_SUPPORTED, "%s: no machine store here: use the file",
                     name ? name : "?");
}
