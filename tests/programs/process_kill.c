// process_kill: who a signal reaches and what the receiver learns of the sender. siginfo's
// si_code and si_pid for kill, sigqueue, tgkill and pidfd_send_signal from another process;
// ESRCH (no such target) before EINVAL (no such signal); a thread's id names its process for
// kill and getpgid but not for setpgid, tgkill's group or pidfd_open; a zombie still answers
// to kill, tkill and tgkill; rt_sigqueueinfo and pidfd_send_signal refuse a made-up si_code
// towards anyone but the caller; a process that gave up root may signal its own user's
// processes but not root's (EPERM), except SIGCONT within its session. Raw syscalls where
// musl has no wrapper.
#include "process_test.h"

#include <grp.h>
#include <limits.h>
#include <pthread.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static int pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }
static int pidfd_send(int fd, int signo, siginfo_t* info, unsigned flags) { return (int)syscall(SYS_pidfd_send_signal, fd, signo, info, flags); }
static long raw_tkill(pid_t tid, int signo) { return syscall(SYS_tkill, tid, signo); }
static long raw_tgkill(pid_t tgid, pid_t tid, int signo) { return syscall(SYS_tgkill, tgid, tid, signo); }
static pid_t thread_id(void) { return (pid_t)syscall(SYS_gettid); }

static void block_signals(const int* signals, int count)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; ++i)
        sigaddset(&set, signals[i]);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

// Waits for SIGNO (blocked) and says whether it came with CODE from SENDER. The raw
// rt_sigtimedwait: glibc's sigwaitinfo shows SI_TKILL as SI_USER.
static int took(int signo, int code, pid_t sender, siginfo_t* info)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    long got;
    do
        got = syscall(SYS_rt_sigtimedwait, &set, info, NULL, 8);
    while (got < 0 && errno == EINTR);
    return got == signo && info->si_code == code && info->si_pid == sender && info->si_uid == 0;
}

// The receiver blocks four signals, says it is ready and takes them in turn; each fact is a
// bit of its exit code.
static void sender_identity(void)
{
    static const int signals[] = { SIGUSR1, SIGUSR2, SIGWINCH, SIGURG };
    int ready[2];
    open_pipe(ready);
    pid_t parent = getpid();
    pid_t child = fork_child();
    if (child == 0) {
        block_signals(signals, 4);
        post(ready[1]);
        siginfo_t info;
        int bits = took(SIGUSR1, SI_USER, parent, &info);
        bits |= (took(SIGUSR2, SI_QUEUE, parent, &info) && info.si_value.sival_int == 77) << 1;
        bits |= took(SIGWINCH, SI_TKILL, parent, &info) << 2;
        bits |= took(SIGURG, SI_USER, parent, &info) << 3;
        _exit(bits);
    }
    await(ready[0]);
    close(ready[0]);
    close(ready[1]);
    int fd = pidfd_open(child);
    union sigval value = { .sival_int = 77 };
    expect_long("kill(child, SIGUSR1)", kill(child, SIGUSR1), 0);
    expect_long("sigqueue(child, SIGUSR2, 77)", sigqueue(child, SIGUSR2, value), 0);
    expect_long("tgkill(child, child, SIGWINCH)", raw_tgkill(child, child, SIGWINCH), 0);
    expect_long("pidfd_send_signal(child, SIGURG)", pidfd_send(fd, SIGURG, NULL, 0), 0);
    int status = wait_status(child, 0);
    int bits = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    expect("  kill: SI_USER, si_pid the sender, si_uid 0", bits & 1);
    expect("  sigqueue: SI_QUEUE, the sender and the value", bits & 2);
    expect("  tgkill: SI_TKILL and the sender", bits & 4);
    expect("  pidfd_send_signal: SI_USER and the sender", bits & 8);
    close(fd);
}

// A pid that no process has: a child's, once reaped.
static pid_t reaped_pid(void)
{
    pid_t child = fork_child();
    if (child == 0)
        _exit(0);
    wait_status(child, 0);
    return child;
}

