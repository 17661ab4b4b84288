// process_test.h: helpers shared by the process test programs (process_*.c, issue 6), on top of
// probe.h. Only the program's first process writes to stdout; children report through exit
// codes and pipes, so the output never depends on scheduling. Pids are printed only as
// yes/no facts. expect() prints a fact and counts it as a failure when it is not what Linux
// does, so the native run checks the program itself and a wrong result under unikit shows
// both as a stdout difference and as a nonzero exit status. A watchdog ends a program that
// stops making progress, so a kernel bug cannot hang the suite.
#ifndef UNIKIT_TEST_PROCESS_TEST_H
#define UNIKIT_TEST_PROCESS_TEST_H

#include "probe.h"

#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

static int process_failures;

// "LABEL: yes" or "LABEL: no"; a "no" is a failure.
static void expect(const char* label, int ok)
{
    printf("%s: %s\n", label, ok ? "yes" : "no");
    if (!ok)
        process_failures++;
}

// "LABEL: VALUE"; a value other than WANTED is a failure.
static void expect_long(const char* label, long value, long wanted)
{
    printf("%s: %ld\n", label, value);
    if (value != wanted)
        process_failures++;
}

// "LABEL: -1 ENAME" (or "LABEL: VALUE" if the call succeeded); anything but -1 with
// WANTED_ERRNO is a failure.
static void expect_errno(const char* label, long result, int wanted_errno)
{
    int saved = errno;
    if (result < 0)
        printf("%s: -1 %s\n", label, errno_name(saved));
    else
        printf("%s: %ld\n", label, result);
    if (result != -1 || saved != wanted_errno)
        process_failures++;
}

// "LABEL: ok" when RESULT is not negative, "LABEL: -1 ENAME" (a failure) otherwise.
static long expect_ok(const char* label, long result)
{
    int saved = errno;
    check_ok(label, result);
    if (result < 0)
        process_failures++;
    errno = saved;
    return result;
}

// The end of main: a summary line only when something was unexpected.
static int finish(void)
{
    if (process_failures)
        printf("unexpected results: %d\n", process_failures);
    fflush(stdout);
    return process_failures ? 1 : 0;
}

// The same name in glibc and musl (strsignal's wording differs).
static const char* signal_name(int signo)
{
    static const char* const names[] = { "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
        "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
        "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU",
        "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS" };
    static char buffer[32];
    if (signo >= 0 && signo < (int)(sizeof names / sizeof names[0]))
        return names[signo];
    snprintf(buffer, sizeof buffer, "signal %d", signo);
    return buffer;
}

// A wait status as words: "exited 3", "killed by SIGTERM", "stopped by SIGSTOP", "continued".
static const char* status_text(int status)
{
    static char buffer[64];
    if (WIFEXITED(status))
        snprintf(buffer, sizeof buffer, "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buffer, sizeof buffer, "killed by %s", signal_name(WTERMSIG(status)));
    else if (WIFSTOPPED(status))
        snprintf(buffer, sizeof buffer, "stopped by %s", signal_name(WSTOPSIG(status)));
    else if (WIFCONTINUED(status))
        snprintf(buffer, sizeof buffer, "continued");
    else
        snprintf(buffer, sizeof buffer, "status 0x%x", status);
    return buffer;
}

// fork() with stdout flushed first, so that a child never writes the parent's buffer again.
// A failure ends the process with status 2 and a line saying so (never a pid of -1 that a
// later waitpid or kill would take for "any child" or "every process").
static pid_t fork_child(void)
{
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        printf("setup: fork: -1 %s\n", errno_name(errno));
        exit(2);
    }
    return child;
}

// pipe() that ends the process with status 2 and a line saying so when it fails.
static void open_pipe(int fds[2])
{
    if (pipe(fds) < 0) {
        printf("setup: pipe: -1 %s\n", errno_name(errno));
        exit(2);
    }
}

// waitpid(PID, OPTIONS) that retries after EINTR; returns the status or -1 (errno set).
static int wait_status(pid_t pid, int options)
{
    int status;
    pid_t got;
    do
        got = waitpid(pid, &status, options);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return -1;
    return got == 0 ? -2 : status;
}

