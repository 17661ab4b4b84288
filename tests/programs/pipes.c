// pipes.c: pipes and FIFOs within one process: pipe/pipe2 and their flags, reads and
// writes across, short reads, O_NONBLOCK (EAGAIN), the 64 KiB default capacity,
// F_GETPIPE_SZ/F_SETPIPE_SZ, ESPIPE on lseek/pread/pwrite, poll and select, FIONREAD,
// EOF after the writer closes, EPIPE after the reader closes (SIGPIPE ignored), fstat of
// a pipe, and a FIFO made with mkfifo under /tmp. One line per check.
#include "probe.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/select.h>

static void print_poll(const char* label, int fd, short events)
{
    struct pollfd p = { fd, events, 0 };
    int n = poll(&p, 1, 0);
    if (n < 0) {
        printf("%s: -1 %s\n", label, errno_name(errno));
        return;
    }
    printf("%s: %d revents%s%s%s%s%s\n", label, n, p.revents & POLLIN ? " POLLIN" : "",
        p.revents & POLLOUT ? " POLLOUT" : "", p.revents & POLLHUP ? " POLLHUP" : "",
        p.revents & POLLERR ? " POLLERR" : "", p.revents & POLLNVAL ? " POLLNVAL" : "");
}

static void print_fionread(const char* label, int fd)
{
    int count = -1;
    if (ioctl(fd, FIONREAD, &count) < 0)
        printf("%s: -1 %s\n", label, errno_name(errno));
    else
        printf("%s: %d\n", label, count);
}

