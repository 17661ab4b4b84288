// Sleeping until a file changes state: blocking reads and writes of pipes, eventfds and
// timerfds, FIFO opens, poll and select. Every waiter sleeps on one queue and every change
// (vfs::notify_state_change) wakes them all to look again: simple, and cheap enough for the
// handful of threads a unikernel runs.
#pragma once

#include <lib/error_or.h>
#include <linux/user_memory.h>
#include <sched/scheduler.h>
#include <stdint.h>
#include <vfs/open_file.h>

namespace linux {

// Puts the current thread to sleep until some file changes state or `deadline`
// (CLOCK_MONOTONIC ns, or sched::NO_DEADLINE) passes; either way its syscall then runs again
// from the start (see sched::deadline_after for keeping the deadline). Returns sched::BLOCKED.
lib::Error wait_for_state_change(int64_t deadline = sched::NO_DEADLINE);

// wait_for_state_change for poll, select and epoll_wait, which a signal handler ends with
// EINTR even under SA_RESTART (Linux's ERESTARTNOHAND). With `signal_mask` (ppoll, pselect6,
// epoll_pwait), the thread waits under that mask and gets its own back when the call ends,
// after the handler of a signal the mask let through; such a signal already pending ends the
// call with EINTR at once.
lib::Error wait_until_handler(int64_t deadline, const uint64_t* signal_mask = nullptr);

// The first half of wait_until_handler with `signal_mask`, for ppoll and pselect6 when they do
// not wait (nothing ready and a zero timeout): Linux ends them with EINTR too when a signal
// the mask lets through is pending. Nothing to do for a null mask.
lib::ErrorOr<void> apply_wait_signal_mask(const uint64_t* signal_mask);

// The signal mask argument of ppoll, pselect6, epoll_pwait and epoll_pwait2 for
// wait_until_handler: a sigset_t of `size` bytes at `address`. False when `address` is null
// (the thread keeps its mask); EINVAL when `size` is not sizeof(sigset_t), EFAULT.
lib::ErrorOr<bool> read_wait_signal_mask(UserAddress address, uint64_t size, uint64_t& mask);

// A call that sleeps part way through (a blocking write that filled a pipe, a stream send, a
// MSG_WAITALL receive) runs again from the start after its sleep; what its earlier runs moved
// is kept in one record per sleeping thread, keyed by the call's descriptor, user address and
// length. resume_progress: the count an earlier run of this same call saved (0 when none, or
// when the thread did not restart), forgetting the thread's record. save_progress: keeps
// `done` for the next run, just before the thread sleeps; false when no record is free (then
// the call must not sleep).
size_t resume_progress(uint64_t fd, UserAddress address, size_t length);
bool save_progress(uint64_t fd, UserAddress address, size_t length, size_t done);

// Whether `error` from a read or write of `file` means "sleep, then try again": EAGAIN on a
// file without O_NONBLOCK. (Vnodes return EAGAIN only when they will announce the change.)
bool should_wait(const vfs::OpenFile& file, lib::Error error);

// Whether the current thread is sleeping in (or restarting from) wait_for_state_change.
bool is_waiting_for_state_change(const sched::Task&);

} // namespace linux
