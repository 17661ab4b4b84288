// Signal names for messages: "SIGSEGV" and "SIGSEGV (Segmentation fault)".
#pragma once

#include <string>

namespace host {

// "SIGSEGV"; "signal 99" for numbers without a name (real-time signals: "SIGRTMIN+3").
std::string signal_name(int signal);

// "SIGSEGV (Segmentation fault)".
std::string signal_description(int signal);

} // namespace host