int main(void)
{
    probe_start();
    signal(SIGPIPE, SIG_IGN);
    char buffer[70000];
    long n;
    int p[2];

    check("pipe", pipe(p));
    printf("  fds %d %d\n", p[0], p[1]);
    struct stat st;
    fstat(p[0], &st);
    printf("  fstat read end: %s mode %04o size %lld\n", file_type(st.st_mode), (unsigned)(st.st_mode & 0777), (long long)st.st_size);
    int flags = fcntl(p[0], F_GETFL);
    printf("  read end: accmode %d nonblock %d\n", flags & O_ACCMODE, !!(flags & O_NONBLOCK));
    flags = fcntl(p[1], F_GETFL);
    printf("  write end: accmode %d nonblock %d\n", flags & O_ACCMODE, !!(flags & O_NONBLOCK));
    check("  F_GETFD", fcntl(p[0], F_GETFD));
    check("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
    print_poll("poll empty read end", p[0], POLLIN);
    print_poll("poll write end", p[1], POLLOUT);
    print_fionread("FIONREAD empty", p[0]);
    check("write 11", write(p[1], "hello pipe\n", 11));
    print_fionread("FIONREAD", p[0]);
    print_poll("poll read end", p[0], POLLIN);
    n = read(p[0], buffer, 5);
    print_read("read 5", n, buffer);
    print_fionread("FIONREAD", p[0]);
    n = read(p[0], buffer, sizeof buffer);
    print_read("read the rest (short read)", n, buffer);
    check("write 0 bytes", write(p[1], "", 0));
    check("lseek", lseek(p[0], 0, SEEK_CUR));
    check("lseek write end", lseek(p[1], 0, SEEK_SET));
    check("pread", pread(p[0], buffer, 1, 0));
    check("pwrite", pwrite(p[1], "x", 1, 0));

    // writev/readv through the pipe, message boundaries are not kept.
    struct iovec out[2] = { { "abc", 3 }, { "defgh", 5 } };
    check("writev 3+5", writev(p[1], out, 2));
    check("write 4", write(p[1], "ijkl", 4));
    char a[6], b[10];
    struct iovec in[2] = { { a, sizeof a }, { b, sizeof b } };
    n = check("readv 6+10", readv(p[0], in, 2));
    print_read("  a", 6, a);
    print_read("  b", n - 6, b);

    // Non-blocking: fill the pipe to its capacity.
    check("F_SETFL O_NONBLOCK", fcntl(p[1], F_SETFL, O_NONBLOCK));
    check("F_SETFL O_NONBLOCK read end", fcntl(p[0], F_SETFL, O_NONBLOCK));
    check("read empty non-blocking", read(p[0], buffer, 1));
    long total = 0;
    memset(buffer, 'z', sizeof buffer);
    for (;;) {
        n = write(p[1], buffer, 1000);
        if (n < 0)
            break;
        total += n;
    }
    // How full a pipe gets depends on how the kernel packs writes into pages (Linux
    // stores 4000 of these bytes per 4 KiB page): only the range is compared.
    printf("filled with 1000-byte writes: %s, then %s\n",
        total >= 60000 && total <= 65536 ? "60000 to 65536 bytes" : "an unexpected amount", errno_name(errno));
    print_poll("poll full write end", p[1], POLLOUT);
    int queued = -1;
    ioctl(p[0], FIONREAD, &queued);
    printf("FIONREAD full equals the bytes written: %s\n", queued == total ? "yes" : "no");
    n = read(p[0], buffer, 4096);
    check("read 4096", n);
    check("write 4096 fits again", write(p[1], buffer, 4096));
    long drained = 0;
    while ((n = read(p[0], buffer, sizeof buffer)) > 0)
        drained += n;
    printf("drained everything: %s, then %s\n", drained == total ? "yes" : "no", errno_name(errno));
    check("F_SETPIPE_SZ 4096", fcntl(p[1], F_SETPIPE_SZ, 4096));
    check("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
    total = 0;
    while ((n = write(p[1], buffer, 100)) > 0)
        total += n;
    printf("filled the smaller pipe: %s, then %s\n",
        total >= 4000 && total <= 4096 ? "4000 to 4096 bytes" : "an unexpected amount", errno_name(errno));
    while (read(p[0], buffer, sizeof buffer) > 0) {
    }

    // A big write through a blocking pipe, read in pieces (fits in the capacity).
    fcntl(p[1], F_SETPIPE_SZ, 65536);
    fcntl(p[1], F_SETFL, 0);
    fcntl(p[0], F_SETFL, 0);
    for (int i = 0; i < 60000; ++i)
        buffer[i] = (char)(i * 13);
    check("blocking write 60000", write(p[1], buffer, 60000));
    uint32_t hash = 2166136261u;
    total = 0;
    while (total < 60000 && (n = read(p[0], buffer, 7000)) > 0) {
        hash = fnv1a(hash, buffer, n);
        total += n;
    }
    printf("read back %ld bytes, fnv %08x\n", total, hash);

    // select.
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(p[0], &readable);
    FD_SET(p[1], &writable);
    struct timeval zero = { 0, 0 };
    n = select(p[1] + 1, &readable, &writable, NULL, &zero);
    printf("select empty pipe: %ld, read end %d, write end %d\n", n, FD_ISSET(p[0], &readable), FD_ISSET(p[1], &writable));
    write(p[1], "s", 1);
    FD_ZERO(&readable);
    FD_SET(p[0], &readable);
    zero.tv_sec = zero.tv_usec = 0;
    n = select(p[0] + 1, &readable, NULL, NULL, &zero);
    printf("select after a write: %ld, read end %d\n", n, FD_ISSET(p[0], &readable));
    struct pollfd timed = { p[0], POLLIN, 0 };
    check("poll with a timeout, data ready", poll(&timed, 1, 1000));
    read(p[0], buffer, 1);
    timed.revents = 0;
    check("poll 20 ms timeout, no data", poll(&timed, 1, 20));

    // EOF and EPIPE.
    int q[2];
    check("dup the write end", (q[1] = dup(p[1])) < 0 ? -1 : 0);
    write(p[1], "last", 4);
    close(p[1]);
    print_poll("poll, one writer left", p[0], POLLIN);
    close(q[1]);
    print_poll("poll, writers closed, data left", p[0], POLLIN);
    n = read(p[0], buffer, sizeof buffer);
    print_read("read remaining", n, buffer);
    n = read(p[0], buffer, sizeof buffer);
    print_read("read at EOF", n, buffer);
    print_poll("poll at EOF", p[0], POLLIN);
    close(p[0]);

    check("pipe2 O_CLOEXEC|O_NONBLOCK", pipe2(p, O_CLOEXEC | O_NONBLOCK));
    check("  F_GETFD", fcntl(p[0], F_GETFD));
    flags = fcntl(p[1], F_GETFL);
    printf("  write end nonblock %d\n", !!(flags & O_NONBLOCK));
    close(p[0]);
    check("write with no reader", write(p[1], "x", 1));
    print_poll("poll write end, no reader", p[1], POLLOUT);
    close(p[1]);
    print_poll("poll a closed fd", p[1], POLLIN);

    // A FIFO in /tmp, opened read-write so one process can use both sides.
    if (enter_workdir("pipes") == 0) {
        check("mkfifo", mkfifo("fifo", 0640));
        lstat_path("  lstat", "fifo");
        check("mkfifo again", mkfifo("fifo", 0640));
        int fd = check_ok("open O_RDWR", open("fifo", O_RDWR));
        check("  write", write(fd, "through the fifo\n", 17));
        print_fionread("  FIONREAD", fd);
        n = read(fd, buffer, sizeof buffer);
        print_read("  read", n, buffer);
        check("  lseek", lseek(fd, 0, SEEK_SET));
        close(fd);
        check("open O_RDONLY|O_NONBLOCK (no writer)", (fd = open("fifo", O_RDONLY | O_NONBLOCK)) < 0 ? -1 : 0);
        check("  read, no writer: EOF", read(fd, buffer, 1));
        check("open O_WRONLY|O_NONBLOCK with a reader", (q[1] = open("fifo", O_WRONLY | O_NONBLOCK)) < 0 ? -1 : 0);
        close(q[1]);
        close(fd);
        check("open O_WRONLY|O_NONBLOCK, no reader", open("fifo", O_WRONLY | O_NONBLOCK));
        check("unlink", unlink("fifo"));
    }
    leave_workdir();
    return 0;
}
