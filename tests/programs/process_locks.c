// process_locks: advisory file locks between processes. fcntl record locks belong to a
// process: F_SETLKW waits until the holder unlocks (a signal ends the wait with EINTR, or
// not at all under SA_RESTART; a circle of waiters gets EDEADLK); F_GETLK names the first
// conflicting lock, its range and its holder; a process's own locks split and merge; closing
// any descriptor of the file drops them all (close, dup2 over it, close_range, the
// close-on-exec closes of execve, though not execve itself), and so does dying. OFD locks
// belong to an open file description and conflict between two opens in one process. flock
// locks belong to an open file description too: LOCK_SH shared by two processes, LOCK_EX
// waiting, a failed conversion that loses the old lock, the last close releasing.
// Works in /tmp/process_locks.PID.
//
// `process_locks hold` is the exec'd half: it posts on fd 20 and waits for a byte on fd 21.
#include "process_test.h"

#include <limits.h>
#include <poll.h>
#include <sys/file.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#endif

static const char* self;

static int lock_at(int fd, int command, short type, off_t start, off_t length)
{
    struct flock lock = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = length };
    return fcntl(fd, command, &lock);
}

// Whether a byte can be read from FD within MILLISECONDS.
static int readable(int fd, int milliseconds)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int n;
    do
        n = poll(&p, 1, milliseconds);
    while (n < 0 && errno == EINTR);
    return n == 1 && (p.revents & POLLIN);
}

// A lock as F_GETLK reports it; l_pid as "the holder" when it is HOLDER.
static void describe_lock(char* out, size_t size, const struct flock* lock, pid_t holder)
{
    if (lock->l_type == F_UNLCK) {
        snprintf(out, size, "unlocked");
        return;
    }
    const char* type = lock->l_type == F_RDLCK ? "read" : lock->l_type == F_WRLCK ? "write" : "?";
    const char* pid = lock->l_pid == holder ? "the holder" : lock->l_pid == -1 ? "-1" : "another";
    snprintf(out, size, "%s start %lld len %lld whence %d, l_pid %s", type, (long long)lock->l_start,
        (long long)lock->l_len, lock->l_whence, pid);
}

// "LABEL: TEXT"; TEXT other than WANTED is a failure.
static void expect_text(const char* label, const char* text, const char* wanted)
{
    printf("%s: %s\n", label, text);
    if (strcmp(text, wanted) != 0)
        process_failures++;
}

// What another process sees: a child does F_GETLK with TYPE over WHENCE/START/LEN on FD
// (inherited, so the same file) and sends back what it got.
static void child_sees(const char* label, int fd, short type, short whence, off_t start, off_t length, pid_t holder,
    const char* wanted)
{
    int p[2];
    open_pipe(p);
    pid_t child = fork_child();
    if (child == 0) {
        struct flock lock = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = length };
        char text[200];
        if (fcntl(fd, F_GETLK, &lock) < 0)
            snprintf(text, sizeof text, "-1 %s", errno_name(errno));
        else
            describe_lock(text, sizeof text, &lock, holder);
        write_full(p[1], text, (long)strlen(text));
        _exit(0);
    }
    close(p[1]);
    char text[200] = "";
    read_full(p[0], text, sizeof text - 1);
    close(p[0]);
    wait_status(child, 0);
    expect_text(label, text, wanted);
}

static int open_data(int flags)
{
    int fd = open("data", flags | O_CREAT, 0644);
    if (fd < 0) {
        printf("setup: open data: -1 %s\n", errno_name(errno));
        exit(2);
    }
    return fd;
}

