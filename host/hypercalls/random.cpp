// Random hypercall: fill a guest buffer with host randomness (getrandom).
#include "host/hypercalls/hypercalls.h"

#include <algorithm>
#include <errno.h>
#include <sys/random.h>

namespace host::hypercalls::random {

// One call moves at most this much; the guest asks again for more.
static constexpr uint64_t MAX_BYTES_PER_CALL = 1 << 20;

int64_t handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = context.memory.read<uabi::RandomRequest>(request_gpa);
    if (!request)
        return context.outside_ram("Random request", request_gpa, sizeof(uabi::RandomRequest));
    uint64_t length = std::min(request->length, MAX_BYTES_PER_CALL);
    auto buffer = context.memory.bytes(request->buffer, length);
    if (buffer.data() == nullptr && length != 0)
        return context.outside_ram("Random buffer", request->buffer, length);
    if (buffer.empty())
        return 0;
    for (;;) {
        // SAFETY: buffer was checked against guest RAM; getrandom fills at most its size.
        ssize_t got = getrandom(buffer.data(), buffer.size(), 0);
        if (got < 0 && errno == EINTR)
            continue;
        return got < 0 ? -errno : got;
    }
}

} // namespace host::hypercalls::random
