// process_pipes: pipes between processes. A coprocess answering line by line (both
// directions), 1 MiB each way, EOF only once every write end is closed, writes of at most
// PIPE_BUF from four writers never interleaved, poll woken by another process's write, a
// FIFO opened from both sides by two processes; and when the reader is gone: SIGPIPE kills
// the writer (also one blocked on a full pipe), EPIPE when SIGPIPE is ignored, and busybox
// `yes` exec'd into a pipe that is closed, with SIGPIPE at its default and ignored (an
// ignored signal stays ignored across execve). Works in /tmp/process_pipes.PID (the FIFO).
#include "process_test.h"

#include <ctype.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <time.h>

enum { MIB = 1 << 20 };

static unsigned char pattern_byte(long i, int seed) { return (unsigned char)((i * 31 + seed) ^ (i >> 9)); }

static void coprocess(void)
{
    int to_child[2], from_child[2];
    open_pipe(to_child);
    open_pipe(from_child);
    pid_t child = fork_child();
    if (child == 0) {
        close(to_child[1]);
        close(from_child[0]);
        char c;
        long n;
        while ((n = read(to_child[0], &c, 1)) == 1) {
            c = (char)toupper((unsigned char)c);
            write(from_child[1], &c, 1);
        }
        _exit(n == 0 ? 0 : 1);
    }
    close(to_child[0]);
    close(from_child[1]);
    static const char* const lines[] = { "first line\n", "second, longer line\n", "3\n" };
    for (int i = 0; i < 3; ++i) {
        long length = (long)strlen(lines[i]);
        write_full(to_child[1], lines[i], length);
        char answer[64] = "";
        long n = read_full(from_child[0], answer, length);
        printf("sent %ld bytes, ", length);
        print_read("the child answered", n, answer);
    }
    close(to_child[1]);
    char c;
    expect_long("read after the child saw EOF and exited", read(from_child[0], &c, 1), 0);
    expect_reaped("coprocess", child, "exited 0");
    close(from_child[0]);
}

static void mebibyte_each_way(void)
{
    int to_child[2], from_child[2];
    open_pipe(to_child);
    open_pipe(from_child);
    pid_t child = fork_child();
    if (child == 0) {
        close(to_child[1]);
        close(from_child[0]);
        static unsigned char buffer[MIB];
        long n = read_full(to_child[0], buffer, MIB);
        uint32_t hash = fnv1a(2166136261u, buffer, n);
        for (long i = 0; i < MIB; ++i)
            buffer[i] = pattern_byte(i, 2);
        write_full(from_child[1], buffer, MIB);
        write_full(from_child[1], &hash, sizeof hash);
        _exit(n == MIB ? 0 : 1);
    }
    close(to_child[0]);
    close(from_child[1]);
    static unsigned char buffer[MIB + 4];
    for (long i = 0; i < MIB; ++i)
        buffer[i] = pattern_byte(i, 1);
    uint32_t sent_hash = fnv1a(2166136261u, buffer, MIB);
    expect_long("wrote 1 MiB to the child", write_full(to_child[1], buffer, MIB), MIB);
    close(to_child[1]);
    long n = read_full(from_child[0], buffer, MIB + 4);
    expect_long("read 1 MiB and a hash back", n, MIB + 4);
    uint32_t child_hash;
    memcpy(&child_hash, buffer + MIB, 4);
    expect("the child received what was sent", child_hash == sent_hash);
    int intact = 1;
    for (long i = 0; i < MIB; ++i)
        intact &= buffer[i] == pattern_byte(i, 2);
    expect("the parent received what the child sent", intact);
    expect_reaped("child", child, "exited 0");
    close(from_child[0]);
}

static void eof_needs_every_writer(void)
{
    int p[2], release[2];
    open_pipe(p);
    open_pipe(release);
    pid_t child = fork_child();
    if (child == 0) {
        close(p[0]);
        close(release[1]);
        await(release[0]); // holds the write end until released
        _exit(0);
    }
    close(p[1]);
    close(release[0]);
    struct pollfd poller = { p[0], POLLIN, 0 };
    int n = poll(&poller, 1, 0);
    printf("poll while the child holds the write end: %d revents%s\n", n, poller.revents & POLLHUP ? " POLLHUP" : "");
    if (n != 0)
        process_failures++;
    post(release[1]);
    n = poll(&poller, 1, 10000);
    printf("poll once it exited: %d revents%s\n", n, poller.revents & POLLHUP ? " POLLHUP" : "");
    if (n != 1 || !(poller.revents & POLLHUP))
        process_failures++;
    char c;
    expect_long("read", read(p[0], &c, 1), 0);
    expect_reaped("child", child, "exited 0");
    close(p[0]);
    close(release[1]);
}