static void ranges_and_getlk(void)
{
    int fd = open_data(O_RDWR | O_TRUNC);
    char bytes[200];
    memset(bytes, 'x', sizeof bytes);
    write(fd, bytes, sizeof bytes);
    pid_t me = getpid();
    expect_ok("write lock 0-99", lock_at(fd, F_SETLK, F_WRLCK, 0, 100));
    expect_ok("unlock 40-59", lock_at(fd, F_SETLK, F_UNLCK, 40, 20));
    expect_ok("read lock 60-69 (splits 60-99)", lock_at(fd, F_SETLK, F_RDLCK, 60, 10));
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_END, .l_start = -10, .l_len = 0 };
    expect_ok("write lock from SEEK_END-10 to the end", fcntl(fd, F_SETLK, &lock));
    lock = (struct flock) { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 150, .l_len = -10 };
    expect_ok("read lock l_start 150 l_len -10", fcntl(fd, F_SETLK, &lock));
    lseek(fd, 120, SEEK_SET);
    lock = (struct flock) { .l_type = F_WRLCK, .l_whence = SEEK_CUR, .l_start = 0, .l_len = 5 };
    expect_ok("write lock SEEK_CUR (120) len 5", fcntl(fd, F_SETLK, &lock));
    lock = (struct flock) { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    fcntl(fd, F_GETLK, &lock);
    char text[200];
    describe_lock(text, sizeof text, &lock, me);
    expect_text("own F_GETLK over the whole file", text, "unlocked");
    child_sees("child F_GETLK write from 0", fd, F_WRLCK, SEEK_SET, 0, 0, me, "write start 0 len 40 whence 0, l_pid the holder");
    child_sees("child F_GETLK write 40-59", fd, F_WRLCK, SEEK_SET, 40, 20, me, "unlocked");
    child_sees("child F_GETLK write from 40", fd, F_WRLCK, SEEK_SET, 40, 0, me, "read start 60 len 10 whence 0, l_pid the holder");
    child_sees("child F_GETLK read 60-69", fd, F_RDLCK, SEEK_SET, 60, 10, me, "unlocked");
    child_sees("child F_GETLK read from 61", fd, F_RDLCK, SEEK_SET, 61, 0, me, "write start 70 len 30 whence 0, l_pid the holder");
    child_sees("child F_GETLK write from 100", fd, F_WRLCK, SEEK_SET, 100, 0, me, "write start 120 len 5 whence 0, l_pid the holder");
    child_sees("child F_GETLK write from 125", fd, F_WRLCK, SEEK_SET, 125, 0, me, "read start 140 len 10 whence 0, l_pid the holder");
    child_sees("child F_GETLK write SEEK_END-20 len 5", fd, F_WRLCK, SEEK_END, -20, 5, me, "unlocked");
    child_sees("child F_GETLK write SEEK_END-5", fd, F_WRLCK, SEEK_END, -5, 0, me, "write start 190 len 0 whence 0, l_pid the holder");
    expect_ok("write lock 40-69 (merges 0-99 into one)", lock_at(fd, F_SETLK, F_WRLCK, 40, 30));
    child_sees("child F_GETLK write from 0", fd, F_WRLCK, SEEK_SET, 0, 0, me, "write start 0 len 100 whence 0, l_pid the holder");
    expect_ok("unlock everything", lock_at(fd, F_SETLK, F_UNLCK, 0, 0));
    child_sees("child F_GETLK write from 0", fd, F_WRLCK, SEEK_SET, 0, 0, me, "unlocked");
    close(fd);
}

