// Signals: generation (from kill, tgkill, timers, faults, broken pipes) and delivery to the
// program's handlers through the Linux x86_64 signal frame.
#pragma once

#include <kernel/traps.h>
#include <linux/process.h>
#include <linux/user_memory.h>
#include <sched/scheduler.h>
#include <stdint.h>

namespace linux {

inline constexpr int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8;
inline constexpr int SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15;
inline constexpr int SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;
inline constexpr int SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29;
inline constexpr int SIGPWR = 30, SIGSYS = 31;

inline constexpr int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_TKILL = -6;

inline constexpr uint64_t SIG_DFL = 0, SIG_IGN = 1;
inline constexpr uint64_t SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000;
inline constexpr uint64_t SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000, SA_RESTORER = 0x04000000;
inline constexpr int SS_ONSTACK = 1, SS_DISABLE = 2;
inline constexpr uint32_t SS_AUTODISARM = 1u << 31;

constexpr uint64_t signal_bit(int signal) { return 1ull << (signal - 1); }
inline constexpr uint64_t UNBLOCKABLE = signal_bit(SIGKILL) | signal_bit(SIGSTOP);

// Sends `info.signal` to the process: one thread that does not block it takes it (waking it
// from a blocking call, which then ends with EINTR or restarts under SA_RESTART).
void send_signal(Process&, const SignalInfo&);
// Sends to one thread (tgkill, tkill, synchronous faults).
void send_signal(Thread&, const SignalInfo&);

// A synchronous fault in the program (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) that the
// memory manager did not resolve: delivered to the current thread's handler, or its default
// action (the program dies with one line naming the signal and address).
void deliver_fault(const kernel::Fault&, kernel::TrapFrame&);

// After rt_sigaction: a pending signal whose action is now "ignore" is discarded.
void discard_ignored(Process&, int signal);
// SIG_IGN, or SIG_DFL where the default is to ignore it (SIGCHLD, SIGURG, SIGWINCH, SIGCONT).
bool is_ignored(const Process&, int signal);
// Queued real-time signals of a thread or process that is going away.
void forget_queued_signals(const void* owner);
// Takes the lowest pending signal of `set` (the thread's own first, then the process's), or
// returns a SignalInfo with signal 0.
SignalInfo take_pending(Thread&, uint64_t set);
// The signals pending for `thread` (its own and the process's).
uint64_t pending_signals(const Thread&);

// Alternate stack state for `sp`, as sigaltstack reports it: SS_DISABLE, SS_ONSTACK or 0.
int alternate_stack_flags(const Thread&, uint64_t sp);
// sigaltstack's change (stack_t as three words), for a thread whose stack pointer is `sp`.
lib::ErrorOr<void> set_alternate_stack(Thread&, const uint64_t wanted[3], uint64_t sp);

// Writes a siginfo_t (128 bytes) for the program (rt_sigtimedwait).
lib::ErrorOr<void> write_signal_info(UserAddress, const SignalInfo&);

// The signal frame (signal_frame.cpp). Builds Linux's rt_sigframe for `signal` on the
// program's stack and points the registers at the handler, with a fresh FPU state; the
// frame remembers `old_mask`. False if the stack cannot take it.
bool push_signal_frame(Thread&, kernel::TrapFrame&, sched::ExtendedState, const SignalInfo&, const SignalAction&, uint64_t old_mask);
// The FPU/SSE/AVX state a new program or handler starts with.
void reset_extended_state(sched::ExtendedState);
// rt_sigreturn: restores registers, mask, alternate stack and FPU state from the frame the
// handler returned through. False if the frame cannot be read.
bool pop_signal_frame(Thread&, kernel::TrapFrame&, sched::ExtendedState);

} // namespace linux
