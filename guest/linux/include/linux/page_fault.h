// Page faults the memory manager resolves itself (memory backed on first touch, stacks that
// grow down) before a fault becomes a signal.
#pragma once

#include <kernel/traps.h>

namespace linux {

// True if the fault at `fault.address` was resolved and the program can simply retry.
bool handle_page_fault(const kernel::Fault&, const kernel::TrapFrame&);

} // namespace linux
