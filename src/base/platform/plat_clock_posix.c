/* plat_clock for POSIX: clock_gettime(CLOCK_MONOTONIC), time(). */
#define _POSIX_C_SOURCE 200809L

#include "base/platform/plat_clock.h"

#include <time.h>

#include "base/util/text.h"

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

int64_t plat_unix_time_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int plat_utc_offset_s(int64_t unix_s)
{
    time_t t = (time_t)unix_s;
    struct tm lt;
    if (!localtime_r(&t, &lt))
        return 0;
    /* the local broken-down time read as if it were UTC, minus the instant */
    int64_t as_utc =
        text_days_from_civil(lt.tm_year + 1900, (unsigned)lt.tm_mon + 1, (unsigned)lt.tm_mday) *
            86400 +
        lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec;
    return (int)(as_utc - unix_s);
}