static void errors(void)
{
    pid_t gone = reaped_pid();
    expect_errno("kill(reaped, 1000): no target, so ESRCH", kill(gone, 1000), ESRCH);
    expect_errno("kill(getpid(), 1000)", kill(getpid(), 1000), EINVAL);
    expect_errno("kill(getpid(), -1)", kill(getpid(), -1), EINVAL);
    expect_errno("kill(-reaped, 1000): no such group", kill(-gone, 1000), ESRCH);
    expect_errno("kill(INT_MIN, 0)", kill(INT_MIN, 0), ESRCH);
    expect_errno("tkill(reaped, 1000)", raw_tkill(gone, 1000), ESRCH);
    expect_errno("tkill(0, 0)", raw_tkill(0, 0), EINVAL);
    expect_errno("tkill(-1, 0)", raw_tkill(-1, 0), EINVAL);
    expect_errno("tgkill(getpid(), gettid(), 1000)", raw_tgkill(getpid(), thread_id(), 1000), EINVAL);
    expect_errno("tgkill(0, gettid(), 0)", raw_tgkill(0, thread_id(), 0), EINVAL);
    expect_errno("tgkill(getpid(), 0, 0)", raw_tgkill(getpid(), 0, 0), EINVAL);
    expect_errno("tgkill(reaped, gettid(), 0): the thread is not in that process", raw_tgkill(gone, thread_id(), 0), ESRCH);
    expect_long("tkill(gettid(), 0)", raw_tkill(thread_id(), 0), 0);
}

static volatile pid_t second_tid;
static volatile int usr1_calls;
static int thread_release[2];

static void on_usr1(int signo)
{
    (void)signo;
    usr1_calls++;
}

static void* second_thread(void* unused)
{
    (void)unused;
    second_tid = thread_id();
    await(thread_release[0]);
    return NULL;
}

static void thread_ids(void)
{
    open_pipe(thread_release);
    pthread_t thread;
    pthread_create(&thread, NULL, second_thread, NULL);
    while (!second_tid)
        sched_yield();
    pid_t tid = second_tid;
    expect_long("kill(a thread's id, 0)", kill(tid, 0), 0);
    expect("getpgid(a thread's id) is the process's group", getpgid(tid) == getpgrp());
    expect("getsid(a thread's id) is the process's session", getsid(tid) == getsid(0));
    expect_errno("setpgid(a thread's id, 0)", setpgid(tid, 0), EINVAL);
    int fd = pidfd_open(tid);
    // ENOENT since Linux 6.9, EINVAL before: either way not a process.
    expect("pidfd_open(a thread's id) fails with ENOENT or EINVAL", fd < 0 && (errno == ENOENT || errno == EINVAL));
    expect_long("tgkill(getpid(), the thread, 0)", raw_tgkill(getpid(), tid, 0), 0);
    expect_errno("tgkill(the thread, the thread, 0): not a process id", raw_tgkill(tid, tid, 0), ESRCH);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr1;
    sigaction(SIGUSR1, &action, NULL);
    expect_long("kill(a thread's id, SIGUSR1)", kill(tid, SIGUSR1), 0);
    // Linux may hand it to the thread whose id was named, which runs the handler in its own time.
    for (int i = 0; i < 5000 && !usr1_calls; ++i)
        usleep(1000);
    expect_long("  the process's handler ran", usr1_calls, 1);
    signal(SIGUSR1, SIG_DFL);
    post(thread_release[1]);
    pthread_join(thread, NULL);
    close(thread_release[0]);
    close(thread_release[1]);
}

static void zombie(void)
{
    pid_t child = fork_child();
    if (child == 0)
        _exit(9);
    siginfo_t info;
    waitid(P_PID, child, &info, WEXITED | WNOWAIT);
    expect_long("tkill(zombie, 0)", raw_tkill(child, 0), 0);
    expect_long("tgkill(zombie, zombie, SIGTERM)", raw_tgkill(child, child, SIGTERM), 0);
    expect_long("kill(zombie, SIGKILL)", kill(child, SIGKILL), 0);
    expect_errno("tgkill(getpid(), zombie, 0): not one of ours", raw_tgkill(getpid(), child, 0), ESRCH);
    expect("getpgid(zombie) is our group", getpgid(child) == getpgrp());
    expect_reaped("  the zombie, signalled after it ended", child, "exited 9");
}

// A siginfo_t as a program would make one for rt_sigqueueinfo.
static siginfo_t made_up(int signo, int code)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = signo;
    info.si_code = code;
    info.si_pid = getpid();
    info.si_value.sival_int = 5;
    return info;
}

