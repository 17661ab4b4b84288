// Panic hypercall: the guest kernel crashed; report the signal, its message, registers and RIP's symbol.
#include "host/hypercalls/hypercalls.h"
#include "host/kernel_symbols.h"
#include "host/signal_names.h"
#include "host/vm_error.h"

#include <stdio.h>

namespace host::hypercalls::panic {

static std::string register_dump(const uabi::Registers& registers)
{
    struct Named {
        const char* name;
        uint64_t value;
    };
    const Named rows[][4] = {
        { { "rip", registers.rip }, { "rsp", registers.rsp }, { "rbp", registers.rbp }, { "rflags", registers.rflags } },
        { { "rax", registers.rax }, { "rbx", registers.rbx }, { "rcx", registers.rcx }, { "rdx", registers.rdx } },
        { { "rsi", registers.rsi }, { "rdi", registers.rdi }, { "r8", registers.r8 }, { "r9", registers.r9 } },
        { { "r10", registers.r10 }, { "r11", registers.r11 }, { "r12", registers.r12 }, { "r13", registers.r13 } },
        { { "r14", registers.r14 }, { "r15", registers.r15 }, { "cr2", registers.cr2 }, { "err", registers.err } },
    };
    std::string dump;
    for (auto const& row : rows) {
        dump += "\n ";
        for (auto const& entry : row) {
            char cell[40];
            snprintf(cell, sizeof(cell), " %6s %016llx", entry.name, static_cast<unsigned long long>(entry.value));
            dump += cell;
        }
    }
    return dump;
}

int64_t handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = context.memory.read<uabi::PanicRequest>(request_gpa);
    if (!request)
        return context.outside_ram("Panic request", request_gpa, sizeof(uabi::PanicRequest));

    int signal = static_cast<int>(request->signal);
    std::string report = "guest kernel crashed";
    if (signal > 0 && signal <= 64)
        report += " (" + signal_name(signal) + ")";
    report += ": ";
    report += std::string(request->message, strnlen(request->message, sizeof(request->message)));
    report += register_dump(request->registers);

    auto symbols = KernelSymbols::load(context.config.kernel_path);
    report += "\n  rip is at ";
    report += symbols ? symbols->describe(request->registers.rip) : std::string("unknown");
    context.stop(EXIT_UNIKIT_FAILED, report);
    return 0;
}

} // namespace host::hypercalls::panic
