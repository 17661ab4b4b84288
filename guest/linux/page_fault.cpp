// Page faults (see linux/page_fault.h). Every mapping is backed when it is made, for now, so
// no fault is resolved here.
#include <linux/page_fault.h>

namespace linux {

bool handle_page_fault(const kernel::Fault&, const kernel::TrapFrame&) { return false; }

} // namespace linux
