// How control reaches the kernel from the platform: the boot, program syscalls, and faults.
#pragma once

#include <abi/hypercall.h>

namespace kernel {

// The program's registers at the trap, in Linux's ucontext order. Handlers may change them;
// the platform resumes the program with what they leave.
using TrapFrame = uabi::Registers;

struct Fault {
    int signal;       // SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP
    int code;         // si_code
    uint64_t address; // si_addr
};

// Entered once, on the boot stack, after the platform is up. Starts the program.
[[noreturn]] void main();

void handle_syscall(TrapFrame&);
void handle_fault(const Fault&, TrapFrame&);

} // namespace kernel
