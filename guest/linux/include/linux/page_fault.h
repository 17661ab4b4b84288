// Page faults the memory manager resolves itself (memory backed on first touch, stacks that
// grow down) before a fault becomes a signal.
#pragma once

#include <kernel/traps.h>

namespace linux {

// True if the fault at `fault.address` was resolved and the faulting code (the program, or a
// kernel user copy) can simply retry. Otherwise a SIGSEGV's `fault.code` is set to what Linux
// reports: SEGV_MAPERR outside every mapping, SEGV_ACCERR where the protection forbids the
// access. When no guest memory is left to back the page, the program is killed (status 137,
// "out of guest memory"), as by Linux's OOM killer.
bool handle_page_fault(kernel::Fault&, const kernel::TrapFrame&);

} // namespace linux
