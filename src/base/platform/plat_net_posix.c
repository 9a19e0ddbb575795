/* plat_net for POSIX: no system proxy setting here (the client reads the
 * environment), OpenSSL's default CA path. */
#include "base/platform/plat_net.h"

int plat_system_proxy(char **proxy, char **bypass)
{
    *proxy = NULL;
    *bypass = NULL;
    return 0;
}

int plat_root_store_pem(char **pem, size_t *len)
{
    *pem = NULL;
    *len = 0;
    return 0;
}

int plat_is_windows(void)
{
    return 0;
}
