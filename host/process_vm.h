// ProcessVm: the process platform. The guest kernel runs as a sandboxed child process that shares
// guest RAM (a memfd, its fd 4) and talks to the monitor only through hypercalls on fd 3.
#pragma once

#include "host/guest_memory.h"
#include "host/guest_platform.h"
#include "host/hostfs_handle_table.h"
#include "host/vm_stats.h"

#include <memory>
#include <sys/types.h>

namespace host {

struct VmContext;
namespace net { class NetDevice; }

class ProcessVm final : public GuestPlatform {
public:
    // The guest kernel's descriptors, as the process platform's entry code expects them.
    static constexpr int CHANNEL_FD = 3;
    static constexpr int RAM_FD = 4;

    explicit ProcessVm(VmConfig config);
    ~ProcessVm() override;

    int run() override;
    void terminate() override;

    // $UNIKIT_KERNEL if set, else "unikit-kernel" next to the running executable.
    static std::string default_kernel_path();

private:
    void spawn_kernel();
    int exit_loop(VmContext& context);
    void guest_died(VmContext& context);
    // Reaps host processes that ended; false (and the VM stopped) if one crashed.
    bool reap_exited_hosts(VmContext& context);
    void describe_death(VmContext& context);
    void reap(bool kill_first);

    VmConfig m_config;
    std::unique_ptr<GuestMemory> m_memory;
    std::unique_ptr<HostFsHandleTable> m_hostfs;
    std::unique_ptr<net::NetDevice> m_net;
    VmStats m_stats;
    int m_channel = -1; // the monitor's end of the hypercall socket
    pid_t m_pid = -1;
    bool m_reaped = false;       // the first host process
    bool m_group_reaped = false; // all of them
    int m_wait_status = 0;
};

} // namespace host
