// Process file descriptors (syscalls/pidfd.cpp): making one, and what waitid(P_PIDFD) needs
// to know of one.
#pragma once

#include <lib/error_or.h>
#include <stdint.h>

namespace linux {

struct PidFdTarget {
    int pid;          // the process it refers to, which may have been reaped since
    bool nonblocking; // opened with PIDFD_NONBLOCK (O_NONBLOCK): waitid does not wait
};

// The process descriptor `fd` of the current process refers to; EBADF if `fd` is not one.
lib::ErrorOr<PidFdTarget> pidfd_target(int fd);

// A new process descriptor (close-on-exec; `flags` may hold O_NONBLOCK) for the process `pid`,
// which must exist: pidfd_open, and clone's CLONE_PIDFD.
lib::ErrorOr<int> open_pidfd(int pid, uint32_t flags);

} // namespace linux
