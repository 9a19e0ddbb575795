/* plat_clock: the monotonic clock and the wall clock. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_CLOCK_H
#define CRPKI_BASE_PLATFORM_PLAT_CLOCK_H

#include <stdint.h>

int64_t plat_now_ms(void);       /* monotonic, milliseconds */
int64_t plat_now_us(void);       /* monotonic, microseconds */
int64_t plat_unix_time(void);    /* wall clock, seconds since 1970 */
int64_t plat_unix_time_ms(void); /* wall clock, milliseconds since 1970 */
/* Seconds the local time zone was ahead of UTC at unix_s (JST: 32400). */
int plat_utc_offset_s(int64_t unix_s);

#endif
