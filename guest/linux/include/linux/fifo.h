// Named pipes: everyone who opens the same FIFO vnode shares one pipe.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <vfs/vnode.h>

namespace linux {

// The pipe end to open in place of a FIFO vnode, for these open flags.
lib::ErrorOr<lib::RefPtr<vfs::Vnode>> open_fifo(lib::RefPtr<vfs::Vnode> fifo, uint32_t flags);

} // namespace linux
