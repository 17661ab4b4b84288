// signal_handlers: handlers and what they are told. SA_SIGINFO fields for kill, raise,
// tgkill, sigqueue and a real-time signal; masks and pending signals (sigprocmask, raise,
// sigpending); sa_mask and the signal itself blocked inside the handler; SA_NODEFER;
// SA_RESETHAND; two signals unblocked at once; ignored signals; sigaction's old action.
// Handlers only record; main prints one deterministic line per check.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int last_signo, last_code, last_pid_is_self, last_value, calls, depth, max_depth;
static volatile int usr2_blocked_inside, self_blocked_inside;
static char order[64];
static volatile int order_length;

static void info_handler(int signo, siginfo_t* info, void* context)
{
    (void)context;
    calls++;
    last_signo = info->si_signo;
    last_code = info->si_code;
    last_pid_is_self = info->si_pid == getpid();
    last_value = info->si_value.sival_int;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    usr2_blocked_inside = sigismember(&now, SIGUSR2);
    self_blocked_inside = sigismember(&now, signo);
}

static void order_handler(int signo)
{
    if (order_length < (int)sizeof(order) - 4)
        order_length += sprintf(order + order_length, "%s ", signo == SIGUSR1 ? "USR1" : signo == SIGUSR2 ? "USR2" : "other");
}

static volatile int entries;

// Raises its own signal twice more: nested with SA_NODEFER, one after the other without.
static void nested_handler(int signo)
{
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (++entries < 3)
        raise(signo);
    depth--;
}

static void plain_handler(int signo)
{
    (void)signo;
    calls++;
}

static void install(int signo, void (*handler)(int, siginfo_t*, void*), int flags, int blocked)
{
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    if (blocked)
        sigaddset(&action.sa_mask, blocked);
    sigaction(signo, &action, NULL);
}

static void install_plain(int signo, void (*handler)(int), int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
}

static void result(const char* label, long value)
{
    printf("%s: %ld %s\n", label, value, value == -1 ? (errno == EINVAL ? "EINVAL" : errno == ESRCH ? "ESRCH" : "other") : "");
}

static void report(const char* label)
{
    printf("%s: calls=%d signo=%d code=%d pid_is_self=%d\n", label, calls, last_signo, last_code, last_pid_is_self);
    calls = 0;
}

int main(void)
{
    install(SIGUSR1, info_handler, 0, SIGUSR2);
    kill(getpid(), SIGUSR1);
    report("kill");
    printf("inside handler: sa_mask USR2 blocked=%d, USR1 itself blocked=%d\n", usr2_blocked_inside, self_blocked_inside);
    raise(SIGUSR1);
    report("raise");
    syscall(SYS_tgkill, getpid(), (int)syscall(SYS_gettid), SIGUSR1);
    report("tgkill");
    union sigval value = { .sival_int = 4242 };
    sigqueue(getpid(), SIGUSR1, value);
    report("sigqueue");
    printf("sigqueue value: %d\n", last_value);
    install(SIGRTMIN + 2, info_handler, 0, 0);
    value.sival_int = 77;
    sigqueue(getpid(), SIGRTMIN + 2, value);
    printf("rt signal: calls=%d is_rtmin_plus_2=%d code=%d value=%d\n", calls, last_signo == SIGRTMIN + 2, last_code, last_value);
    calls = 0;

    // Masks and pending.
    sigset_t block, pending, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigpending(&pending);
    printf("blocked: calls=%d pending USR1=%d USR2=%d\n", calls, sigismember(&pending, SIGUSR1), sigismember(&pending, SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigpending(&pending);
    printf("unblocked: calls=%d (a standard signal is pending once) pending USR1=%d\n", calls, sigismember(&pending, SIGUSR1));
    calls = 0;

    // SIGKILL and SIGSTOP cannot be blocked or caught.
    sigfillset(&block);
    sigprocmask(SIG_SETMASK, &block, NULL);
    sigprocmask(SIG_SETMASK, NULL, &old);
    printf("fill mask: KILL=%d STOP=%d TERM=%d\n", sigismember(&old, SIGKILL), sigismember(&old, SIGSTOP), sigismember(&old, SIGTERM));
    sigemptyset(&block);
    sigprocmask(SIG_SETMASK, &block, NULL);
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = plain_handler;
    result("sigaction(SIGKILL)", sigaction(SIGKILL, &action, NULL));
    result("sigaction(SIGSTOP)", sigaction(SIGSTOP, &action, NULL));
    result("kill(bad signal)", kill(getpid(), 65));
    result("kill(signal 0)", kill(getpid(), 0));
    result("tgkill(no such thread)", syscall(SYS_tgkill, getpid(), 99999, SIGUSR1));
    result("tgkill(bad tid)", syscall(SYS_tgkill, getpid(), -3, SIGUSR1));

    // Two signals unblocked at once: the order their handlers run in.
    install_plain(SIGUSR1, order_handler, 0);
    install_plain(SIGUSR2, order_handler, 0);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR2);
    raise(SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("order: %s\n", order);

    // SA_NODEFER: the handler can be entered again from inside itself.
    install_plain(SIGUSR1, nested_handler, SA_NODEFER);
    raise(SIGUSR1);
    printf("SA_NODEFER: entries %d, max depth %d\n", entries, max_depth);
    max_depth = depth = entries = 0;
    install_plain(SIGUSR1, nested_handler, 0);
    raise(SIGUSR1);
    printf("without SA_NODEFER: entries %d, max depth %d\n", entries, max_depth);

    // SA_RESETHAND: one call, then the default action.
    install_plain(SIGUSR2, plain_handler, SA_RESETHAND);
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &action);
    printf("SA_RESETHAND: calls=%d now default=%d\n", calls, action.sa_handler == SIG_DFL);
    calls = 0;

    // Ignored signals (SIG_IGN, or ignored by default) are discarded.
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    signal(SIGCHLD, SIG_DFL);
    raise(SIGCHLD);
    raise(SIGWINCH);
    raise(SIGURG);
    install_plain(SIGCONT, plain_handler, 0);
    raise(SIGCONT);
    printf("ignored survived; SIGCONT handler calls=%d\n", calls);
    calls = 0;
    // Setting SIG_IGN discards a pending signal.
    install_plain(SIGUSR2, plain_handler, 0);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR2);
    signal(SIGUSR2, SIG_IGN);
    sigpending(&pending);
    printf("SIG_IGN discards pending: %d\n", !sigismember(&pending, SIGUSR2));

    // sigaction reports the old action.
    struct sigaction older;
    install_plain(SIGHUP, plain_handler, SA_RESTART);
    sigaction(SIGHUP, NULL, &older);
    printf("old action: handler=%d restart=%d\n", older.sa_handler == plain_handler, (older.sa_flags & SA_RESTART) != 0);
    return 0;
}
