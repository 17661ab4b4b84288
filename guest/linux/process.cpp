// The one running program, and how it ends.
#include <hv/hypercall.h>
#include <linux/process.h>

namespace linux {

namespace {
Process g_process;
}

Process& current_process() { return g_process; }

void exit_program(int status)
{
    uabi::ExitRequest request {};
    request.kind = static_cast<uint32_t>(uabi::ExitKind::Exited);
    request.status = status & 0xff;
    request.syscall_traps = g_process.syscall_traps;
    hv::exit(request);
}

void kill_program(int signal, uint64_t fault_address, uint64_t fault_rip)
{
    uabi::ExitRequest request {};
    request.kind = static_cast<uint32_t>(uabi::ExitKind::Signaled);
    request.status = signal;
    request.fault_address = fault_address;
    request.fault_rip = fault_rip;
    request.syscall_traps = g_process.syscall_traps;
    hv::exit(request);
}

} // namespace linux
