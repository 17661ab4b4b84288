// process_signals: signals between processes. SIGTERM to a child uncaught (it dies) and
// caught (a blocked read ends with EINTR); SIGKILL cannot be caught and ends a stopped child;
// kill(pid, 0) on a running child, a zombie and a reaped one; a SIGCHLD handler called once
// per child when each is waited for in turn, and once for five that end while SIGCHLD is
// blocked (standard signals do not queue); sigwaitinfo's SIGCHLD fields (si_code CLD_EXITED,
// CLD_KILLED, CLD_STOPPED, CLD_CONTINUED, si_status, si_pid, si_uid); SA_NOCLDSTOP; SIGCHLD
// ignored (children reaped by the kernel, wait ends in ECHILD); sigqueue's value and queued
// real-time signals in order; handlers and the mask inherited by fork, pending signals not.
#include "process_test.h"

#include <time.h>

static volatile int chld_calls, chld_code, chld_status, chld_pid_right;
static volatile pid_t chld_expected_pid;

static void on_chld(int signo, siginfo_t* info, void* context)
{
    (void)signo;
    (void)context;
    chld_calls++;
    chld_code = info->si_code;
    chld_status = info->si_status;
    chld_pid_right = info->si_pid == chld_expected_pid;
}

static volatile int term_calls;
static void on_term(int signo)
{
    (void)signo;
    term_calls++;
}

static void install(int signo, void (*handler)(int), int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
}

static void block(int signo, int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(how, &set, NULL);
}

// A child that signals readiness, then blocks in read() on a pipe nobody writes. With
// CATCH, SIGTERM has a handler without SA_RESTART: the read ends with EINTR and the
// child exits with 10.
static pid_t reader_child(int catch_term, int* keep_open)
{
    int ready[2], never[2];
    open_pipe(ready);
    open_pipe(never);
    pid_t child = fork_child();
    if (child == 0) {
        close(ready[0]);
        close(never[1]);
        if (catch_term)
            install(SIGTERM, on_term, 0);
        post(ready[1]);
        char c;
        long n = read(never[0], &c, 1);
        _exit(n < 0 && errno == EINTR && term_calls > 0 ? 10 : 1);
    }
    close(ready[1]);
    close(never[0]);
    await(ready[0]);
    close(ready[0]);
    *keep_open = never[1];
    return child;
}

