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

int64_t plat_unix_time_ms(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    uint64_t t = ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime; /* 100 ns since 1601 */
    return (int64_t)(t / 10000u) - 11644473600000LL;
}

int plat_utc_offset_s(int64_t unix_s)
{
    uint64_t t = (uint64_t)(unix_s + 11644473600LL) * 10000000u;
    FILETIME ft = {(DWORD)t, (DWORD)(t >> 32)}, lft;
    if (!FileTimeToLocalFileTime(&ft, &lft))
        return 0;
    uint64_t l = ((uint64_t)lft.dwHighDateTime << 32) | lft.dwLowDateTime;
    return (int)(((int64_t)l - (int64_t)t) / 10000000);
}
