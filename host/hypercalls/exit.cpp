// Exit hypercall: the program ended; decide the monitor's exit status and its one line, if any.
#include "host/hypercalls/hypercalls.h"
#include "host/signal_names.h"
#include "host/vm_error.h"

#include <signal.h>
#include <stdio.h>

namespace host::hypercalls::exit {

static constexpr int EXIT_CANNOT_EXECUTE = 126;
static constexpr int EXIT_NOT_FOUND = 127;
static constexpr int EXIT_OUT_OF_MEMORY = 137; // as if the OOM killer had sent SIGKILL

static std::string signal_line(const uabi::ExitRequest& request)
{
    int signal = request.status;
    // A shell says nothing when a pipeline's reader went away or the user pressed ^C.
    if (signal == SIGPIPE || signal == SIGINT)
        return {};
    std::string line = "program killed by " + signal_description(signal);
    if (request.fault_rip != 0) {
        char fault[80];
        snprintf(fault, sizeof(fault), " at address 0x%llx, rip 0x%llx",
            static_cast<unsigned long long>(request.fault_address),
            static_cast<unsigned long long>(request.fault_rip));
        line += fault;
    }
    return line;
}

static std::string detail(const uabi::ExitRequest& request, const char* fallback)
{
    // The guest's message is NUL-terminated within the array; never read past it.
    size_t length = strnlen(request.message, sizeof(request.message));
    if (length == 0)
        return fallback;
    return std::string(request.message, length);
}

int64_t handle(VmContext& context, uabi::Gpa request_gpa)
{
    context.stats.mark_now(VmStats::Mark::GuestExited);
    auto request = context.memory.read<uabi::ExitRequest>(request_gpa);
    if (!request)
        return context.outside_ram("Exit request", request_gpa, sizeof(uabi::ExitRequest));
    context.stats.set_syscall_traps(request->syscall_traps);

    switch (static_cast<uabi::ExitKind>(request->kind)) {
    case uabi::ExitKind::Exited:
        context.stop(request->status & 0xff);
        return 0;
    case uabi::ExitKind::Signaled:
        if (request->status <= 0 || request->status > 64)
            return context.malformed("Exit with signal " + std::to_string(request->status));
        context.stop(128 + request->status, signal_line(*request));
        return 0;
    case uabi::ExitKind::NotFound:
        context.stop(EXIT_NOT_FOUND, detail(*request, "program not found"));
        return 0;
    case uabi::ExitKind::NotExecutable:
        context.stop(EXIT_CANNOT_EXECUTE, detail(*request, "program cannot be executed"));
        return 0;
    case uabi::ExitKind::KernelFailed:
        context.stop(EXIT_UNIKIT_FAILED, "guest kernel could not start: " + detail(*request, "no reason given"));
        return 0;
    case uabi::ExitKind::OutOfMemory:
        context.stop(EXIT_OUT_OF_MEMORY, "out of guest memory (raise it with -m)");
        return 0;
    }
    return context.malformed("Exit with unknown kind " + std::to_string(request->kind));
}

} // namespace host::hypercalls::exit