static void bad_requests(void)
{
    int fd = open_data(O_RDWR);
    int read_only = open_data(O_RDONLY);
    int write_only = open_data(O_WRONLY);
    int path_only = open("data", O_PATH);
    expect_errno("F_SETLK write lock on an O_RDONLY descriptor", lock_at(read_only, F_SETLK, F_WRLCK, 0, 1), EBADF);
    expect_errno("F_SETLK read lock on an O_WRONLY descriptor", lock_at(write_only, F_SETLK, F_RDLCK, 0, 1), EBADF);
    expect_ok("F_SETLK read lock on an O_RDONLY descriptor", lock_at(read_only, F_SETLK, F_RDLCK, 0, 1));
    expect_ok("F_SETLK unlock on an O_WRONLY descriptor", lock_at(write_only, F_SETLK, F_UNLCK, 0, 1));
    expect_errno("F_SETLK on an O_PATH descriptor", lock_at(path_only, F_SETLK, F_UNLCK, 0, 1), EBADF);
    expect_errno("F_SETLK l_type 7", lock_at(fd, F_SETLK, 7, 0, 1), EINVAL);
    expect_errno("F_SETLK l_start -1", lock_at(fd, F_SETLK, F_WRLCK, -1, 1), EINVAL);
    expect_errno("F_SETLK l_start 5 l_len -10", lock_at(fd, F_SETLK, F_WRLCK, 5, -10), EINVAL);
    expect_errno("F_SETLK l_start LLONG_MAX l_len 2", lock_at(fd, F_SETLK, F_WRLCK, LLONG_MAX, 2), EOVERFLOW);
    struct flock lock = { .l_type = F_WRLCK, .l_whence = 9, .l_start = 0, .l_len = 1 };
    expect_errno("F_SETLK l_whence 9", fcntl(fd, F_SETLK, &lock), EINVAL);
    lock = (struct flock) { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
    expect_errno("F_GETLK asking about F_UNLCK", fcntl(fd, F_GETLK, &lock), EINVAL);
    lock = (struct flock) { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1 };
    expect_errno("F_OFD_SETLK with l_pid 1", fcntl(fd, F_OFD_SETLK, &lock), EINVAL);
    expect_errno("F_OFD_GETLK with l_pid 1", fcntl(fd, F_OFD_GETLK, &lock), EINVAL);
    expect_errno("flock operation 0", flock(fd, 0), EINVAL);
    expect_errno("flock LOCK_SH|LOCK_EX", flock(fd, LOCK_SH | LOCK_EX), EINVAL);
    expect_errno("flock on a closed descriptor", flock(99, LOCK_SH), EBADF);
    expect_errno("flock on an O_PATH descriptor", flock(path_only, LOCK_SH), EBADF);
    close(fd);
    close(read_only);
    close(write_only);
    close(path_only);
}

static void setlkw_waits(void)
{
    int fd = open_data(O_RDWR);
    pid_t me = getpid();
    expect_ok("parent: write lock 0-9", lock_at(fd, F_SETLK, F_WRLCK, 0, 10));
    int ready[2], got[2], go[2];
    open_pipe(ready);
    open_pipe(got);
    open_pipe(go);
    pid_t child = fork_child();
    if (child == 0) {
        int bits = 0;
        if (lock_at(fd, F_SETLK, F_WRLCK, 5, 10) < 0 && errno == EAGAIN)
            bits |= 1;
        post(ready[1]);
        if (lock_at(fd, F_SETLKW, F_WRLCK, 5, 10) == 0)
            bits |= 2;
        post(got[1]);
        await(go[0]);
        _exit(bits == 3 ? 0 : bits + 10);
    }
    await(ready[0]);
    usleep(100000);
    expect("the child waits in F_SETLKW on 5-14 while the parent holds 0-9", !readable(got[0], 100));
    expect_ok("parent: write lock 20-29 meanwhile", lock_at(fd, F_SETLK, F_WRLCK, 20, 10));
    expect("the child still waits", !readable(got[0], 50));
    expect_ok("parent: unlock 0-9", lock_at(fd, F_SETLK, F_UNLCK, 0, 10));
    expect("the child's F_SETLKW returned", readable(got[0], 10000));
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    fcntl(fd, F_GETLK, &lock);
    char text[200];
    describe_lock(text, sizeof text, &lock, child);
    expect_text("parent F_GETLK from 0", text, "write start 5 len 10 whence 0, l_pid the holder");
    expect_errno("parent: F_SETLK on 14", lock_at(fd, F_SETLK, F_RDLCK, 14, 1), EAGAIN);
    post(go[1]);
    expect_reaped("child", child, "exited 0");
    expect_ok("parent: F_SETLK on 14 once the child is gone", lock_at(fd, F_SETLK, F_RDLCK, 14, 1));
    child_sees("another child F_GETLK from 0", fd, F_WRLCK, SEEK_SET, 0, 0, me, "read start 14 len 1 whence 0, l_pid the holder");

    // A killed holder's locks go too.
    child = fork_child();
    if (child == 0) {
        lock_at(fd, F_SETLK, F_WRLCK, 100, 10);
        post(ready[1]);
        pause();
        _exit(0);
    }
    await(ready[0]);
    expect_errno("parent: F_SETLK on the child's 100-109", lock_at(fd, F_SETLK, F_WRLCK, 100, 10), EAGAIN);
    kill(child, SIGKILL);
    expect_reaped("child", child, "killed by SIGKILL");
    expect_ok("parent: F_SETLK on 100-109 once the child is killed", lock_at(fd, F_SETLK, F_WRLCK, 100, 10));
    for (int i = 0; i < 2; ++i) {
        close(ready[i]);
        close(got[i]);
        close(go[i]);
    }
    close(fd);
}

static int handled[2];
static void on_usr1(int signo)
{
    (void)signo;
    post(handled[1]);
}

// A signal for a process waiting in F_SETLKW: EINTR, or with SA_RESTART a wait that goes on.
static void setlkw_and_signals(void)
{
    int fd = open_data(O_RDWR);
    expect_ok("parent: write lock 0-9", lock_at(fd, F_SETLK, F_WRLCK, 0, 10));
    int ready[2], got[2];
    open_pipe(ready);
    open_pipe(got);
    open_pipe(handled);
    for (int restart = 0; restart <= 1; ++restart) {
        pid_t child = fork_child();
        if (child == 0) {
            struct sigaction action;
            memset(&action, 0, sizeof action);
            action.sa_handler = on_usr1;
            action.sa_flags = restart ? SA_RESTART : 0;
            sigaction(SIGUSR1, &action, NULL);
            post(ready[1]);
            int result = lock_at(fd, F_SETLKW, F_WRLCK, 0, 1);
            int saved = errno;
            post(got[1]);
            if (restart)
                _exit(result == 0 ? 0 : 1);
            _exit(result < 0 && saved == EINTR ? 0 : 1);
        }
        await(ready[0]);
        usleep(100000);
        kill(child, SIGUSR1);
        expect("the child's handler ran", await(handled[0]));
        if (restart) {
            expect("SA_RESTART: the child still waits after its handler", !readable(got[0], 100));
            expect_ok("parent: unlock 0-9", lock_at(fd, F_SETLK, F_UNLCK, 0, 10));
            expect("SA_RESTART: the child's F_SETLKW returned once unlocked", readable(got[0], 10000));
            expect_reaped("child (SA_RESTART): got the lock", child, "exited 0");
        } else {
            expect("no SA_RESTART: the child's F_SETLKW returned", readable(got[0], 10000));
            expect_reaped("child (no SA_RESTART): F_SETLKW failed with EINTR", child, "exited 0");
        }
        char byte;
        read(got[0], &byte, 1);
    }
    for (int i = 0; i < 2; ++i) {
        close(ready[i]);
        close(got[i]);
        close(handled[i]);
    }
    close(fd);
}

// The parent holds byte 0, the child byte 1 and waits for byte 0: the parent asking to wait
// for byte 1 would never end.
static void deadlock(void)
{
    int fd = open_data(O_RDWR);
    expect_ok("parent: write lock on byte 0", lock_at(fd, F_SETLK, F_WRLCK, 0, 1));
    int ready[2];
    open_pipe(ready);
    pid_t child = fork_child();
    if (child == 0) {
        lock_at(fd, F_SETLK, F_WRLCK, 1, 1);
        post(ready[1]);
        _exit(lock_at(fd, F_SETLKW, F_WRLCK, 0, 1) == 0 ? 0 : 1);
    }
    await(ready[0]);
    usleep(200000);
    expect_errno("parent: F_SETLKW on the child's byte 1", lock_at(fd, F_SETLKW, F_WRLCK, 1, 1), EDEADLK);
    expect_errno("parent: F_SETLK on the child's byte 1", lock_at(fd, F_SETLK, F_WRLCK, 1, 1), EAGAIN);
    expect_ok("parent: unlock byte 0", lock_at(fd, F_SETLK, F_UNLCK, 0, 1));
    expect_reaped("child: F_SETLKW on byte 0 got it", child, "exited 0");
    close(ready[0]);
    close(ready[1]);
    close(fd);
}

// Every close of a descriptor of the file drops the process's record locks on it.
static void closes_drop_locks(void)
{
    int fd = open_data(O_RDWR);
    pid_t me = getpid();
    const char* held = "write start 0 len 10 whence 0, l_pid the holder";
    lock_at(fd, F_SETLK, F_WRLCK, 0, 10);
    int other = open_data(O_RDONLY);
    close(other);
    child_sees("after close of another open of the file", fd, F_WRLCK, SEEK_SET, 0, 0, me, "unlocked");
    lock_at(fd, F_SETLK, F_WRLCK, 0, 10);
    int dup_fd = dup(fd);
    close(dup_fd);
    child_sees("after close of a dup", fd, F_WRLCK, SEEK_SET, 0, 0, me, "unlocked");
    lock_at(fd, F_SETLK, F_WRLCK, 0, 10);
    int unrelated = open("unrelated", O_RDWR | O_CREAT, 0644);
    close(unrelated);
    child_sees("after close of another file", fd, F_WRLCK, SEEK_SET, 0, 0, me, held);
    dup_fd = dup(fd);
    unrelated = open("unrelated", O_RDWR);
    dup2(unrelated, dup_fd);
    child_sees("after dup2 over a dup", fd, F_WRLCK, SEEK_SET, 0, 0, me, "unlocked");
    close(dup_fd);
    close(unrelated);
    lock_at(fd, F_SETLK, F_WRLCK, 0, 10);
    other = open_data(O_RDONLY);
    expect_ok("close_range over another open of the file", syscall(SYS_close_range, other, other, 0));
    child_sees("after close_range", fd, F_WRLCK, SEEK_SET, 0, 0, me, "unlocked");
    close(fd);
    unlink("unrelated");
}

// The exec'd half.
static int hold(void)
{
    post(20);
    await(21);
    return 0;
}

// Record locks survive execve; the close-on-exec closes drop them.
static void across_exec(void)
{
    int fd = open_data(O_RDWR);
    int ready[2], go[2];
    open_pipe(ready);
    open_pipe(go);
    for (int cloexec = 0; cloexec <= 1; ++cloexec) {
        pid_t child = fork_child();
        if (child == 0) {
            dup2(ready[1], 20);
            dup2(go[0], 21);
            lock_at(fd, F_SETLK, F_WRLCK, 0, 10);
            if (cloexec)
                open("data", O_RDONLY | O_CLOEXEC);
            char* argv[] = { (char*)self, "hold", NULL };
            char* env[] = { NULL };
            execve(self, argv, env);
            _exit(127);
        }
        await(ready[0]);
        struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
        fcntl(fd, F_GETLK, &lock);
        char text[200];
        describe_lock(text, sizeof text, &lock, child);
        if (cloexec)
            expect_text("the child's lock after execve closed an O_CLOEXEC open of the file", text, "unlocked");
        else
            expect_text("the child's lock after execve", text, "write start 0 len 10 whence 0, l_pid the holder");
        post(go[1]);
        expect_reaped("exec'd child", child, "exited 0");
    }
    for (int i = 0; i < 2; ++i) {
        close(ready[i]);
        close(go[i]);
    }
    close(fd);
}

// OFD locks: owned by the open file description.
static void ofd_locks(void)
{
    int a = open_data(O_RDWR);
    int b = open_data(O_RDWR);
    pid_t me = getpid();
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    expect_ok("F_OFD_SETLK write 0-9 on open a", fcntl(a, F_OFD_SETLK, &lock));
    lock = (struct flock) { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 10 };
    expect_errno("F_OFD_SETLK write 5-14 on open b", fcntl(b, F_OFD_SETLK, &lock), EAGAIN);
    lock = (struct flock) { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 10 };
    expect_ok("F_OFD_SETLK read 10-19 on open b", fcntl(b, F_OFD_SETLK, &lock));
    lock = (struct flock) { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    fcntl(b, F_OFD_GETLK, &lock);
    char text[200];
    describe_lock(text, sizeof text, &lock, me);
    expect_text("F_OFD_GETLK on open b", text, "write start 0 len 10 whence 0, l_pid -1");
    lock = (struct flock) { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    fcntl(a, F_OFD_GETLK, &lock);
    describe_lock(text, sizeof text, &lock, me);
    expect_text("F_OFD_GETLK on open a", text, "read start 10 len 10 whence 0, l_pid -1");
    expect_errno("the process's own F_SETLK on byte 0", lock_at(a, F_SETLK, F_RDLCK, 0, 1), EAGAIN);
    lock = (struct flock) { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    fcntl(a, F_GETLK, &lock);
    describe_lock(text, sizeof text, &lock, me);
    expect_text("the process's own F_GETLK", text, "write start 0 len 10 whence 0, l_pid -1");

    // Another process waits in F_OFD_SETLKW on a description of its own.
    int ready[2], got[2];
    open_pipe(ready);
    open_pipe(got);
    pid_t child = fork_child();
    if (child == 0) {
        close(a); // else the description would outlive the parent's closes
        close(b);
        int c = open_data(O_RDWR);
        post(ready[1]);
        struct flock wanted = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5 };
        int result = fcntl(c, F_OFD_SETLKW, &wanted);
        post(got[1]);
        _exit(result == 0 ? 0 : 1);
    }
    await(ready[0]);
    usleep(100000);
    expect("another process waits in F_OFD_SETLKW", !readable(got[0], 100));
    int kept = dup(a);
    close(a);
    expect("closing one of two descriptors keeps the description's lock", !readable(got[0], 100));
    close(kept);
    expect("the description's last close lets the waiter in", readable(got[0], 10000));
    expect_reaped("child", child, "exited 0");
    lock = (struct flock) { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    expect_ok("F_OFD_SETLK write 0-9 on open b once the child is gone", fcntl(b, F_OFD_SETLK, &lock));
    close(b);
    for (int i = 0; i < 2; ++i) {
        close(ready[i]);
        close(got[i]);
    }
}

static void flock_locks(void)
{
    int a = open_data(O_RDONLY);
    int ready[2], go[2], got[2];
    open_pipe(ready);
    open_pipe(go);
    open_pipe(got);
    expect_ok("parent: LOCK_SH", flock(a, LOCK_SH | LOCK_NB));
    pid_t child = fork_child();
    if (child == 0) {
        int bits = 0;
        int b = open_data(O_RDONLY);
        if (flock(b, LOCK_SH | LOCK_NB) == 0)
            bits |= 1;
        post(ready[1]);
        await(go[0]);
        if (flock(b, LOCK_EX | LOCK_NB) == 0)
            bits |= 2; // the parent's failed conversion lost its LOCK_SH
        post(ready[1]);
        await(go[0]);
        _exit(bits == 3 ? 0 : bits + 10);
    }
    await(ready[0]);
    int c = open_data(O_RDONLY);
    expect_ok("parent: LOCK_SH on another open, with the child's LOCK_SH", flock(c, LOCK_SH | LOCK_NB));
    flock(c, LOCK_UN);
    expect_errno("parent: LOCK_EX|LOCK_NB while the child holds LOCK_SH", flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    post(go[1]);
    await(ready[0]);
    expect_errno("parent: LOCK_SH|LOCK_NB while the child holds LOCK_EX", flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    post(go[1]);
    expect_reaped("child: LOCK_SH beside the parent's, then LOCK_EX after the parent's failed conversion", child, "exited 0");
    expect_ok("parent: LOCK_EX once the child is gone", flock(a, LOCK_EX | LOCK_NB));

    // LOCK_EX without LOCK_NB waits.
    child = fork_child();
    if (child == 0) {
        int b = open_data(O_RDONLY);
        post(ready[1]);
        int result = flock(b, LOCK_EX);
        post(got[1]);
        _exit(result == 0 ? 0 : 1);
    }
    await(ready[0]);
    usleep(100000);
    expect("the child waits in flock LOCK_EX", !readable(got[0], 100));
    expect_ok("parent: LOCK_UN", flock(a, LOCK_UN));
    expect("the child's flock returned", readable(got[0], 10000));
    expect_reaped("child", child, "exited 0");

    // Locks of a description that fork shares: the child's LOCK_UN is the parent's too.
    expect_ok("parent: LOCK_EX", flock(a, LOCK_EX | LOCK_NB));
    child = fork_child();
    if (child == 0)
        _exit(flock(a, LOCK_EX | LOCK_NB) == 0 && flock(a, LOCK_UN) == 0 ? 0 : 1);
    expect_reaped("child: LOCK_EX and LOCK_UN on the inherited descriptor", child, "exited 0");
    expect_ok("parent: LOCK_EX on another open after the child's LOCK_UN", flock(c, LOCK_EX | LOCK_NB));
    int kept = dup(c);
    close(c);
    expect_errno("parent: LOCK_SH on the first open while a dup keeps the lock", flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    close(kept);
    expect_ok("parent: LOCK_SH after the last close of the holder", flock(a, LOCK_SH | LOCK_NB));
    close(a);
    for (int i = 0; i < 2; ++i) {
        close(ready[i]);
        close(go[i]);
        close(got[i]);
    }
}

int main(int argc, char** argv)
{
    if (argc == 2 && !strcmp(argv[1], "hold"))
        return hold();
    process_start(60);
    if (argv[0][0] != '/') {
        printf("setup: run this program by its absolute path\n");
        return 2;
    }
    self = argv[0];
    if (enter_workdir("process_locks") < 0)
        return 1;
    ranges_and_getlk();
    bad_requests();
    setlkw_waits();
    setlkw_and_signals();
    deadlock();
    closes_drop_locks();
    across_exec();
    ofd_locks();
    flock_locks();
    leave_workdir();
    return finish();
}
