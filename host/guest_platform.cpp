// Chooses the guest platform. Only the process platform exists; a KVM one slots in here.
#include "host/guest_platform.h"
#include "host/process_vm.h"

namespace host {

std::unique_ptr<GuestPlatform> create_platform(const VmConfig& config)
{
    // FIXME: prefer a KVM platform when /dev/kvm works; our hosts have none (ENODEV).
    return std::make_unique<ProcessVm>(config);
}

} // namespace host
