// The monitor's seccomp allow-list: once the guest runs, the monitor makes only the host
// syscalls that serving hypercalls, tearing the VM down and reporting need.
#pragma once

#include <stddef.h>
#include <string>

namespace host {

// Installs the filter on the calling process (the monitor is single-threaded; the guest kernel
// child has its own, stricter one). Anything not allowed kills the monitor with SIGSYS, which
// the shell reports as 159. Throws VmError when the kernel refuses the filter.
void install_monitor_seccomp();

// The allowed syscall names, in filter order (for tests and --help-like listings).
size_t monitor_seccomp_rule_count();
const char* monitor_seccomp_rule_name(size_t index);

} // namespace host
