// The process platform's isolation boundary: after start-up the kernel process may make only
// the few host syscalls the platform needs, on its own two file descriptors.
#pragma once

namespace platform::process {

// Installs the seccomp filter; any other host syscall kills the kernel process (and so the
// VM). Returns false if the host refused the filter.
bool install_sandbox();

} // namespace platform::process
