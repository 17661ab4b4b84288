// lwIP's platform glue in the guest kernel: memory from the kernel heap, the clock, randomness,
// diagnostics and asserts, and the few C library functions lwIP's core calls that the kernel's
// runtime (kernel/compiler_runtime.cpp) does not already define.
#include <fs/devfs.h>
#include <kernel/format.h>
#include <kernel/log.h>
#include <mm/heap.h>
#include <sched/scheduler.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <lwip/sys.h>

extern "C" {

void* unikit_lwip_malloc(size_t size) { return mm::kmalloc(size); }

// The kernel heap hands out zero-filled memory already.
void* unikit_lwip_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return nullptr;
    return mm::kmalloc(count * size);
}

void unikit_lwip_free(void* pointer) { mm::kfree(pointer); }

// Initial sequence numbers, ephemeral ports, IPv6 identifiers: /dev/urandom's generator.
uint32_t unikit_lwip_random(void)
{
    uint32_t value;
    fs::random_bytes(&value, sizeof(value));
    return value;
}

// lwIP's millisecond clock: CLOCK_MONOTONIC (the TSC), wrapping as lwIP expects.
u32_t sys_now(void) { return static_cast<u32_t>(sched::now() / 1'000'000); }

void unikit_lwip_diagnostic(const char* format, ...)
{
    char line[256];
    va_list args;
    va_start(args, format);
    kernel::vformat(line, sizeof(line), format, args);
    va_end(args);
    kernel::log(uabi::LogLevel::Debug, "unikit: lwip: %s", line);
}

void unikit_lwip_assert(const char* message, int line, const char* file)
{
    kernel::panic("lwip: assertion \"%s\" failed at %s:%d", message, file, line);
}

int strncmp(const char* a, const char* b, size_t length)
{
    for (size_t i = 0; i < length; ++i) {
        auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
        if (x != y)
            return x < y ? -1 : 1;
        if (x == 0)
            break;
    }
    return 0;
}

int atoi(const char* text)
{
    int value = 0;
    bool negative = *text == '-';
    if (*text == '-' || *text == '+')
        ++text;
    while (*text >= '0' && *text <= '9')
        value = value * 10 + (*text++ - '0');
    return negative ? -value : value;
}

} // extern "C"
