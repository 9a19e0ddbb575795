#include <string.h>

#include "base/platform/plat_thread.h"
#include "base/platform/plat_clock.h"
#include "testutil.h"

int tu_write_str(const char *path, const char *s)
{
    return tu_write(path, s, strlen(s));
}

int tu_wait_for_file(const char *path, unsigned timeout_ms)
{
    int64_t end = plat_now_ms() + timeout_ms;
    while (!tu_exists(path)) {
        if (plat_now_ms() >= end)
            return 0;
        plat_sleep_ms(2);
    }
    return 1;
}
