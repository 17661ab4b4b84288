// blocking_io: reads and writes that wait. Two threads pass 1 MiB through a pipe with
// blocking reads and writes (checksums compared); a full pipe and an empty one with
// O_NONBLOCK give EAGAIN; poll and select time out on an empty pipe and wake when a thread
// writes; a FIFO opened by two threads (each open waits for the other end); eventfd counters
// and semaphores, and a reader woken by an eventfd write. Each check prints one line.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "timing.h"

#define TOTAL (1 << 20)

static int pipe_fds[2];
static unsigned char send_buffer[TOTAL], receive_buffer[TOTAL];

static uint32_t checksum(const unsigned char* data, size_t length)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < length; i++)
        sum = sum * 31 + data[i];
    return sum;
}

static void* pipe_writer(void* arg)
{
    // Odd sizes so that writes straddle the pipe's capacity; one big write at the end.
    size_t done = 0, step = 7777;
    while (done < TOTAL - 300000) {
        size_t chunk = TOTAL - done < step ? TOTAL - done : step;
        ssize_t n = write(pipe_fds[1], send_buffer + done, chunk);
        if (n <= 0)
            return (void*)1;
        done += (size_t)n;
    }
    ssize_t n = write(pipe_fds[1], send_buffer + done, TOTAL - done);
    printf("big blocking write complete: %s\n", n == (ssize_t)(TOTAL - done) ? "yes" : "no");
    close(pipe_fds[1]);
    return NULL;
}

static void pipe_transfer(void)
{
    for (size_t i = 0; i < TOTAL; i++)
        send_buffer[i] = (unsigned char)(i * 7 + i / 251);
    pipe(pipe_fds);
    pthread_t thread;
    pthread_create(&thread, NULL, pipe_writer, NULL);
    size_t got = 0;
    for (;;) {
        ssize_t n = read(pipe_fds[0], receive_buffer + got, TOTAL - got < 5000 ? TOTAL - got : 5000);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    void* result;
    pthread_join(thread, &result);
    printf("pipe: %zu bytes, writer %s, checksums %s\n", got, result ? "failed" : "ok",
        checksum(send_buffer, TOTAL) == checksum(receive_buffer, got) ? "match" : "differ");
    close(pipe_fds[0]);
}

static void non_blocking(void)
{
    int fds[2];
    pipe2(fds, O_NONBLOCK);
    char byte = 'x';
    ssize_t n = read(fds[0], &byte, 1);
    printf("empty O_NONBLOCK read: %zd errno %s\n", n, errno == EAGAIN ? "EAGAIN" : strerror(errno));
    size_t filled = 0;
    static char chunk[4096];
    while (write(fds[1], chunk, sizeof chunk) > 0)
        filled += sizeof chunk;
    printf("full O_NONBLOCK write: errno %s, filled %zu\n", errno == EAGAIN ? "EAGAIN" : strerror(errno), filled);
    // O_NONBLOCK set later through fcntl counts too.
    int plain[2];
    pipe(plain);
    fcntl(plain[0], F_SETFL, O_NONBLOCK);
    n = read(plain[0], &byte, 1);
    printf("read after F_SETFL O_NONBLOCK: %zd %s\n", n, errno == EAGAIN ? "EAGAIN" : strerror(errno));
    close(fds[0]);
    close(fds[1]);
    close(plain[0]);
    close(plain[1]);
}

static void* delayed_writer(void* arg)
{
    sleep_ms(50);
    write(*(int*)arg, "w", 1);
    return NULL;
}

static void poll_and_select(void)
{
    int fds[2];
    pipe(fds);
    struct pollfd entry = { fds[0], POLLIN, 0 };
    int64_t start = now_ms();
    int ready = poll(&entry, 1, 100);
    printf("poll on an empty pipe: %d, waited the timeout: %s\n", ready, now_ms() - start >= 100 ? "yes" : "no");

    pthread_t thread;
    pthread_create(&thread, NULL, delayed_writer, &fds[1]);
    start = now_ms();
    ready = poll(&entry, 1, 10000);
    printf("poll woken by a writer: %d revents %#x, early: %s\n", ready, entry.revents, now_ms() - start < 5000 ? "yes" : "no");
    pthread_join(thread, NULL);
    char byte;
    read(fds[0], &byte, 1);

    fd_set read_set;
    FD_ZERO(&read_set);
    FD_SET(fds[0], &read_set);
    struct timeval timeout = { 0, 80000 };
    start = now_ms();
    ready = select(fds[0] + 1, &read_set, NULL, NULL, &timeout);
    printf("select timeout: %d, waited: %s, set cleared: %s\n", ready, now_ms() - start >= 80 ? "yes" : "no", FD_ISSET(fds[0], &read_set) ? "no" : "yes");

    pthread_create(&thread, NULL, delayed_writer, &fds[1]);
    FD_ZERO(&read_set);
    FD_SET(fds[0], &read_set);
    fd_set write_set;
    FD_ZERO(&write_set);
    ready = select(fds[0] + 1, &read_set, &write_set, NULL, NULL);
    printf("select woken by a writer: %d, readable: %s\n", ready, FD_ISSET(fds[0], &read_set) ? "yes" : "no");
    pthread_join(thread, NULL);
    read(fds[0], &byte, 1);

    // A blocking read woken by a writer, and end of file once the writer closes.
    pthread_create(&thread, NULL, delayed_writer, &fds[1]);
    ssize_t n = read(fds[0], &byte, 1);
    n += read(fds[0], &byte, 0);
    pthread_join(thread, NULL);
    close(fds[1]);
    ssize_t end = read(fds[0], &byte, 1);
    printf("blocking read: %zd '%c', then EOF: %zd\n", n, byte, end);
    entry.events = POLLIN;
    ready = poll(&entry, 1, -1);
    printf("poll after the writer closed: %d revents %#x\n", ready, entry.revents);
    close(fds[0]);
}

static char fifo_path[64];

static void* fifo_writer(void* arg)
{
    sleep_ms(30);
    int fd = open(fifo_path, O_WRONLY);
    write(fd, "through the fifo", 16);
    close(fd);
    return NULL;
}

static void fifo(void)
{
    snprintf(fifo_path, sizeof fifo_path, "/tmp/blocking_io-fifo-%d", (int)getpid());
    unlink(fifo_path);
    mkfifo(fifo_path, 0600);
    int fd = open(fifo_path, O_WRONLY | O_NONBLOCK);
    printf("fifo O_WRONLY|O_NONBLOCK without a reader: %d %s\n", fd, errno == ENXIO ? "ENXIO" : strerror(errno));
    pthread_t thread;
    pthread_create(&thread, NULL, fifo_writer, NULL);
    fd = open(fifo_path, O_RDONLY); // waits for the writer
    char text[64] = { 0 };
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, text + got, sizeof text - 1 - got)) > 0)
        got += (size_t)n;
    pthread_join(thread, NULL);
    printf("fifo read: \"%s\"\n", text);
    close(fd);
    // The other way round: the writer opens first and waits for a reader.
    fd = open(fifo_path, O_RDONLY | O_NONBLOCK);
    n = read(fd, text, 1);
    printf("fifo O_RDONLY|O_NONBLOCK alone: %s, read %zd\n", fd >= 0 ? "opened" : "failed", n);
    close(fd);
    unlink(fifo_path);
}

