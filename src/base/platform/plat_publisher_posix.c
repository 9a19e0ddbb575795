/* plat_publisher on POSIX: no Authenticode (plat_publisher.h). */
#include "base/platform/plat_publisher.h"

plat_pub_state plat_program_publisher(char *name, size_t n)
{
    if (n)
        name[0] = '\0';
    return PLAT_PUB_NONE;
}
