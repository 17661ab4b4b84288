// Faults: a bad program pointer inside a user copy becomes EFAULT; a fault in kernel code is a
// kernel crash; a program's fault goes to the memory manager (memory backed on first touch),
// and what it does not resolve becomes a signal for the faulting thread.
#include <kernel/layout.h>
#include <kernel/log.h>
#include <kernel/traps.h>
#include <linux/page_fault.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <linux/user_memory.h>

extern "C" char __executable_start[];
extern "C" char etext[];

namespace kernel {

void handle_fault(const Fault& incoming, TrapFrame& frame)
{
    auto rip = frame.rip;
    Fault fault = incoming;
    // Program memory not backed yet, touched by the program or by the kernel (a user copy,
    // the loader, the initial stack): the memory manager backs it and the access is retried.
    bool in_kernel = rip >= reinterpret_cast<uint64_t>(__executable_start) && rip < reinterpret_cast<uint64_t>(etext);
    bool in_user_access = rip >= reinterpret_cast<uint64_t>(user_access_start) && rip < reinterpret_cast<uint64_t>(user_access_end);
    if ((!in_kernel || fault.address < USER_END) && linux::handle_page_fault(fault, frame))
        return;
    if (in_user_access) {
        frame.rip = reinterpret_cast<uint64_t>(user_access_fault);
        return;
    }
    if (in_kernel)
        panic_with_registers(fault.signal, frame, "fault in kernel code");
    linux::deliver_fault(fault, frame);
}

} // namespace kernel
