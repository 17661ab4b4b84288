// Syscall handlers, declared from the one table (linux/syscall_table.h). Each handler takes
// the raw arguments and returns a value or an errno; only the dispatcher makes -errno.
#pragma once

#include <kernel/traps.h>
#include <lib/errno_codes.h>
#include <lib/error_or.h>
#include <linux/syscall_table.h>
#include <stdint.h>

namespace linux {

struct SyscallArguments {
    uint64_t value[6];
    kernel::TrapFrame& frame;
    uint64_t operator[](int index) const { return value[index]; }
};

using SyscallResult = lib::ErrorOr<int64_t>;
using SyscallHandler = SyscallResult (*)(SyscallArguments&);

#define UNIKIT_DECLARE_SYSCALL(number, name, spec) SyscallResult sys_##name(SyscallArguments&);
#define UNIKIT_SKIP_SYSCALL(number, name)
ENUMERATE_SYSCALLS(UNIKIT_DECLARE_SYSCALL, UNIKIT_SKIP_SYSCALL)
#undef UNIKIT_DECLARE_SYSCALL
#undef UNIKIT_SKIP_SYSCALL

struct SyscallEntry {
    const char* name;      // nullptr: no such syscall number
    const char* spec;      // argument spec for --trace (see syscall_table.h)
    SyscallHandler handler; // nullptr: not implemented (ENOSYS)
};

inline constexpr uint64_t SYSCALL_TABLE_SIZE = 512;
const SyscallEntry& syscall_entry(uint64_t number);

// --trace: one strace-like line for a finished syscall; TRACE_NO_RETURN prints "= ?".
inline constexpr int64_t TRACE_NO_RETURN = INT64_MIN;
// A call that blocked and will finish later with a value (futex, nanosleep): strace's
// "<unfinished ...>". A call that blocked to run again is traced when it finishes.
inline constexpr int64_t TRACE_UNFINISHED = INT64_MIN + 1;
void trace_syscall(const SyscallEntry&, uint64_t number, const uint64_t* arguments, int64_t result);

} // namespace linux
