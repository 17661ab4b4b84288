// Signal names for messages: "SIGSEGV" and "SIGSEGV (Segmentation fault)".
#include "host/signal_names.h"

#include <signal.h>
#include <string.h>

namespace host {

std::string signal_name(int signal)
{
    if (signal >= SIGRTMIN && signal <= SIGRTMAX && signal != SIGRTMIN)
        return "SIGRTMIN+" + std::to_string(signal - SIGRTMIN);
    if (char const* name = sigabbrev_np(signal))
        return std::string("SIG") + name;
    if (signal == SIGRTMIN)
        return "SIGRTMIN";
    return "signal " + std::to_string(signal);
}

std::string signal_description(int signal)
{
    std::string name = signal_name(signal);
    char const* description = sigdescr_np(signal);
    if (description == nullptr)
        return name;
    return name + " (" + description + ")";
}

} // namespace host
