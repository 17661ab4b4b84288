// Signals: generation (from kill, tgkill, timers, faults, broken pipes) and delivery to the
// program's handlers through the Linux x86_64 signal frame.
#pragma once

#include <kernel/traps.h>
#include <linux/process.h>
#include <stdint.h>

namespace linux {

// What the handler's siginfo_t says (the fields the kernel fills in).
struct SignalInfo {
    int signal { 0 };
    int code { 0 };     // si_code: SI_USER (0), SI_TKILL (-6), SI_TIMER (-2), SEGV_MAPERR (1)...
    int error { 0 };    // si_errno
    int pid { 0 };      // si_pid (kill), or the timer id (SI_TIMER)
    uint64_t address { 0 }; // si_addr (faults), or si_value (SI_QUEUE, SI_TIMER)
};

// Sends `info.signal` to the process: one thread that does not block it takes it (waking it
// from a blocking call, which then ends with EINTR or restarts under SA_RESTART).
void send_signal(Process&, const SignalInfo&);
// Sends to one thread (tgkill, tkill, synchronous faults).
void send_signal(Thread&, const SignalInfo&);

// A synchronous fault in the program (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) that the
// memory manager did not resolve: delivered to the current thread's handler, or its default
// action (the program dies with one line naming the signal and address).
void deliver_fault(const kernel::Fault&, kernel::TrapFrame&);

} // namespace linux
