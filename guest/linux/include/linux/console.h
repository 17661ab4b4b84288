// The program's standard streams: vnodes for the monitor's stdin, stdout and stderr. They
// behave as a terminal when the monitor's stream is one, else as a pipe.
#pragma once

#include <lib/ref_ptr.h>
#include <vfs/vnode.h>

namespace linux {

// fd 0, 1 or 2 of the monitor.
lib::RefPtr<vfs::Vnode> console_vnode(int stream);
bool is_terminal(vfs::Vnode&);
bool is_console(vfs::Vnode&);

} // namespace linux
