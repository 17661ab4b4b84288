// Names and messages of Linux errno values, for --trace and error lines.
#include <lib/errno_codes.h>

namespace lib {

const char* errno_name(int number)
{
    switch (number) {
#define UNIKIT_ERRNO_NAME(name, value, message) \
    case value:                                  \
        return #name;
        ENUMERATE_ERRNOS(UNIKIT_ERRNO_NAME)
#undef UNIKIT_ERRNO_NAME
    }
    return nullptr;
}

const char* errno_message(int number)
{
    switch (number) {
#define UNIKIT_ERRNO_MESSAGE(name, value, message) \
    case value:                                     \
        return message;
        ENUMERATE_ERRNOS(UNIKIT_ERRNO_MESSAGE)
#undef UNIKIT_ERRNO_MESSAGE
    }
    return "Unknown error";
}

} // namespace lib
