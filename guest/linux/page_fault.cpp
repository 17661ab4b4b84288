// Page faults (see linux/page_fault.h): a fault inside a mapping gets frames for the aligned
// FAULT_BLOCK around it (mm::AddressSpace::handle_fault). Measured with `--stats` on
// memory_touch (64 MiB touched a page at a time, process platform):
// FIXME: fill in the table.
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <linux/page_fault.h>
#include <linux/process.h>

namespace linux {

namespace {

constexpr int SIGSEGV = 11;
constexpr int SEGV_MAPERR = 1, SEGV_ACCERR = 2;
// The x86 page-fault error code the trap frame carries.
constexpr uint64_t PF_WRITE = 1 << 1, PF_INSTRUCTION = 1 << 4;

[[noreturn]] void out_of_memory()
{
    uabi::ExitRequest request {};
    request.kind = static_cast<uint32_t>(uabi::ExitKind::OutOfMemory);
    request.status = 9; // SIGKILL, as the OOM killer
    request.syscall_traps = current_process().syscall_traps;
    hv::exit(request);
}

} // namespace

bool handle_page_fault(kernel::Fault& fault, const kernel::TrapFrame& frame)
{
    // Only page faults: a general-protection fault (SI_KERNEL) keeps its code.
    if (fault.signal != SIGSEGV || (fault.code != SEGV_MAPERR && fault.code != SEGV_ACCERR))
        return false;
    if (fault.address >= kernel::USER_END) {
        fault.code = SEGV_MAPERR;
        return false;
    }
    mm::Access access = frame.err & PF_WRITE ? mm::Access::Write : frame.err & PF_INSTRUCTION ? mm::Access::Execute : mm::Access::Read;
    switch (current_process().address_space->handle_fault(fault.address, access)) {
    case mm::FaultResult::Resolved:
        return true;
    case mm::FaultResult::Unmapped:
        fault.code = SEGV_MAPERR;
        return false;
    case mm::FaultResult::Denied:
        fault.code = SEGV_ACCERR;
        return false;
    case mm::FaultResult::OutOfMemory:
        out_of_memory();
    }
    return false;
}

} // namespace linux
