// The monitor's signal policy: ignore SIGPIPE; on SIGINT/SIGTERM/SIGHUP kill the guest and exit 128+N.
#include "host/monitor_signals.h"

#include <atomic>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

namespace host {

static std::atomic<pid_t> s_guest_pid { 0 };
static_assert(std::atomic<pid_t>::is_always_lock_free);

static constexpr int s_terminating[] = { SIGINT, SIGTERM, SIGHUP };

// Async-signal-safe: kill, waitpid and _exit only.
static void on_terminating_signal(int signal)
{
    pid_t pid = s_guest_pid.exchange(0);
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) { }
    }
    _exit(128 + signal);
}

void install_monitor_signal_handlers()
{
    // A closed stdout must give the guest -EPIPE, not kill the monitor.
    signal(SIGPIPE, SIG_IGN);

    struct sigaction action {};
    action.sa_handler = on_terminating_signal;
    sigfillset(&action.sa_mask);
    for (int signal : s_terminating)
        sigaction(signal, &action, nullptr);
}

void set_guest_pid_for_signals(pid_t pid)
{
    s_guest_pid.store(pid);
}

sigset_t terminating_signals()
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : s_terminating)
        sigaddset(&set, signal);
    return set;
}

} // namespace host
