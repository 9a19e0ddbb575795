/* plat_net: what both platforms share. */
#include "base/platform/plat_net.h"

#include <stdlib.h>
#include <string.h>

void plat_proxy_settings_free(plat_proxy_settings *s)
{
    free(s->pac_url);
    free(s->proxy);
    free(s->bypass);
    memset(s, 0, sizeof *s);
}
