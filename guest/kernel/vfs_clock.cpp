// vfs::current_time from the platform's wall clock.
#include <platform/platform.h>
#include <vfs/clock.h>

namespace vfs {

Timestamp current_time()
{
    int64_t now = platform::clock_ns(0);
    return { now / 1000000000, now % 1000000000 };
}

} // namespace vfs