static void terminate_children(void)
{
    int writer;
    pid_t child = reader_child(0, &writer);
    expect_long("kill(child, 0) while it runs", kill(child, 0), 0);
    kill(child, SIGTERM);
    expect_reaped("SIGTERM, not caught", child, "killed by SIGTERM");
    close(writer);

    // The child may not be in read() yet when the first signal comes (its handler then
    // runs before the read): signal it until it is gone.
    child = reader_child(1, &writer);
    for (int i = 0; i < 2000 && kill(child, SIGTERM) == 0; ++i) {
        siginfo_t info;
        info.si_pid = 0;
        if (waitid(P_PID, child, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == child)
            break;
        struct timespec pause = { 0, 5 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    expect_reaped("SIGTERM, caught: the blocked read ends with EINTR", child, "exited 10");
    close(writer);

    pid_t catcher = fork_child();
    if (catcher == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_term;
        _exit(sigaction(SIGKILL, &action, NULL) < 0 && errno == EINVAL ? 0 : 1);
    }
    expect_reaped("a handler for SIGKILL: sigaction fails with EINVAL", catcher, "exited 0");

    child = reader_child(1, &writer);
    kill(child, SIGSTOP);
    int status = wait_status(child, WUNTRACED);
    printf("SIGSTOP: %s\n", status_text(status));
    kill(child, SIGKILL);
    expect_reaped("SIGKILL to the stopped child", child, "killed by SIGKILL");
    close(writer);

    child = fork_child();
    if (child == 0)
        _exit(3);
    siginfo_t info;
    waitid(P_PID, child, &info, WEXITED | WNOWAIT);
    expect_long("kill(zombie, 0)", kill(child, 0), 0);
    expect_reaped("zombie", child, "exited 3");
    expect_errno("kill(reaped child, 0)", kill(child, 0), ESRCH);
    expect_errno("kill(child, 65)", kill(getpid(), 65), EINVAL);
}

static void sigchld_handler_counts(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_chld;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &action, NULL);
    block(SIGCHLD, SIG_BLOCK);
    sigset_t wait_mask;
    sigprocmask(SIG_BLOCK, NULL, &wait_mask);
    sigdelset(&wait_mask, SIGCHLD);
    chld_calls = 0;
    int right = 0;
    for (int i = 1; i <= 10; ++i) {
        int before = chld_calls;
        pid_t child = fork_child();
        if (child == 0)
            _exit(i);
        chld_expected_pid = child;
        while (chld_calls == before)
            sigsuspend(&wait_mask);
        right += chld_code == CLD_EXITED && chld_status == i && chld_pid_right;
        wait_status(child, 0);
    }
    expect_long("SIGCHLD handler calls for 10 children waited for in turn", chld_calls, 10);
    expect_long("  with si_code CLD_EXITED, si_status the exit code, si_pid the child", right, 10);

    chld_calls = 0;
    pid_t children[5];
    for (int i = 0; i < 5; ++i) {
        children[i] = fork_child();
        if (children[i] == 0)
            _exit(0);
    }
    siginfo_t info;
    for (int i = 0; i < 5; ++i)
        waitid(P_PID, children[i], &info, WEXITED | WNOWAIT);
    block(SIGCHLD, SIG_UNBLOCK);
    expect_long("SIGCHLD handler calls for 5 children that ended while it was blocked", chld_calls, 1);
    for (int i = 0; i < 5; ++i)
        wait_status(children[i], 0);
    signal(SIGCHLD, SIG_DFL);
}

static void print_chld_info(const char* label, const siginfo_t* info, pid_t child, int code, int status)
{
    static const char* const codes[] = { "?", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
    const char* name = info->si_code >= 1 && info->si_code <= 6 ? codes[info->si_code] : "other";
    int exited = info->si_code == CLD_EXITED;
    printf("%s: si_signo %s si_code %s si_status %d%s si_pid is the child %s si_uid %d\n", label,
        signal_name(info->si_signo), name, info->si_status, exited ? "" : " (the signal)",
        info->si_pid == child ? "yes" : "no", (int)info->si_uid);
    if (info->si_signo != SIGCHLD || info->si_code != code || info->si_status != status || info->si_pid != child)
        process_failures++;
}

static void sigwaitinfo_fields(void)
{
    block(SIGCHLD, SIG_BLOCK);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    siginfo_t info;

    pid_t child = fork_child();
    if (child == 0)
        _exit(7);
    sigwaitinfo(&chld, &info);
    print_chld_info("exit(7)", &info, child, CLD_EXITED, 7);
    wait_status(child, 0);

    int writer;
    child = reader_child(0, &writer);
    kill(child, SIGKILL);
    sigwaitinfo(&chld, &info);
    print_chld_info("SIGKILL", &info, child, CLD_KILLED, SIGKILL);
    wait_status(child, 0);
    close(writer);

    child = reader_child(0, &writer);
    kill(child, SIGSTOP);
    sigwaitinfo(&chld, &info);
    print_chld_info("SIGSTOP", &info, child, CLD_STOPPED, SIGSTOP);
    wait_status(child, WUNTRACED);
    kill(child, SIGCONT);
    sigwaitinfo(&chld, &info);
    print_chld_info("SIGCONT", &info, child, CLD_CONTINUED, SIGCONT);
    wait_status(child, WCONTINUED);
    kill(child, SIGTERM);
    sigwaitinfo(&chld, &info);
    print_chld_info("SIGTERM", &info, child, CLD_KILLED, SIGTERM);
    wait_status(child, 0);
    close(writer);

    // SA_NOCLDSTOP: no SIGCHLD when a child stops, one when it ends.
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_chld;
    action.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &action, NULL);
    child = reader_child(0, &writer);
    kill(child, SIGSTOP);
    int status = wait_status(child, WUNTRACED);
    sigset_t pending;
    sigpending(&pending);
    printf("SA_NOCLDSTOP: child %s, SIGCHLD pending %d\n", status_text(status), sigismember(&pending, SIGCHLD));
    if (sigismember(&pending, SIGCHLD))
        process_failures++;
    kill(child, SIGKILL);
    wait_status(child, 0);
    sigpending(&pending);
    expect("  after it was killed, SIGCHLD pending", sigismember(&pending, SIGCHLD));
    close(writer);
    signal(SIGCHLD, SIG_DFL); // discards the pending one
    block(SIGCHLD, SIG_UNBLOCK);
}

static void sigchld_ignored(void)
{
    signal(SIGCHLD, SIG_IGN);
    pid_t children[3];
    for (int i = 0; i < 3; ++i) {
        children[i] = fork_child();
        if (children[i] == 0) {
            struct timespec pause = { 0, (i + 1) * 10 * 1000 * 1000 };
            nanosleep(&pause, NULL);
            _exit(0);
        }
    }
    int status;
    expect_errno("SIGCHLD ignored: wait() once the three children ended", wait(&status), ECHILD);
    expect_errno("  kill(child, 0): no zombie left", kill(children[2], 0), ESRCH);
    signal(SIGCHLD, SIG_DFL);
}

static void queued_signals(void)
{
    block(SIGUSR1, SIG_BLOCK);
    block(SIGRTMIN, SIG_BLOCK);
    int ready[2];
    open_pipe(ready);
    pid_t parent = getpid();
    pid_t child = fork_child();
    if (child == 0) {
        close(ready[0]);
        post(ready[1]);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        siginfo_t info;
        int bits = 0;
        if (sigwaitinfo(&set, &info) == SIGUSR1 && info.si_code == SI_QUEUE && info.si_value.sival_int == 1234
            && info.si_pid == parent)
            bits |= 1;
        // Three real-time signals: each arrives once, in the order sent, and no fourth.
        sigemptyset(&set);
        sigaddset(&set, SIGRTMIN);
        int order = 0;
        for (int i = 1; i <= 3; ++i)
            if (sigwaitinfo(&set, &info) == SIGRTMIN && info.si_value.sival_int == i)
                order++;
        struct timespec zero = { 0, 0 };
        if (order == 3 && sigtimedwait(&set, &info, &zero) < 0 && errno == EAGAIN)
            bits |= 2;
        _exit(bits);
    }
    close(ready[1]);
    await(ready[0]);
    close(ready[0]);
    union sigval value = { .sival_int = 1234 };
    expect_long("sigqueue(child, SIGUSR1, 1234)", sigqueue(child, SIGUSR1, value), 0);
    for (int i = 1; i <= 3; ++i) {
        value.sival_int = i;
        sigqueue(child, SIGRTMIN, value);
    }
    int status = wait_status(child, 0);
    int bits = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    expect("child: SIGUSR1 with SI_QUEUE, the value and the sender's pid", bits & 1);
    expect("child: three SIGRTMIN, each once, in the order sent", bits & 2);
    block(SIGUSR1, SIG_UNBLOCK);
    block(SIGRTMIN, SIG_UNBLOCK);
}

static void inherited_by_fork(void)
{
    install(SIGUSR2, on_term, 0);
    block(SIGHUP, SIG_BLOCK);
    raise(SIGHUP);
    pid_t child = fork_child();
    if (child == 0) {
        sigset_t mask, pending;
        sigprocmask(SIG_BLOCK, NULL, &mask);
        sigpending(&pending);
        struct sigaction action;
        sigaction(SIGUSR2, NULL, &action);
        term_calls = 0;
        raise(SIGUSR2);
        int bits = (action.sa_handler == on_term) | (term_calls == 1) << 1 | sigismember(&mask, SIGHUP) << 2
            | !sigismember(&pending, SIGHUP) << 3;
        _exit(bits);
    }
    int status = wait_status(child, 0);
    int bits = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    expect("child: the parent's SIGUSR2 handler is installed", bits & 1);
    expect("child: and runs", bits & 2);
    expect("child: SIGHUP blocked as in the parent", bits & 4);
    expect("child: the parent's pending SIGHUP is not pending", bits & 8);
    signal(SIGHUP, SIG_IGN); // discards the parent's
    block(SIGHUP, SIG_UNBLOCK);
    signal(SIGHUP, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

int main(void)
{
    process_start(30);
    terminate_children();
    sigchld_handler_counts();
    sigwaitinfo_fields();
    sigchld_ignored();
    queued_signals();
    inherited_by_fork();
    return finish();
}
