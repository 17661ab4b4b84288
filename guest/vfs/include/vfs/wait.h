// Waiting for files to change state. A vnode whose read or write cannot go on now (an empty
// pipe, a full one, an eventfd at zero) returns EAGAIN, and calls notify_state_change() after
// anything that may let it go on (data written, data read, an end opened or closed). The
// kernel decides whether the caller sleeps (no O_NONBLOCK) and wakes it on the notification;
// the VFS knows nothing of threads, so host unit tests build it without a scheduler.
#pragma once

namespace vfs {

// What the kernel runs on each notification: wake everyone waiting, who then looks again.
using StateChangeListener = void (*)();
void set_state_change_listener(StateChangeListener);

// A pipe, eventfd, timerfd or FIFO changed state: readiness for poll, read or write may differ.
void notify_state_change();

} // namespace vfs
