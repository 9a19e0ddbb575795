/* plat_clock for Windows: GetTickCount64, QueryPerformanceCounter, time(). */
#include "base/platform/plat_clock.h"

#include <windows.h>

#include <time.h>

int64_t plat_now_ms(void)
{
    return (int64_t)GetTickCount64();
}

int64_t plat_now_us(void)
{
    static LARGE_INTEGER freq; /* constant for the system's lifetime */
    LARGE_INTEGER now;
    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (int64_t)(now.QuadPart / freq.QuadPart * 1000000 +
                     now.QuadPart % freq.QuadPart * 1000000 / freq.QuadPart);
}

int64_t plat_unix_time(void)
{
    return (int64_t)time(NULL);
}
