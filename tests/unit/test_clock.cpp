// vfs::current_time for host unit tests: a clock that advances one second per call, so tests
// can tell timestamps apart.
#include <vfs/clock.h>

namespace vfs {

Timestamp current_time()
{
    static int64_t seconds = 1700000000;
    return { seconds++, 0 };
}

} // namespace vfs