// Reaps PID and prints "LABEL: STATUS"; a status other than WANTED (words as status_text
// gives them) is a failure.
static void expect_reaped(const char* label, pid_t pid, const char* wanted)
{
    int status = wait_status(pid, 0);
    const char* text = status < 0 ? "-1 (waitpid failed)" : status_text(status);
    printf("%s: %s\n", label, text);
    if (strcmp(text, wanted) != 0)
        process_failures++;
}

// One byte through a pipe: how processes tell each other they are ready.
static void post(int fd)
{
    char c = 1;
    while (write(fd, &c, 1) < 0 && errno == EINTR) {
    }
}

// Waits for one byte; returns 1, or 0 at EOF or on an error.
static int await(int fd)
{
    char c;
    long n;
    do
        n = read(fd, &c, 1);
    while (n < 0 && errno == EINTR);
    return n == 1;
}

// read() until COUNT bytes or EOF; returns the count read.
static long read_full(int fd, void* buffer, long count)
{
    long total = 0;
    while (total < count) {
        long n = read(fd, (char*)buffer + total, count - total);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        total += n;
    }
    return total;
}

static long write_full(int fd, const void* buffer, long count)
{
    long total = 0;
    while (total < count) {
        long n = write(fd, (const char*)buffer + total, count - total);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return total ? total : n;
        total += n;
    }
    return total;
}

static void watchdog_expired(int signo)
{
    (void)signo;
    static const char message[] = "watchdog: the test stopped making progress\n";
    ssize_t ignored = write(1, message, sizeof message - 1);
    (void)ignored;
    _exit(99);
}

// Ends the process with status 99 after SECONDS. A handler, not the default action: a pid 1
// ignores default-action signals. Children do not inherit the alarm.
static void watchdog(unsigned seconds)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = watchdog_expired;
    sigaction(SIGALRM, &action, NULL);
    alarm(seconds);
}

// The start of every process test: probe_start(), every signal at its default action and
// unblocked (a caller may have ignored SIGPIPE or SIGINT, or blocked some), and a watchdog.
static void process_start(unsigned watchdog_seconds)
{
    probe_start();
    for (int signo = 1; signo < 32; ++signo)
        if (signo != SIGKILL && signo != SIGSTOP)
            signal(signo, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    watchdog(watchdog_seconds);
}

// Makes the rest of main run as pid 1 of a pid namespace, where orphans are reparented to it
// and kill(-1, ...) reaches only the test's own processes: as it is when the program already
// is pid 1 (under unikit), else in the first child of a new pid namespace (natively, as root
// or in a user namespace). The original process waits and exits with that child's status.
// Never run kill(-1, ...) outside: natively it would signal every process of the host.
static void become_init(void)
{
    if (getpid() == 1)
        return;
    if (unshare(CLONE_NEWPID) < 0) {
        printf("setup: cannot make a pid namespace to be its init: -1 %s\n", errno_name(errno));
        exit(2);
    }
    pid_t child = fork_child();
    if (child < 0) {
        printf("setup: fork into the new pid namespace: -1 %s\n", errno_name(errno));
        exit(2);
    }
    if (child == 0)
        return;
    int status = wait_status(child, 0);
    if (status < 0)
        exit(2);
    exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

// "/bin/NAME-FLAVOUR" for the flavour of this program (argv[0] is /bin/PROGRAM-FLAVOUR), so a
// program execs the helper built the same way as itself.
static const char* sibling_program(const char* argv0, const char* name)
{
    static char path[4][256];
    static int next;
    static const char* const flavours[] = { "glibc-static", "glibc-pie", "musl-static" };
    const char* flavour = "glibc-static";
    size_t length = strlen(argv0);
    for (unsigned i = 0; i < sizeof flavours / sizeof flavours[0]; ++i) {
        size_t n = strlen(flavours[i]);
        if (length > n && argv0[length - n - 1] == '-' && !strcmp(argv0 + length - n, flavours[i]))
            flavour = flavours[i];
    }
    char* out = path[next++ % 4];
    snprintf(out, sizeof path[0], "/bin/%s-%s", name, flavour);
    return out;
}

#endif
