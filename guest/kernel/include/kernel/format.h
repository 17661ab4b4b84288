// A small printf for the freestanding kernel: %d %i %u %o %x %X %p %s %c %%, with l/ll/z length,
// width, '-' and '0' flags, and precision for %s. Used by logging and --trace.
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace kernel {

// Writes at most size-1 characters and a NUL; returns the length it would have written.
size_t format(char* buffer, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
size_t vformat(char* buffer, size_t size, const char* fmt, va_list args);

} // namespace kernel