static void* eventfd_poster(void* arg)
{
    sleep_ms(30);
    uint64_t value = 5;
    write(*(int*)arg, &value, sizeof value);
    return NULL;
}

static void eventfds(void)
{
    int fd = eventfd(3, 0);
    uint64_t value = 4;
    write(fd, &value, sizeof value);
    read(fd, &value, sizeof value);
    printf("eventfd counter: %llu\n", (unsigned long long)value);
    pthread_t thread;
    pthread_create(&thread, NULL, eventfd_poster, &fd);
    ssize_t n = read(fd, &value, sizeof value); // waits for the poster
    pthread_join(thread, NULL);
    printf("eventfd blocking read: %zd %llu\n", n, (unsigned long long)value);
    n = read(fd, &value, 4);
    printf("short read: %zd %s\n", n, errno == EINVAL ? "EINVAL" : strerror(errno));
    close(fd);

    fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
    printf("semaphore cloexec: %s\n", fcntl(fd, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
    for (int i = 0; i < 3; i++) {
        value = 0;
        errno = 0;
        n = read(fd, &value, sizeof value);
        printf("semaphore read %d: %zd value %llu %s\n", i, n, (unsigned long long)value, n < 0 && errno == EAGAIN ? "EAGAIN" : "");
    }
    value = 0xfffffffffffffffeULL;
    printf("write to the maximum: %zd\n", write(fd, &value, sizeof value));
    value = 1;
    n = write(fd, &value, sizeof value);
    printf("overflowing write: %zd %s\n", n, errno == EAGAIN ? "EAGAIN" : strerror(errno));
    value = UINT64_MAX;
    n = write(fd, &value, sizeof value);
    printf("write of 2^64-1: %zd %s\n", n, errno == EINVAL ? "EINVAL" : strerror(errno));
    struct pollfd entry = { fd, POLLIN | POLLOUT, 0 };
    int ready = poll(&entry, 1, 0);
    printf("poll at the maximum: %d revents %#x\n", ready, entry.revents);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pipe_transfer();
    non_blocking();
    poll_and_select();
    fifo();
    eventfds();
    return 0;
}