static void forged_codes(void)
{
    int ready[2];
    open_pipe(ready);
    pid_t child = fork_child();
    if (child == 0) {
        static const int signals[] = { SIGUSR1 };
        block_signals(signals, 1);
        post(ready[1]);
        siginfo_t info;
        _exit(took(SIGUSR1, SI_QUEUE, getppid(), &info) && info.si_value.sival_int == 5 ? 0 : 1);
    }
    await(ready[0]);
    close(ready[0]);
    close(ready[1]);
    siginfo_t info = made_up(SIGUSR1, SI_USER);
    expect_errno("rt_sigqueueinfo(child, si_code SI_USER)", syscall(SYS_rt_sigqueueinfo, child, SIGUSR1, &info), EPERM);
    info = made_up(SIGUSR1, SI_TKILL);
    expect_errno("rt_sigqueueinfo(child, si_code SI_TKILL)", syscall(SYS_rt_sigqueueinfo, child, SIGUSR1, &info), EPERM);
    int fd = pidfd_open(child);
    info = made_up(SIGUSR1, SI_USER);
    expect_errno("pidfd_send_signal(child, info with SI_USER)", pidfd_send(fd, SIGUSR1, &info, 0), EPERM);
    info = made_up(SIGUSR2, SI_QUEUE);
    expect_errno("pidfd_send_signal(SIGUSR1, info for SIGUSR2)", pidfd_send(fd, SIGUSR1, &info, 0), EINVAL);
    expect_errno("pidfd_send_signal(flags 8)", pidfd_send(fd, 0, NULL, 8), EINVAL);
    expect_errno("pidfd_send_signal(flags 3)", pidfd_send(fd, 0, NULL, 3), EINVAL);
    info = made_up(SIGUSR1, SI_QUEUE);
    expect_long("pidfd_send_signal(child, info with SI_QUEUE)", pidfd_send(fd, SIGUSR1, &info, 0), 0);
    expect_reaped("  the child took it with si_code SI_QUEUE and the value", child, "exited 0");
    close(fd);

    // Towards the caller itself any si_code goes.
    static const int own[] = { SIGUSR2 };
    block_signals(own, 1);
    info = made_up(SIGUSR2, SI_USER);
    expect_long("rt_sigqueueinfo(getpid(), si_code SI_USER)", syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, &info), 0);
    siginfo_t got;
    expect("  taken with that si_code", took(SIGUSR2, SI_USER, getpid(), &got));
    info = made_up(SIGUSR2, SI_TKILL);
    expect_long("rt_tgsigqueueinfo(getpid(), gettid(), si_code SI_TKILL)",
        syscall(SYS_rt_tgsigqueueinfo, getpid(), thread_id(), SIGUSR2, &info), 0);
    expect("  taken with that si_code", took(SIGUSR2, SI_TKILL, getpid(), &got));
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGUSR2);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
}

static int drop_to_nobody(void)
{
    if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
        return -1;
    return 0;
}

// A child that becomes uid 65534 and tries its parent (root), a root sibling and a child of
// its own; each fact a bit of its exit code.
static void permissions(void)
{
    int hold[2];
    open_pipe(hold);
    pid_t sibling = fork_child();
    if (sibling == 0) {
        close(hold[1]);
        await(hold[0]);
        _exit(0);
    }
    pid_t parent = getpid();
    pid_t child = fork_child();
    if (child == 0) {
        close(hold[1]);
        if (drop_to_nobody() < 0)
            _exit(100);
        pid_t own = fork();
        if (own == 0) {
            await(hold[0]);
            _exit(0);
        }
        int bits = (kill(parent, 0) < 0 && errno == EPERM);
        bits |= (kill(sibling, SIGTERM) < 0 && errno == EPERM) << 1;
        bits |= (kill(parent, SIGCONT) == 0) << 2; // same session
        bits |= (kill(own, 0) == 0) << 3;
        union sigval value = { .sival_int = 1 };
        bits |= (sigqueue(parent, SIGUSR1, value) < 0 && errno == EPERM) << 4;
        bits |= (raw_tgkill(parent, parent, 0) < 0 && errno == EPERM) << 5;
        int fd = pidfd_open(parent);
        bits |= (fd >= 0 && pidfd_send(fd, 0, NULL, 0) < 0 && errno == EPERM) << 6;
        kill(own, SIGKILL);
        waitpid(own, NULL, 0);
        _exit(bits);
    }
    int status = wait_status(child, 0);
    int bits = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    if (bits == 100) {
        printf("as uid 65534: setup failed\n");
        bits = 0;
    }
    expect("as uid 65534: kill(root parent, 0) fails with EPERM", bits & 1);
    expect("as uid 65534: kill(root sibling, SIGTERM) fails with EPERM", bits & 2);
    expect("as uid 65534: kill(root parent, SIGCONT) in the same session", bits & 4);
    expect("as uid 65534: kill(its own child, 0)", bits & 8);
    expect("as uid 65534: sigqueue(root parent) fails with EPERM", bits & 16);
    expect("as uid 65534: tgkill(root parent) fails with EPERM", bits & 32);
    expect("as uid 65534: pidfd_send_signal(root parent) fails with EPERM", bits & 64);
    close(hold[0]);
    close(hold[1]);
    expect_reaped("the root sibling, not signalled", sibling, "exited 0");
}

int main(void)
{
    process_start(30);
    sender_identity();
    errors();
    thread_ids();
    zombie();
    forged_codes();
    permissions();
    return finish();
}
