// The file systems of a new VM: ROOTFS under its writable overlay at /, tmpfs at /tmp and
// /dev/shm, devfs at /dev, procfs at /proc, and the -v volumes.
#pragma once

#include <lib/error_or.h>

namespace kernel {

lib::ErrorOr<void> mount_file_systems();

} // namespace kernel
