// The monitor's signal policy: ignore SIGPIPE; on SIGINT/SIGTERM/SIGHUP kill the guest and exit
// 128+N; when the --timeout timer (SIGALRM) fires, kill the guest, say so and exit 124.
#include "host/monitor_signals.h"

#include <atomic>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

namespace host {

static std::atomic<pid_t> s_guest_pid { 0 };
static_assert(std::atomic<pid_t>::is_always_lock_free);

static constexpr int s_terminating[] = { SIGINT, SIGTERM, SIGHUP };

// The line the timeout prints, formatted before the timer is armed.
static char s_timeout_line[128];

// Async-signal-safe: kill and waitpid only. The guest kernel's host processes form one
// process group, led by the first.
static void kill_guest()
{
    pid_t pid = s_guest_pid.exchange(0);
    if (pid > 0) {
        kill(-pid, SIGKILL);
        while (waitpid(-pid, nullptr, 0) > 0 || errno == EINTR) { }
    }
}

static std::atomic<bool> s_child_exited { false };

static void on_child_exit(int) { s_child_exited.store(true); }

static std::atomic<bool> s_finish_on_signal { false };
static std::atomic<int> s_terminating_signal { 0 };

// Async-signal-safe: kill, waitpid and _exit only.
static void on_terminating_signal(int signal)
{
    kill_guest();
    if (!s_finish_on_signal.load() || s_terminating_signal.exchange(signal) != 0)
        _exit(128 + signal);
}

int take_terminating_signal() { return s_terminating_signal.load(); }

// Async-signal-safe: kill, waitpid, write and _exit only. The monitor may be anywhere, even
// blocked writing the guest's output to a stdout nobody reads.
static void on_timeout(int)
{
    kill_guest();
    ssize_t ignored = write(STDERR_FILENO, s_timeout_line, strlen(s_timeout_line));
    (void)ignored;
    _exit(EXIT_TIMED_OUT);
}

void install_monitor_signal_handlers(bool finish_on_signal)
{
    s_finish_on_signal.store(finish_on_signal);
    // A closed stdout must give the guest -EPIPE, not kill the monitor.
    signal(SIGPIPE, SIG_IGN);

    struct sigaction action {};
    action.sa_handler = on_terminating_signal;
    sigfillset(&action.sa_mask);
    for (int signal : s_terminating)
        sigaction(signal, &action, nullptr);
    action.sa_handler = on_timeout;
    sigaction(SIGALRM, &action, nullptr);
    // No SA_RESTART: a guest host process that dies interrupts the monitor's wait for the
    // next hypercall, so that a crash is noticed even if nothing else would wake it.
    struct sigaction child {};
    child.sa_handler = on_child_exit;
    sigemptyset(&child.sa_mask);
    child.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &child, nullptr);
}

bool take_child_exited() { return s_child_exited.exchange(false); }

void arm_monitor_timeout(uint64_t timeout_ns)
{
    if (timeout_ns == 0)
        return;
    unsigned long long seconds = timeout_ns / 1'000'000'000, milliseconds = timeout_ns / 1'000'000 % 1000;
    if (milliseconds == 0)
        snprintf(s_timeout_line, sizeof(s_timeout_line), "unikit: timed out after %llus; the VM was stopped\n", seconds);
    else
        snprintf(s_timeout_line, sizeof(s_timeout_line), "unikit: timed out after %llu.%03llus; the VM was stopped\n", seconds, milliseconds);
    itimerval timer {};
    timer.it_value.tv_sec = static_cast<time_t>(timeout_ns / 1'000'000'000);
    timer.it_value.tv_usec = static_cast<suseconds_t>(timeout_ns % 1'000'000'000 / 1000);
    if (timer.it_value.tv_sec == 0 && timer.it_value.tv_usec == 0)
        timer.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &timer, nullptr);
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
    sigaddset(&set, SIGALRM);
    return set;
}

} // namespace host
