/* plat_clock for POSIX: clock_gettime(CLOCK_MONOTONIC), time(). */
#define _POSIX_C_SOURCE 200809L

#include "base/platform/plat_clock.h"

#include <time.h>

int64_t plat_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t plat_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t plat_unix_time(void)
{
    return (int64_t)time(NULL);
}
