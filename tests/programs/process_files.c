// process_files: what a child shares with its parent and what it has of its own. Descriptors
// are inherited by fork and share the open file (offset, O_APPEND) while closing one closes
// only the child's; across execve they stay open unless close-on-exec (O_CLOEXEC,
// FD_CLOEXEC, dup3, F_DUPFD_CLOEXEC, pipe2); a file a child writes is there for the parent at
// once, before the child exits; directories made and removed by separate processes; the cwd
// and the umask are per process and survive execve; record locks belong to a process and
// flock locks to an open file. Works in /tmp/process_files.PID.
//
// `process_files fds` is the exec'd half: it prints which descriptors it was given.
#include "process_test.h"

#include <sys/file.h>

static const char* self;

// The exec'd half: descriptors 0-12, whether each is open and close-on-exec, its offset
// and O_APPEND; reads fd 3 from where the parent left it and writes to fd 7 (a pipe).
static int list_fds(void)
{
    for (int fd = 0; fd <= 12; ++fd) {
        int flags = fcntl(fd, F_GETFD);
        if (flags < 0) {
            printf("fds: %d closed\n", fd);
            continue;
        }
        printf("fds: %d open cloexec %d", fd, !!(flags & FD_CLOEXEC));
        if (fd >= 3) {
            long offset = lseek(fd, 0, SEEK_CUR);
            if (offset >= 0)
                printf(" offset %ld", offset);
            printf(" append %d", !!(fcntl(fd, F_GETFL) & O_APPEND));
        }
        printf("\n");
    }
    char buffer[16] = "";
    long n = read(3, buffer, sizeof buffer);
    print_read("fds: read fd 3 at the inherited offset", n, buffer);
    check("fds: write to the inherited pipe fd 7", write(7, "from the exec'd program", 23));
    char cwd[4096];
    const char* base = getcwd(cwd, sizeof cwd) ? strrchr(cwd, '/') + 1 : "?";
    mode_t mask = umask(0);
    printf("fds: cwd ends in %s, umask %03o\n", base, (unsigned)mask);
    fflush(stdout);
    return 0;
}