static void atomic_writers(void)
{
    enum { WRITERS = 4, RECORDS = 100, RECORD = 512 };
    int p[2];
    open_pipe(p);
    pid_t children[WRITERS];
    for (int w = 0; w < WRITERS; ++w) {
        children[w] = fork_child();
        if (children[w] == 0) {
            close(p[0]);
            char record[RECORD];
            memset(record, 'a' + w, RECORD);
            for (int r = 0; r < RECORDS; ++r)
                if (write(p[1], record, RECORD) != RECORD)
                    _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    int counts[WRITERS] = { 0 }, mixed = 0, records = 0;
    char record[RECORD];
    while (read_full(p[0], record, RECORD) == RECORD) {
        records++;
        int w = record[0] - 'a';
        for (int i = 1; i < RECORD; ++i)
            mixed += record[i] != record[0];
        if (w >= 0 && w < WRITERS)
            counts[w]++;
    }
    close(p[0]);
    for (int w = 0; w < WRITERS; ++w)
        expect_reaped("writer", children[w], "exited 0");
    expect_long("512-byte records read from four writers", records, WRITERS * RECORDS);
    printf("records per writer: %d %d %d %d\n", counts[0], counts[1], counts[2], counts[3]);
    expect_long("bytes out of place (writes <= PIPE_BUF are atomic)", mixed, 0);
}

static void poll_woken_by_another_process(void)
{
    int p[2];
    open_pipe(p);
    pid_t child = fork_child();
    if (child == 0) {
        close(p[0]);
        struct timespec pause = { 0, 30 * 1000 * 1000 };
        nanosleep(&pause, NULL);
        write(p[1], "late", 4);
        _exit(0);
    }
    close(p[1]);
    struct pollfd poller = { p[0], POLLIN, 0 };
    int n = poll(&poller, 1, 10000);
    printf("poll for the child's write 30 ms later: %d revents%s\n", n, poller.revents & POLLIN ? " POLLIN" : "");
    if (n != 1 || !(poller.revents & POLLIN))
        process_failures++;
    expect_reaped("child", child, "exited 0");
    close(p[0]);
}

static void fifo_between_processes(void)
{
    expect_ok("mkfifo", mkfifo("fifo", 0644));
    pid_t child = fork_child();
    if (child == 0) {
        int fd = open("fifo", O_WRONLY); // blocks until the parent opens the other side
        long n = write(fd, "through the fifo\n", 17);
        _exit(fd >= 0 && n == 17 ? 0 : 1);
    }
    int fd = open("fifo", O_RDONLY);
    char buffer[64] = "";
    long n = read_full(fd, buffer, sizeof buffer);
    print_read("read from the FIFO until EOF", n, buffer);
    close(fd);
    expect_reaped("writer", child, "exited 0");
    unlink("fifo");
}

// A child writing into a pipe whose reader closes after READ_FIRST bytes (or before it
// starts, if 0). With IGNORE, SIGPIPE is ignored and the child exits with write's errno.
static const char* writer_without_reader(long read_first, int ignore)
{
    int p[2], started[2];
    open_pipe(p);
    open_pipe(started);
    pid_t child = fork_child();
    if (child == 0) {
        close(p[0]);
        close(started[0]);
        if (ignore)
            signal(SIGPIPE, SIG_IGN);
        post(started[1]);
        char chunk[4096];
        memset(chunk, 'w', sizeof chunk);
        for (;;)
            if (write(p[1], chunk, sizeof chunk) < 0)
                _exit(errno == EPIPE ? 100 : 101);
    }
    close(p[1]);
    close(started[1]);
    await(started[0]);
    close(started[0]);
    char buffer[4096];
    if (read_first) {
        // Wait until the pipe is full, so the writer is blocked when the reader goes.
        int queued = 0;
        for (int i = 0; i < 5000 && queued < 65536; ++i) {
            struct timespec pause = { 0, 1000 * 1000 };
            nanosleep(&pause, NULL);
            ioctl(p[0], FIONREAD, &queued);
        }
        read_full(p[0], buffer, read_first);
    }
    close(p[0]);
    int status = wait_status(child, 0);
    if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 100)
        return "write failed with EPIPE";
    return status < 0 ? "not reaped" : status_text(status);
}

static void reader_gone(void)
{
    struct {
        const char* label;
        long read_first;
        int ignore;
        const char* wanted;
    } cases[] = {
        { "writer, reader closed", 0, 0, "killed by SIGPIPE" },
        { "writer blocked on a full pipe, reader reads 100 bytes and closes", 100, 0, "killed by SIGPIPE" },
        { "writer ignoring SIGPIPE, reader closed", 0, 1, "write failed with EPIPE" },
        { "writer ignoring SIGPIPE, blocked, reader closes", 100, 1, "write failed with EPIPE" },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        const char* got = writer_without_reader(cases[i].read_first, cases[i].ignore);
        printf("%s: %s\n", cases[i].label, got);
        if (strcmp(got, cases[i].wanted))
            process_failures++;
    }
}

// busybox yes with stdout into a pipe the parent closes after 8 bytes.
static void yes_into_closed_pipe(int ignore)
{
    int p[2];
    open_pipe(p);
    pid_t child = fork_child();
    if (child == 0) {
        if (ignore)
            signal(SIGPIPE, SIG_IGN);
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execl("/bin/busybox", "yes", (char*)NULL);
        _exit(127);
    }
    close(p[1]);
    char buffer[8];
    long n = read_full(p[0], buffer, sizeof buffer);
    print_read(ignore ? "yes (SIGPIPE ignored before execve) printed" : "yes printed", n, buffer);
    close(p[0]);
    expect_reaped("  and then", child, ignore ? "exited 1" : "killed by SIGPIPE");
}

int main(void)
{
    process_start(30);
    if (enter_workdir("process_pipes") < 0)
        return 1;
    coprocess();
    mebibyte_each_way();
    eof_needs_every_writer();
    atomic_writers();
    poll_woken_by_another_process();
    fifo_between_processes();
    reader_gone();
    yes_into_closed_pipe(0);
    yes_into_closed_pipe(1);
    leave_workdir();
    return finish();
}
