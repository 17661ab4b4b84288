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

void handle_fault(const Fault& fault, TrapFrame& frame)
{
    auto rip = frame.rip;
    if (rip >= reinterpret_cast<uint64_t>(user_access_start) && rip < reinterpret_cast<uint64_t>(user_access_end)) {
        frame.rip = reinterpret_cast<uint64_t>(user_access_fault);
        return;
    }
    if (rip >= reinterpret_cast<uint64_t>(__executable_start) && rip < reinterpret_cast<uint64_t>(etext))
        panic_with_registers(fault.signal, frame, "fault in kernel code");
    if (linux::handle_page_fault(fault, frame))
        return;
    linux::deliver_fault(fault, frame);
}

} // namespace kernel
