// Named errno constants of type lib::Error, so that handlers can `return ENOENT;`.
// A translation unit that already has the C library's errno macros keeps those instead.
#pragma once

#include <lib/errno_list.h>
#include <lib/error_or.h>

#ifndef ENOENT
#    define UNIKIT_DEFINE_ERRNO(name, number, message) inline constexpr ::lib::Error name { number };
ENUMERATE_ERRNOS(UNIKIT_DEFINE_ERRNO)
#    undef UNIKIT_DEFINE_ERRNO
#endif

namespace lib {

// "ENOENT" for 2, or nullptr for a number Linux does not define.
const char* errno_name(int number);
const char* errno_message(int number);

} // namespace lib
