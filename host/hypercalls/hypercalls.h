// The hypercall modules, one per file in host/hypercalls/, each registered by number in the table.
#pragma once

#include "host/vm_context.h"

#include <abi/hypercall.h>

namespace host::hypercalls {

namespace console { int64_t handle(VmContext&, uabi::Gpa request); }
namespace exit { int64_t handle(VmContext&, uabi::Gpa request); }
namespace panic { int64_t handle(VmContext&, uabi::Gpa request); }
namespace file_open { int64_t handle(VmContext&, uabi::Gpa request); }
namespace file_read { int64_t handle(VmContext&, uabi::Gpa request); }
namespace file_stat { int64_t handle(VmContext&, uabi::Gpa request); }
namespace file_read_directory { int64_t handle(VmContext&, uabi::Gpa request); }
namespace file_close { int64_t handle(VmContext&, uabi::Gpa request); }
namespace random { int64_t handle(VmContext&, uabi::Gpa request); }
namespace boot_phase { int64_t handle(VmContext&, uabi::Gpa request); }

} // namespace host::hypercalls
