#include "base/platform/plat_str.h"

#include <stdlib.h>
#include <string.h>

char *plat_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
