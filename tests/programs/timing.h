// timing.h: the monotonic clock in milliseconds and a sleep of a few, for the test programs
// that check timers and blocking calls (only ever printed as yes/no against generous bounds).
#ifndef UNIKIT_TEST_TIMING_H
#define UNIKIT_TEST_TIMING_H

#include <stdint.h>
#include <time.h>

static inline int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

#endif
