// The monitor's signal policy: ignore SIGPIPE; on SIGINT/SIGTERM/SIGHUP kill the guest and exit 128+N.
#pragma once

#include <signal.h>
#include <sys/types.h>

namespace host {

// Installs the handlers. Call before the guest is spawned.
void install_monitor_signal_handlers();

// The process a terminating signal must SIGKILL and reap before the monitor exits; 0 = none.
void set_guest_pid_for_signals(pid_t pid);

// The signals whose handler kills the guest; block them around spawning it.
sigset_t terminating_signals();

} // namespace host
