// Kernel diagnostics and panic, sent to the monitor.
#include <hv/hypercall.h>
#include <kernel/format.h>
#include <kernel/log.h>
#include <platform/platform.h>
#include <stdarg.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace kernel {

namespace {

void write_line(const char* fmt, va_list args)
{
    char line[512];
    size_t length = vformat(line, sizeof(line) - 1, fmt, args);
    if (length > sizeof(line) - 2)
        length = sizeof(line) - 2;
    line[length++] = '\n';
    (void)hv::console_write(2, line, length);
}

} // namespace

bool log_enabled(uabi::LogLevel level) { return static_cast<uint32_t>(level) <= hv::boot_info().log_level; }

void log(uabi::LogLevel level, const char* fmt, ...)
{
    if (!log_enabled(level))
        return;
    va_list args;
    va_start(args, fmt);
    write_line(fmt, args);
    va_end(args);
}

void print_stderr(const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    write_line(fmt, args);
    va_end(args);
}

void panic_with_registers(int signal, const TrapFrame& frame, const char* message)
{
    uabi::PanicRequest request {};
    request.signal = static_cast<uint32_t>(signal);
    request.registers = frame;
    size_t i = 0;
    for (; message[i] && i + 1 < sizeof(request.message); ++i)
        request.message[i] = message[i];
    hv::call(uabi::Hypercall::Panic, request);
    platform::halt();
}

void panic(const char* fmt, ...)
{
    char message[128];
    va_list args;
    va_start(args, fmt);
    vformat(message, sizeof(message), fmt, args);
    va_end(args);
    TrapFrame frame {};
    frame.rip = reinterpret_cast<uint64_t>(__builtin_return_address(0));
    frame.rsp = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
    panic_with_registers(0, frame, message);
}

} // namespace kernel
