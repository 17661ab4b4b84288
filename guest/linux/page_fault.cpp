// Page faults (see linux/page_fault.h): a fault inside a mapping gets frames for the aligned
// 64 KiB block around it, doubling up to 2 MiB while the program streams through memory, and
// the block is made present on the host in one call (mm::AddressSpace::handle_fault).
// Measured on the process platform (a loaded host), 256 MiB touched one byte a page, per page:
//   native Linux, first touch                      27-50 us
//   16 KiB blocks, host faults a page              38-44 us (16,384 traps, 65,536 host faults)
//   64 KiB blocks, host faults a page              32-38 us (4,096 traps)
//   64 KiB blocks, made present in one call        15 us
//   256 KiB blocks, present in one call            10-11 us
//   2 MiB blocks, present in one call              6-7 us (128 traps)
// The host's first touch of a page (~12 us, even more under load) dwarfs the trap (~3 us), so
// what pays is making a block present at once; fixed 2 MiB blocks would cost every thread
// stack and every sparse touch 2 MiB, hence the doubling.
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
    // Timers fire while the scheduler idles, with no current task: no program memory then.
    if (!sched::current_or_null())
        return false;
    if (fault.address >= kernel::USER_END) {
        fault.code = SEGV_MAPERR;
        return false;
    }
    mm::Access access = frame.err & PF_WRITE ? mm::Access::Write : frame.err & PF_INSTRUCTION ? mm::Access::Execute : mm::Access::Read;
    switch (current_process().address_space()->handle_fault(fault.address, access)) {
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