static void shared_offset(void)
{
    int fd = open("shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "abc", 3);
    pid_t child = fork_child();
    if (child == 0) {
        write(fd, "def", 3);
        fcntl(fd, F_SETFL, O_APPEND);
        lseek(fd, 1, SEEK_SET);
        close(fd);
        _exit(fcntl(fd, F_GETFD) < 0 && errno == EBADF ? 0 : 1);
    }
    expect_reaped("child wrote, set O_APPEND, seeked to 1 and closed", child, "exited 0");
    expect_long("the parent's offset after the child's lseek", lseek(fd, 0, SEEK_CUR), 1);
    expect("the child's F_SETFL O_APPEND shows in the parent", fcntl(fd, F_GETFL) & O_APPEND);
    expect("the child's close left the parent's descriptor open", fcntl(fd, F_GETFD) >= 0);
    write(fd, "g", 1); // O_APPEND: at the end whatever the offset
    close(fd);
    print_file("shared file", "shared");
}

static void visible_at_once(void)
{
    int written[2], done[2];
    open_pipe(written);
    open_pipe(done);
    pid_t child = fork_child();
    if (child == 0) {
        close(written[0]);
        close(done[1]);
        int ok = write_file("from-child", "written by the child\n") == 0;
        post(written[1]);
        await(done[0]); // stay alive until the parent has looked
        _exit(ok ? 0 : 1);
    }
    close(written[1]);
    close(done[0]);
    await(written[0]);
    print_file("a file the child wrote, read while it still runs", "from-child");
    post(done[1]);
    expect_reaped("child", child, "exited 0");
    close(written[0]);
    close(done[1]);
    unlink("from-child");
}

static void directories_by_turns(void)
{
    static const char* const steps[] = { "mkdir d", "create d/f", "rename d/f to d/g", "unlink d/g", "rmdir d" };
    for (int step = 0; step < 5; ++step) {
        pid_t child = fork_child();
        if (child == 0) {
            int result = step == 0 ? mkdir("d", 0755)
                : step == 1        ? write_file("d/f", "x")
                : step == 2        ? rename("d/f", "d/g")
                : step == 3        ? unlink("d/g")
                                   : rmdir("d");
            _exit(result == 0 ? 0 : errno);
        }
        int status = wait_status(child, 0);
        printf("child %d: %s: %s", step + 1, steps[step], status_text(status));
        struct stat st;
        printf(", then the parent sees d %s, d/f %s, d/g %s\n", stat("d", &st) == 0 ? "yes" : "no",
            stat("d/f", &st) == 0 ? "yes" : "no", stat("d/g", &st) == 0 ? "yes" : "no");
        if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
            process_failures++;
    }
}

static void cwd_and_umask(void)
{
    char before[4096], after[4096];
    getcwd(before, sizeof before);
    umask(022);
    pid_t child = fork_child();
    if (child == 0) {
        umask(077);
        if (mkdir("sub", 0777) < 0 || chdir("sub") < 0 || write_file("made-in-sub", "x") < 0)
            _exit(1);
        struct stat st;
        stat("made-in-sub", &st);
        _exit((st.st_mode & 0777) == 0600 ? 0 : 2);
    }
    expect_reaped("child: umask 077, mkdir sub, chdir sub, create a file", child, "exited 0");
    getcwd(after, sizeof after);
    expect("the parent's cwd did not move", strcmp(before, after) == 0);
    mode_t mask = umask(022);
    printf("the parent's umask: %03o\n", (unsigned)mask);
    if (mask != 022)
        process_failures++;
    stat_path("sub (made with the child's umask 077)", "sub");
    stat_path("sub/made-in-sub", "sub/made-in-sub");
    unlink("sub/made-in-sub");
    rmdir("sub");
}

static void across_exec(void)
{
    write_file("numbers", "0123456789");
    int plain = open("numbers", O_RDONLY);            // 3
    int cloexec = open("numbers", O_RDONLY | O_CLOEXEC); // 4
    int dup_marked = dup(plain);                      // 5, FD_CLOEXEC set below
    fcntl(dup_marked, F_SETFD, FD_CLOEXEC);
    int dup3_fd = dup3(plain, 6, O_CLOEXEC);          // 6
    int p[2];
    open_pipe(p); // 7 (read), 8 (write)
    int pipe_write = dup2(p[1], 10);                  // 10: kept
    close(p[1]);
    dup2(p[0], 11);
    close(p[0]);
    int read_end = 11;
    fcntl(read_end, F_SETFD, FD_CLOEXEC);
    int dupfd_cloexec = fcntl(plain, F_DUPFD_CLOEXEC, 12); // 12
    int q[2];
    pipe2(q, O_CLOEXEC); // 7, 8
    int append = open("numbers", O_WRONLY | O_APPEND); // 9
    lseek(plain, 4, SEEK_SET);
    printf("descriptors: plain %d, O_CLOEXEC %d, dup+FD_CLOEXEC %d, dup3 O_CLOEXEC %d, pipe2 O_CLOEXEC %d %d, O_APPEND %d, pipe write end %d, read end %d, F_DUPFD_CLOEXEC %d\n",
        plain, cloexec, dup_marked, dup3_fd, q[0], q[1], append, pipe_write, read_end, dupfd_cloexec);
    mkdir("cwd-for-exec", 0755);
    pid_t child = fork_child();
    if (child == 0) {
        // The exec'd program writes to its fd 7: make that the pipe's write end.
        dup2(pipe_write, 7);
        close(pipe_write);
        chdir("cwd-for-exec");
        umask(027);
        char* argv[] = { (char*)self, "fds", NULL };
        char* env[] = { NULL };
        execve(self, argv, env);
        _exit(127);
    }
    close(pipe_write);
    char message[64] = "";
    long n = read_full(read_end, message, sizeof message);
    expect_reaped("exec'd child", child, "exited 0");
    print_read("the parent read from the pipe", n, message);
    printf("the parent's fd 3 offset after the child read to the end: %ld\n", lseek(plain, 0, SEEK_CUR));
    for (int fd = 3; fd <= 12; ++fd)
        close(fd);
    rmdir("cwd-for-exec");
    unlink("numbers");
}

static void record_and_flock_locks(void)
{
    int fd = open("locked", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5 };
    expect_ok("parent F_SETLK write lock on bytes 0-4", fcntl(fd, F_SETLK, &lock));
    expect_ok("parent flock LOCK_EX", flock(fd, LOCK_EX | LOCK_NB));
    pid_t parent = getpid();
    pid_t child = fork_child();
    if (child == 0) {
        int bits = 0;
        struct flock probe = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 1 };
        if (fcntl(fd, F_SETLK, &probe) < 0 && (errno == EAGAIN || errno == EACCES))
            bits |= 1; // record locks are not inherited: the parent's still excludes the child
        probe.l_type = F_WRLCK;
        if (fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type == F_WRLCK && probe.l_pid == parent)
            bits |= 2;
        probe = (struct flock) { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 5 };
        if (fcntl(fd, F_SETLK, &probe) == 0)
            bits |= 4;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            bits |= 8; // the same open file: the flock lock is shared
        int other = open("locked", O_RDWR);
        if (flock(other, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
            bits |= 16;
        _exit(bits);
    }
    int status = wait_status(child, 0);
    int bits = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    expect("child: F_SETLK on the parent's bytes fails", bits & 1);
    expect("child: F_GETLK names the parent as the holder", bits & 2);
    expect("child: F_SETLK on bytes 5-9 succeeds", bits & 4);
    expect("child: flock on the inherited descriptor succeeds", bits & 8);
    expect("child: flock on a new open fails with EWOULDBLOCK", bits & 16);
    struct flock probe = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 5 };
    fcntl(fd, F_GETLK, &probe);
    expect("the child's record lock went away when it exited", probe.l_type == F_UNLCK);
    close(fd);
    unlink("locked");
}

int main(int argc, char** argv)
{
    if (argc == 2 && !strcmp(argv[1], "fds"))
        return list_fds();
    process_start(30);
    if (argv[0][0] != '/') {
        printf("setup: run this program by its absolute path\n");
        return 2;
    }
    self = argv[0];
    if (enter_workdir("process_files") < 0)
        return 1;
    shared_offset();
    visible_at_once();
    directories_by_turns();
    cwd_and_umask();
    across_exec();
    record_and_flock_locks();
    leave_workdir();
    return finish();
}
