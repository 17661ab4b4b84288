// Reading and writing the program's memory from the kernel. Every pointer a program passes is
// a UserAddress: range-checked against the user half and copied with fault recovery, so a bad
// pointer gives EFAULT, never a kernel crash.
#pragma once

#include <kernel/layout.h>
#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
int64_t user_copy(void* destination, const void* source, size_t length);
int64_t user_string_length(const char* string, size_t limit);
extern char user_access_start[], user_access_end[], user_access_fault[];
}

namespace linux {

using UserAddress = uint64_t;

inline bool is_user_range(UserAddress address, size_t length)
{
    return address + length >= address && address + length <= kernel::USER_END;
}

lib::ErrorOr<void> copy_from_user(void* destination, UserAddress source, size_t length);
lib::ErrorOr<void> copy_to_user(UserAddress destination, const void* source, size_t length);
// Copies a NUL-terminated string into `destination` (size bytes); ENAMETOOLONG if it does not fit.
lib::ErrorOr<size_t> copy_string_from_user(char* destination, size_t size, UserAddress source);

template<typename T>
lib::ErrorOr<T> read_user(UserAddress source)
{
    T value;
    TRY(copy_from_user(&value, source, sizeof(T)));
    return value;
}

template<typename T>
lib::ErrorOr<void> write_user(UserAddress destination, const T& value)
{
    return copy_to_user(destination, &value, sizeof(T));
}

} // namespace linux
