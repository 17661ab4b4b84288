// Signals one process sends another (kill, tgkill, rt_sigqueueinfo, pidfd_send_signal): whom
// they reach and what they refuse, as Linux's kernel/signal.c (syscalls/signal.cpp).
#pragma once

#include <lib/error_or.h>
#include <linux/process.h>

namespace linux {

// What kill() sends: `code` (SI_USER, or SI_TKILL for tkill and tgkill) from the caller's pid.
SignalInfo signal_from_caller(int signal, int code);

// To a process: one of its threads takes it. A zombie still exists but takes nothing; signal
// 0 only checks. EINVAL for a signal number that does not exist, EPERM for a process of
// another user (unless the caller is root).
lib::ErrorOr<void> signal_process(Process&, const SignalInfo&);
// To every process of group `group` (zombies included, as above): ESRCH if it has none, else
// success if any took it.
lib::ErrorOr<void> signal_group(int group, const SignalInfo&);
// To the thread `tid`, if it belongs to process `tgid` (to any process when tgid <= 0).
lib::ErrorOr<void> signal_thread(int tgid, int tid, const SignalInfo&);
// A siginfo_t the program made (rt_sigqueueinfo, pidfd_send_signal) may claim to be from
// the kernel or from kill (si_code >= 0, or SI_TKILL) only when sent to the caller itself.
bool may_send_info(const SignalInfo&, bool to_caller);

} // namespace linux
