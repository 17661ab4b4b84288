// Starting a program image in a process: at boot (PID 1) and by execve.
#pragma once

#include <lib/error_or.h>
#include <linux/process.h>
#include <linux/program_loader.h>
#include <stddef.h>
#include <stdint.h>

namespace linux {

struct ProgramArguments {
    const char* const* argv;
    size_t argc;
    const char* const* envp;
    size_t envc;
};

struct ProgramStart {
    uint64_t entry;
    uint64_t stack_pointer;
};

// Loads `file` into the process's (empty, current) address space and builds the stack with
// the arguments, the environment and the auxiliary vector. `random` gives the load bias and
// AT_RANDOM's 16 bytes.
lib::ErrorOr<ProgramStart> load_image(Process&, const ProgramFile&, const ProgramArguments&, const uint8_t (&random)[16], LoadFailure&);

} // namespace linux
