// VmContext: stopping the VM on a malformed hypercall.
#include "host/vm_context.h"
#include "host/vm_error.h"

#include <errno.h>
#include <stdio.h>

namespace host {

int64_t VmContext::malformed(const std::string& what)
{
    stop(EXIT_UNIKIT_FAILED, "guest made a malformed hypercall (" + what + ")");
    return -EINVAL;
}

int64_t VmContext::outside_ram(const char* what, uabi::Gpa gpa, uint64_t length)
{
    char range[80];
    snprintf(range, sizeof(range), " of %llu bytes at 0x%llx outside guest RAM", static_cast<unsigned long long>(length),
        static_cast<unsigned long long>(gpa));
    return malformed(what + std::string(range));
}

} // namespace host
