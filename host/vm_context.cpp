// VmContext: stopping the VM on a malformed hypercall.
#include "host/vm_context.h"
#include "host/vm_error.h"

#include <errno.h>

namespace host {

int64_t VmContext::malformed(const std::string& what)
{
    stop(EXIT_UNIKIT_FAILED, "guest made a malformed hypercall (" + what + ")");
    return -EINVAL;
}

} // namespace host
