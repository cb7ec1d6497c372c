/* clock: monotonic milliseconds, for deadlines that wall-clock jumps
 * (NTP, DST, a user's `date -s`) must never shorten or stretch. */
#ifndef FEEDMILL_CLOCK_H
#define FEEDMILL_CLOCK_H

#include <stdint.h>

int64_t clock_ms(void);
void clock_sleep_ms(int64_t ms);

#endif
