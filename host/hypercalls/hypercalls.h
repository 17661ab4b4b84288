// The hypercall modules, one per file in host/hypercalls/, each registered by number in the table.
#pragma once

#include "host/vm_context.h"

#include <abi/hypercall.h>

namespace host::hypercalls {

namespace console { int64_t handle(VmContext&, uabi::Gpa request); }
namespace exit { int64_t handle(VmContext&, uabi::Gpa request); }
namespace panic { int64_t handle(VmContext&, uabi::Gpa request); }
namespace random { int64_t handle(VmContext&, uabi::Gpa request); }
namespace boot_phase { int64_t handle(VmContext&, uabi::Gpa request); }
namespace wait { int64_t handle(VmContext&, uabi::Gpa request); }
// The packet device: net.cpp
namespace net_notify { int64_t handle(VmContext&, uabi::Gpa request); }
namespace net_sync { int64_t handle(VmContext&, uabi::Gpa request); }
// hostfs: hostfs_lookup.cpp, hostfs_io.cpp, hostfs_modify.cpp
namespace host_root { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_lookup { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_get_attributes { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_read_link { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_read { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_read_directory { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_release { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_create { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_write { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_truncate { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_make_directory { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_make_symlink { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_link { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_unlink { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_remove_directory { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_rename { int64_t handle(VmContext&, uabi::Gpa request); }
namespace host_set_attributes { int64_t handle(VmContext&, uabi::Gpa request); }

} // namespace host::hypercalls
