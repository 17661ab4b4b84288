// process_pidfd: process file descriptors. pidfd_open of a child (close-on-exec), poll on it
// not readable while the child runs and readable (POLLIN) once it exits, waking a poll that
// waits; waitid(P_PIDFD) reaping through it, and EAGAIN for a PIDFD_NONBLOCK one whose child
// still runs; pidfd_send_signal to a running child and to a zombie, ESRCH once reaped;
// clone3 with CLONE_PIDFD; the errors (ESRCH for no such process, EINVAL for bad flags and
// pids, EBADF for a descriptor that is not a pidfd). Raw syscalls: musl has no wrappers.
#include "process_test.h"

#include <poll.h>
#include <time.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define PIDFD_NONBLOCK_FLAG O_NONBLOCK
#define CLONE_PIDFD_FLAG 0x00001000

static int pidfd_open(pid_t pid, unsigned flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }

static int pidfd_send_signal(int fd, int signo) { return (int)syscall(SYS_pidfd_send_signal, fd, signo, NULL, 0); }

// poll(FD, POLLIN, TIMEOUT) as "N revents [POLLIN]".
static int poll_readable(const char* label, int fd, int timeout, int wanted)
{
    struct pollfd poller = { fd, POLLIN, 0 };
    int n = poll(&poller, 1, timeout);
    printf("%s: %d%s\n", label, n, poller.revents & POLLIN ? " POLLIN" : "");
    if (n != wanted || !!(poller.revents & POLLIN) != wanted)
        process_failures++;
    return n;
}

static pid_t held_child(int* release)
{
    int p[2];
    open_pipe(p);
    pid_t child = fork_child();
    if (child == 0) {
        close(p[1]);
        _exit(await(p[0]) ? 0 : 1);
    }
    close(p[0]);
    *release = p[1];
    return child;
}

static void poll_and_reap(void)
{
    int release;
    pid_t child = held_child(&release);
    int fd = pidfd_open(child, 0);
    expect_ok("pidfd_open(child, 0)", fd);
    expect("  close-on-exec", fcntl(fd, F_GETFD) == FD_CLOEXEC);
    poll_readable("poll while the child runs", fd, 0, 0);
    post(release);
    close(release);
    poll_readable("poll until it exits", fd, 10000, 1);
    poll_readable("poll again (still a zombie)", fd, 0, 1);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int result = waitid(P_PIDFD, fd, &info, WEXITED);
    printf("waitid(P_PIDFD): %d si_code %s si_status %d si_pid is the child %s\n", result,
        info.si_code == CLD_EXITED ? "CLD_EXITED" : "other", info.si_status, info.si_pid == child ? "yes" : "no");
    if (result != 0 || info.si_code != CLD_EXITED || info.si_pid != child)
        process_failures++;
    expect_errno("waitpid(child) after that", waitpid(child, NULL, WNOHANG), ECHILD);
    close(fd);

    // A waiting poll woken by the exit of a child that lives 30 ms.
    child = fork_child();
    if (child == 0) {
        struct timespec pause = { 0, 30 * 1000 * 1000 };
        nanosleep(&pause, NULL);
        _exit(2);
    }
    fd = pidfd_open(child, 0);
    poll_readable("poll for a child that exits 30 ms later", fd, 10000, 1);
    expect_reaped("  then waitpid", child, "exited 2");
    close(fd);

    child = held_child(&release);
    fd = pidfd_open(child, PIDFD_NONBLOCK_FLAG);
    expect_ok("pidfd_open(child, PIDFD_NONBLOCK)", fd);
    expect_errno("  waitid(P_PIDFD, WEXITED) while it runs", waitid(P_PIDFD, fd, &info, WEXITED), EAGAIN);
    post(release);
    close(release);
    poll_readable("  poll until it exits", fd, 10000, 1);
    expect_long("  waitid(P_PIDFD, WEXITED) then", waitid(P_PIDFD, fd, &info, WEXITED), 0);
    close(fd);
}

static void signals(void)
{
    int release;
    pid_t child = held_child(&release);
    int fd = pidfd_open(child, 0);
    expect_long("pidfd_send_signal(SIGTERM) to a running child", pidfd_send_signal(fd, SIGTERM), 0);
    poll_readable("  poll", fd, 10000, 1);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    waitid(P_PID, child, &info, WEXITED | WNOWAIT);
    expect_long("pidfd_send_signal(0) to the zombie", pidfd_send_signal(fd, 0), 0);
    expect_reaped("  the child", child, "killed by SIGTERM");
    expect_errno("pidfd_send_signal(SIGTERM) once reaped", pidfd_send_signal(fd, SIGTERM), ESRCH);
    poll_readable("poll once reaped", fd, 0, 1);
    close(fd);
    close(release);
}

static void clone3_pidfd(void)
{
    struct {
        uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    } args;
    memset(&args, 0, sizeof args);
    int fd = -1;
    args.flags = CLONE_PIDFD_FLAG;
    args.pidfd = (uint64_t)(uintptr_t)&fd;
    args.exit_signal = SIGCHLD;
    fflush(stdout);
    long child = syscall(SYS_clone3, &args, sizeof args);
    if (child == 0)
        syscall(SYS_exit_group, 6);
    expect("clone3(CLONE_PIDFD) returns a child and a descriptor", child > 0 && fd >= 0);
    poll_readable("  poll", fd, 10000, 1);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    expect_long("  waitid(P_PIDFD)", waitid(P_PIDFD, fd, &info, WEXITED), 0);
    expect_long("  si_status", info.si_status, 6);
    close(fd);
}

static void errors(void)
{
    pid_t child = fork_child();
    if (child == 0)
        _exit(0);
    wait_status(child, 0);
    expect_errno("pidfd_open(1 << 30, 0): no such process", pidfd_open(1 << 30, 0), ESRCH);
    expect_errno("pidfd_open(a reaped child, 0)", pidfd_open(child, 0), ESRCH);
    expect_errno("pidfd_open(getpid(), 1)", pidfd_open(getpid(), 1), EINVAL);
    expect_errno("pidfd_open(-1, 0)", pidfd_open(-1, 0), EINVAL);
    expect_errno("pidfd_open(0, 0)", pidfd_open(0, 0), EINVAL);
    int self = pidfd_open(getpid(), 0);
    expect_ok("pidfd_open(getpid(), 0)", self);
    poll_readable("  poll on our own", self, 0, 0);
    close(self);
    int p[2];
    open_pipe(p);
    expect_errno("pidfd_send_signal(a pipe)", pidfd_send_signal(p[0], SIGTERM), EBADF);
    siginfo_t info;
    expect_errno("waitid(P_PIDFD, a pipe)", waitid(P_PIDFD, p[0], &info, WEXITED), EBADF);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    process_start(30);
    poll_and_reap();
    signals();
    clone3_pidfd();
    errors();
    return finish();
}
