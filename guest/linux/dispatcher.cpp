// The syscall dispatcher: table lookup, ENOSYS with a one-time warning, -errno, --trace.
#include <hv/hypercall.h>
#include <kernel/log.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <sched/scheduler.h>

namespace linux {

namespace {

struct Table {
    SyscallEntry entries[SYSCALL_TABLE_SIZE] {};
    constexpr Table()
    {
#define UNIKIT_IMPLEMENTED(number, name, spec) entries[number] = { #name, spec, sys_##name };
#define UNIKIT_UNIMPLEMENTED(number, name) entries[number] = { #name, "", nullptr };
        ENUMERATE_SYSCALLS(UNIKIT_IMPLEMENTED, UNIKIT_UNIMPLEMENTED)
#undef UNIKIT_IMPLEMENTED
#undef UNIKIT_UNIMPLEMENTED
    }
};

constexpr Table g_table;
constexpr SyscallEntry g_unknown { nullptr, "", nullptr };
bool g_warned[SYSCALL_TABLE_SIZE];

} // namespace

const SyscallEntry& syscall_entry(uint64_t number)
{
    return number < SYSCALL_TABLE_SIZE ? g_table.entries[number] : g_unknown;
}

} // namespace linux

namespace kernel {

void handle_syscall(TrapFrame& frame)
{
    using namespace linux;
    Process& process = current_process();
    ++process.syscall_traps;
    uint64_t number = frame.rax;
    SyscallArguments arguments { { frame.rdi, frame.rsi, frame.rdx, frame.r10, frame.r8, frame.r9 }, frame };
    const SyscallEntry& entry = syscall_entry(number);
    bool tracing = hv::boot_info().flags & uabi::BootTrace;
    if (tracing && (number == 60 || number == 231)) // exit, exit_group: they do not return
        trace_syscall(entry, number, arguments.value, TRACE_NO_RETURN);
    // execve, execveat: the arguments are readable only before the old image goes; a failure
    // is traced again with its error.
    bool replaces_image = number == 59 || number == 322;
    if (tracing && replaces_image)
        trace_syscall(entry, number, arguments.value, TRACE_NO_RETURN);
    int64_t result;
    if (entry.handler) {
        auto outcome = entry.handler(arguments);
        sched::current().restarted = false;
        if (outcome.is_error() && outcome.error() == sched::BLOCKED.code) {
            // The task sleeps; its result arrives when it wakes (see sched::block_current).
            if (tracing && !sched::current().restart && sched::is_blocked(sched::current()))
                trace_syscall(entry, number, arguments.value, TRACE_UNFINISHED);
            return;
        }
        result = outcome.is_error() ? -static_cast<int64_t>(outcome.error()) : outcome.value();
    } else {
        result = -38; // ENOSYS
        if (number < SYSCALL_TABLE_SIZE && !g_warned[number] && log_enabled(uabi::LogLevel::Warn)) {
            g_warned[number] = true;
            print_stderr("unikit: warning: syscall %s (%lu) is not implemented", entry.name ? entry.name : "unknown", number);
        }
    }
    if (tracing && (!replaces_image || result < 0))
        trace_syscall(entry, number, arguments.value, result);
    frame.rax = static_cast<uint64_t>(result);
}

} // namespace kernel
