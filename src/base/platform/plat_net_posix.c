/* plat_net for POSIX: no system proxy setting here (the client reads the
 * environment), OpenSSL's default CA path. */
#include "base/platform/plat_net.h"

#include <stdlib.h>
#include <string.h>

int plat_proxy_settings_get(plat_proxy_settings *s)
{
    memset(s, 0, sizeof *s);
    return 0;
}

int plat_proxy_autoconfig(const char *url, const char *pac_url, char **list, char **found,
                          char **why)
{
    (void)url;
    (void)pac_url;
    *list = NULL;
    *found = NULL;
    *why = NULL;
    return 1;
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
