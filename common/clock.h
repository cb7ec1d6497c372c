/* clock: monotonic milliseconds, for deadlines that wall-clock jumps
 * (NTP, DST, a user's `date -s`) must never shorten or stretch. */
#ifndef FEEDMILL_CLOCK_H
#define FEEDMILL_CLOCK_H

#include <stdint.h>

#include <time.h>

int64_t clock_ms(void);
/* Monotonic microseconds: for durations shorter than a millisecond. */
int64_t clock_us(void);
/* Wall-clock milliseconds since the epoch: only to compare with file
 * times (st_mtim), never for deadlines. */
int64_t clock_realtime_ms(void);
int64_t clock_realtime_ms_of(const struct timespec *t);
void clock_sleep_ms(int64_t ms);

#endif
