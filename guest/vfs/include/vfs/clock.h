// The time file systems stamp on files. The kernel defines it from the platform clock; host
// unit tests define their own.
#pragma once

#include <vfs/vnode.h>

namespace vfs {

Timestamp current_time();

} // namespace vfs
