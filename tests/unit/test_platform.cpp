// The platform calls the scheduler makes, faked for host unit tests: a clock the tests set,
// sleeping that just moves that clock, and a record of the timer and FS base.
#include "test_platform.h"

#include <platform/platform.h>

namespace fake_platform {
int64_t now = 1'000'000'000;
int64_t slept = 0;
int64_t armed = INT64_MAX;
uint64_t fs_base = 0;
uint64_t gs_base = 0;
} // namespace fake_platform

namespace platform {
int64_t clock_ns(int) { return fake_platform::now; }
void sleep_ns(int64_t nanoseconds)
{
    fake_platform::now += nanoseconds;
    fake_platform::slept += nanoseconds;
}
void arm_timer(int64_t deadline) { fake_platform::armed = deadline; }
void set_fs_base(uint64_t base) { fake_platform::fs_base = base; }
void set_gs_base(uint64_t base) { fake_platform::gs_base = base; }
} // namespace platform

namespace platform {
// One host: the scheduler never hands the CPU over.
int current_host() { return 0; }
void hand_over(int) { }
} // namespace platform
