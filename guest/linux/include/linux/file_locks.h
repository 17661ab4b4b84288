// Descriptor closes and record locks: a process's POSIX record locks on a file all go when it
// closes any one of its descriptors of that file (vfs/file_locks.h keeps the locks). Every
// path that closes a descriptor of a live process goes through close_descriptor; an ending
// process drops the rest with vfs::release_process_locks.
#pragma once

#include <lib/error_or.h>

namespace linux {

struct Process;

// close(2) of `fd` in `process`: the process's record locks on its file go first, then the
// descriptor. EBADF when `fd` is not open. (syscalls/open.cpp)
lib::ErrorOr<void> close_descriptor(Process&, int fd);

} // namespace linux
