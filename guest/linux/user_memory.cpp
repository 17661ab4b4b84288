// Checked access to program memory (see linux/user_memory.h).
#include <lib/errno_codes.h>
#include <linux/user_memory.h>

namespace linux {

lib::ErrorOr<void> copy_from_user(void* destination, UserAddress source, size_t length)
{
    if (!is_user_range(source, length))
        return EFAULT;
    if (length && user_copy(destination, reinterpret_cast<const void*>(source), length) != 0)
        return EFAULT;
    return {};
}

lib::ErrorOr<void> copy_to_user(UserAddress destination, const void* source, size_t length)
{
    if (!is_user_range(destination, length))
        return EFAULT;
    if (length && user_copy(reinterpret_cast<void*>(destination), source, length) != 0)
        return EFAULT;
    return {};
}

lib::ErrorOr<size_t> copy_string_from_user(char* destination, size_t size, UserAddress source)
{
    if (source >= kernel::USER_END)
        return EFAULT;
    size_t limit = size;
    if (kernel::USER_END - source < limit)
        limit = kernel::USER_END - source;
    int64_t length = user_string_length(reinterpret_cast<const char*>(source), limit);
    if (length < 0)
        return EFAULT;
    if (static_cast<size_t>(length) == limit && limit < size)
        return EFAULT; // ran into the end of user memory
    if (static_cast<size_t>(length) >= size)
        return ENAMETOOLONG;
    TRY(copy_from_user(destination, source, static_cast<size_t>(length)));
    destination[length] = '\0';
    return static_cast<size_t>(length);
}

} // namespace linux
