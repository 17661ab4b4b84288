// Kernel diagnostics on the monitor's stderr, filtered by --log-level; and panic.
#pragma once

#include <abi/boot_info.h>
#include <kernel/traps.h>

namespace kernel {

void log(uabi::LogLevel, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
bool log_enabled(uabi::LogLevel);
// Writes a line to stderr whatever the log level (used by --trace).
void print_stderr(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void panic_with_registers(int signal, const TrapFrame&, const char* message);

} // namespace kernel
