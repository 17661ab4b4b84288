// VmContext: what a hypercall handler may use: checked guest memory, the config, stats.
#pragma once

#include "host/guest_memory.h"
#include "host/hostfs_handle_table.h"
#include "host/vm_config.h"
#include "host/vm_stats.h"

#include <optional>
#include <string>

namespace host {

class GuestPlatform;
namespace net { class NetDevice; }

struct VmContext {
    const VmConfig& config;
    const GuestMemory& memory;
    GuestPlatform& platform;
    VmStats& stats;

    // Set when the VM must stop after the current hypercall: the monitor's exit status, and
    // the line(s) to print (without the "unikit: " prefix) once the guest is gone.
    std::optional<int> exit_status;
    std::string exit_message;

    // The hostfs mounts and handles; null on a platform without hostfs (its calls give -ENOSYS).
    HostFsHandleTable* hostfs = nullptr;

    // The packet device; null with --net none (its calls give -ENETDOWN).
    net::NetDevice* net = nullptr;

    void stop(int status, std::string message = {})
    {
        exit_status = status;
        exit_message = std::move(message);
    }

    // A request the guest should never have made: stop the VM with 125. Returns a result for
    // the handler to hand back (the guest never sees it).
    int64_t malformed(const std::string& what);

    // malformed() for a request or buffer that does not lie in guest RAM.
    int64_t outside_ram(const char* what, uabi::Gpa gpa, uint64_t length);
};

} // namespace host
