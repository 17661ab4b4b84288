// BootPhase hypercall: the guest reports reaching a boot phase; timestamped for --stats.
#include "host/hypercalls/hypercalls.h"

#include <errno.h>

namespace host::hypercalls::boot_phase {

int64_t handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = context.memory.read<uabi::BootPhaseRequest>(request_gpa);
    if (!request)
        return context.outside_ram("BootPhase request", request_gpa, sizeof(uabi::BootPhaseRequest));
    switch (static_cast<uabi::BootPhase>(request->phase)) {
    case uabi::BootPhase::KernelReady:
        context.stats.mark_now(VmStats::Mark::KernelReady);
        return 0;
    case uabi::BootPhase::ProgramLoaded:
        context.stats.mark_now(VmStats::Mark::ProgramLoaded);
        return 0;
    }
    // A phase this monitor does not know (a newer guest): harmless, ignore it.
    return -EINVAL;
}

} // namespace host::hypercalls::boot_phase
