// GuestPlatform: how a guest kernel is run. ProcessVm today (a sandboxed child process); KVM later.
#pragma once

#include "host/vm_config.h"

#include <memory>

namespace host {

class GuestPlatform {
public:
    virtual ~GuestPlatform() = default;

    // Boots the guest and runs its exit loop until the VM stops; returns the monitor's exit
    // status (the program's, or 125/126/127). Throws VmError on setup failures.
    virtual int run() = 0;

    // Stops the guest for good and reaps it, so it produces no more output. Idempotent.
    virtual void terminate() = 0;
};

// The platform this host can run: the process platform (there is no usable /dev/kvm yet).
std::unique_ptr<GuestPlatform> create_platform(const VmConfig& config);

} // namespace host
