// The monitor's signal policy: ignore SIGPIPE; on SIGINT/SIGTERM/SIGHUP kill the guest and exit
// 128+N; on the --timeout timer kill the guest and exit EXIT_TIMED_OUT.
#pragma once

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

namespace host {

// As timeout(1): the run took longer than --timeout.
inline constexpr int EXIT_TIMED_OUT = 124;

// Installs the handlers. Call before the guest is spawned. With `finish_on_signal` (--stats),
// a terminating signal kills the guest and leaves the exit to the monitor's loop
// (take_terminating_signal), so that it can report first; a second one exits at once.
void install_monitor_signal_handlers(bool finish_on_signal = false);

// The terminating signal that arrived under finish_on_signal, or 0.
int take_terminating_signal();

// Starts the --timeout wall-clock timer (SIGALRM); 0 = no timeout. After the handlers.
void arm_monitor_timeout(uint64_t timeout_ns);

// The process a terminating signal must SIGKILL and reap before the monitor exits; 0 = none.
void set_guest_pid_for_signals(pid_t pid);

// The signals whose handler kills the guest (SIGALRM too); block them around spawning it.
sigset_t terminating_signals();
// Whether a child of the monitor (a guest kernel host process) has ended since the last call.
bool take_child_exited();

} // namespace host
