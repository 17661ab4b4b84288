// epoll_api.c: epoll_create/create1, epoll_ctl, epoll_wait, epoll_pwait and epoll_pwait2 over
// pipes, FIFOs, eventfd, timerfd and other epoll sets: Linux's errors, level- and
// edge-triggered reports, EPOLLONESHOT and its re-arming, nesting and loops, registrations
// that outlive a close through dup, edge-triggered sockets (more data reports again), a set shared across fork, a thread woken from
// epoll_wait, timeouts, signals and signal masks. Reports are printed sorted by their data, so
// the order Linux hands them out in never matters; no timings are printed.
#include "probe.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

static int failures;

static void setup(const char* what, long result)
{
    if (result < 0) {
        printf("setup: %s: -1 %s\n", what, errno_name(errno));
        exit(2);
    }
}

static const char* event_names(uint32_t events)
{
    static char buffer[128];
    static const struct {
        uint32_t bit;
        const char* name;
    } names[] = { { EPOLLIN, "IN" }, { EPOLLPRI, "PRI" }, { EPOLLOUT, "OUT" }, { EPOLLERR, "ERR" }, { EPOLLHUP, "HUP" },
        { EPOLLRDNORM, "RDNORM" }, { EPOLLWRNORM, "WRNORM" }, { EPOLLRDHUP, "RDHUP" } };
    buffer[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        if (events & names[i].bit) {
            if (buffer[0])
                strcat(buffer, "|");
            strcat(buffer, names[i].name);
            events &= ~names[i].bit;
        }
    }
    if (events)
        snprintf(buffer + strlen(buffer), sizeof buffer - strlen(buffer), "%s0x%x", buffer[0] ? "|" : "", events);
    return buffer[0] ? buffer : "none";
}

static int by_data(const void* a, const void* b)
{
    uint64_t x = ((const struct epoll_event*)a)->data.u64, y = ((const struct epoll_event*)b)->data.u64;
    return x < y ? -1 : x > y;
}

// epoll_wait with `timeout`; prints "LABEL: N [data=EVENTS ...]" sorted by data.
static int show_wait(const char* label, int epfd, int maxevents, int timeout)
{
    struct epoll_event events[64];
    int n = epoll_wait(epfd, events, maxevents, timeout);
    if (n < 0) {
        printf("%s: -1 %s\n", label, errno_name(errno));
        return n;
    }
    qsort(events, n, sizeof events[0], by_data);
    printf("%s: %d", label, n);
    for (int i = 0; i < n; ++i)
        printf(" %llu=%s", (unsigned long long)events[i].data.u64, event_names(events[i].events));
    printf("\n");
    return n;
}

static int add(int epfd, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event event = { .events = events, .data.u64 = data };
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

static int modify(int epfd, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event event = { .events = events, .data.u64 = data };
    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event);
}

static void new_pipe(int fds[2])
{
    setup("pipe2", pipe2(fds, O_NONBLOCK));
}

static void put(int fd, const char* text) { setup("write", write(fd, text, strlen(text))); }

static void drain(int fd)
{
    char buffer[4096];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
}

static void errors(void)
{
    printf("-- errors\n");
    // The system call itself: musl's epoll_create() ignores its size.
    check_ok("epoll_create(0)", syscall(SYS_epoll_create, 0));
    check_ok("epoll_create(-1)", syscall(SYS_epoll_create, -1));
    check("epoll_create1(bad flag)", epoll_create1(1));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    check_ok("epoll_create1(EPOLL_CLOEXEC)", ep);
    check("  FD_CLOEXEC", fcntl(ep, F_GETFD) & FD_CLOEXEC);
    int old = epoll_create(10);
    check_ok("epoll_create(10)", old);
    check("  FD_CLOEXEC", fcntl(old, F_GETFD) & FD_CLOEXEC);
    struct stat st;
    setup("fstat", fstat(ep, &st));
    printf("fstat mode: 0%o\n", st.st_mode);

    int p[2];
    new_pipe(p);
    struct epoll_event event = { .events = EPOLLIN, .data.u64 = 1 };
    check("ctl bad epfd", epoll_ctl(999, EPOLL_CTL_ADD, p[0], &event));
    check("ctl bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &event));
    check("ctl epfd not epoll", epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &event));
    check("ctl fd == epfd", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &event));
    int ep_dup = dup(ep);
    check("ctl fd == dup of epfd", epoll_ctl(ep, EPOLL_CTL_ADD, ep_dup, &event));
    close(ep_dup);
    int file = open("/data/hello.txt", O_RDONLY);
    int dir = open("/data", O_RDONLY | O_DIRECTORY);
    int path = open("/data", O_PATH);
    check("ctl regular file", epoll_ctl(ep, EPOLL_CTL_ADD, file, &event));
    check("ctl directory", epoll_ctl(ep, EPOLL_CTL_ADD, dir, &event));
    check("ctl O_PATH fd", epoll_ctl(ep, EPOLL_CTL_ADD, path, &event));
    check("ctl O_PATH epfd", epoll_ctl(path, EPOLL_CTL_ADD, p[0], &event));
    check("ctl regular file, epfd not epoll", epoll_ctl(p[1], EPOLL_CTL_ADD, file, &event));
    check("ctl ADD NULL event", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL));
    check("ctl MOD missing", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &event));
    check("ctl DEL missing", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    check("ctl bad op", epoll_ctl(ep, 99, p[0], &event));
    check("ctl ADD", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &event));
    check("ctl ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &event));
    check("ctl MOD", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &event));
    check("ctl DEL, NULL event", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    check("ctl DEL again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    check("ctl every flag", add(ep, p[0], EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLERR | EPOLLHUP | EPOLLET | EPOLLONESHOT | EPOLLWAKEUP, 2));
    check("ctl EXCLUSIVE on MOD", modify(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 2));
    check("ctl EXCLUSIVE with ONESHOT", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 3));
    check("ctl EXCLUSIVE of an epoll", add(ep, old, EPOLLIN | EPOLLEXCLUSIVE, 3));
    check("ctl EXCLUSIVE", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE, 3));
    check("ctl MOD of EXCLUSIVE", modify(ep, p[1], EPOLLOUT, 3));

    struct epoll_event events[4];
    check("wait maxevents 0", epoll_wait(ep, events, 0, 0));
    check("wait maxevents -1", syscall(SYS_epoll_wait, ep, events, -1, 0));
    check("wait bad epfd", epoll_wait(999, events, 4, 0));
    check("wait epfd not epoll", epoll_wait(p[0], events, 4, 0));
    check("wait events NULL, one ready", syscall(SYS_epoll_wait, ep, NULL, 4, 0));
    check("wait events -1", epoll_wait(ep, (struct epoll_event*)-1L, 4, 0));
    check("wait events NULL, nothing ready", syscall(SYS_epoll_wait, old, NULL, 4, 0));
    sigset_t mask;
    sigemptyset(&mask);
    check("pwait bad sigsetsize", syscall(SYS_epoll_pwait, ep, events, 4, 0, &mask, 4));
    check("pwait bad sigmask", syscall(SYS_epoll_pwait, ep, events, 4, 0, (void*)-1L, 8));
    struct timespec bad = { 0, 2000000000 };
    check("pwait2 bad timeout", syscall(SYS_epoll_pwait2, ep, events, 4, &bad, NULL, 8));
    check("pwait2 timeout -1", syscall(SYS_epoll_pwait2, ep, events, 4, (void*)-1L, NULL, 8));
    struct timespec zero = { 0, 0 };
    check("pwait2 zero timeout", syscall(SYS_epoll_pwait2, old, events, 4, &zero, NULL, 8));
    char byte;
    check("read of an epoll fd", read(ep, &byte, 1));
    close(p[0]);
    close(p[1]);
    close(file);
    close(dir);
    close(path);
    close(old);
    close(ep);
}

static void level_and_edge(void)
{
    printf("-- level-triggered pipe\n");
    int ep = epoll_create1(0), p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLIN | EPOLLRDHUP | EPOLLPRI, 1);
    add(ep, p[1], EPOLLOUT, 2);
    show_wait("empty pipe", ep, 8, 0);
    put(p[1], "abc");
    show_wait("3 bytes", ep, 8, 0);
    show_wait("again", ep, 8, 0);
    drain(p[0]);
    show_wait("drained", ep, 8, 0);
    put(p[1], "x");
    close(p[1]);
    show_wait("writer closed (its registration goes)", ep, 8, 0);
    drain(p[0]);
    show_wait("drained after close", ep, 8, 0);
    close(p[0]);
    new_pipe(p);
    add(ep, p[1], EPOLLOUT, 3);
    close(p[0]);
    show_wait("reader closed", ep, 8, 0);
    close(p[1]);
    show_wait("all closed", ep, 8, 0);

    printf("-- edge-triggered pipe\n");
    new_pipe(p);
    add(ep, p[0], EPOLLIN | EPOLLET, 10);
    add(ep, p[1], EPOLLOUT | EPOLLET, 11);
    show_wait("empty pipe", ep, 8, 0);
    show_wait("again", ep, 8, 0);
    put(p[1], "abc");
    show_wait("3 bytes", ep, 8, 0);
    show_wait("again", ep, 8, 0);
    put(p[1], "def");
    show_wait("3 more bytes", ep, 8, 0);
    char buffer[2];
    setup("read", read(p[0], buffer, 2));
    show_wait("read 2 of 6", ep, 8, 0);
    drain(p[0]);
    show_wait("drained", ep, 8, 0);
    put(p[1], "g");
    show_wait("1 byte", ep, 8, 0);
    drain(p[0]);
    char big[4096];
    memset(big, 'z', sizeof big);
    while (write(p[1], big, sizeof big) > 0) {
    }
    show_wait("pipe filled", ep, 8, 0);
    show_wait("again", ep, 8, 0);
    drain(p[0]);
    show_wait("emptied", ep, 8, 0);
    modify(ep, p[1], EPOLLOUT | EPOLLET, 12);
    show_wait("MOD reports the level again", ep, 8, 0);
    close(p[1]);
    show_wait("writer closed", ep, 8, 0);
    show_wait("again", ep, 8, 0);
    close(p[0]);

    printf("-- oneshot\n");
    new_pipe(p);
    add(ep, p[0], EPOLLIN | EPOLLONESHOT, 20);
    put(p[1], "a");
    show_wait("1 byte", ep, 8, 0);
    show_wait("again", ep, 8, 0);
    put(p[1], "b");
    show_wait("more", ep, 8, 0);
    check("ADD again while disabled", add(ep, p[0], EPOLLIN, 21));
    check("MOD re-arms", modify(ep, p[0], EPOLLIN | EPOLLONESHOT, 22));
    show_wait("re-armed", ep, 8, 0);
    show_wait("again", ep, 8, 0);
    check("MOD to level", modify(ep, p[0], EPOLLIN, 23));
    show_wait("level", ep, 8, 0);
    show_wait("again", ep, 8, 0);
    check("DEL", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    show_wait("deleted", ep, 8, 0);
    close(p[0]);
    close(p[1]);
    close(ep);
}

static void other_files(void)
{
    printf("-- eventfd, timerfd, FIFO\n");
    int ep = epoll_create1(0);
    int efd = eventfd(0, EFD_NONBLOCK);
    add(ep, efd, EPOLLIN | EPOLLOUT, 1);
    show_wait("eventfd 0", ep, 8, 0);
    uint64_t value = 5;
    setup("write eventfd", write(efd, &value, 8));
    show_wait("eventfd 5", ep, 8, 0);
    setup("read eventfd", read(efd, &value, 8));
    modify(ep, efd, EPOLLIN | EPOLLET, 2);
    show_wait("ET, eventfd 0", ep, 8, 0);
    value = 1;
    setup("write eventfd", write(efd, &value, 8));
    show_wait("ET, eventfd 1", ep, 8, 0);
    show_wait("again", ep, 8, 0);
    setup("write eventfd", write(efd, &value, 8));
    show_wait("ET, eventfd 2", ep, 8, 0);
    close(efd);
    show_wait("closed", ep, 8, 0);

    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    add(ep, tfd, EPOLLIN | EPOLLET, 3);
    show_wait("timerfd disarmed", ep, 8, 0);
    struct itimerspec spec = { .it_interval = { 0, 10000000 }, .it_value = { 0, 10000000 } };
    setup("timerfd_settime", timerfd_settime(tfd, 0, &spec, NULL));
    show_wait("timerfd, wait forever", ep, 8, -1);
    show_wait("ET, next expiries unread", ep, 8, 25);
    uint64_t ticks;
    setup("read timerfd", read(tfd, &ticks, 8));
    show_wait("ET, read, wait forever", ep, 8, -1);
    struct itimerspec off = { 0 };
    timerfd_settime(tfd, 0, &off, NULL);
    close(tfd);

    char fifo[64];
    snprintf(fifo, sizeof fifo, "/tmp/epoll_api.%d", getpid());
    setup("mkfifo", mkfifo(fifo, 0600));
    int reader = open(fifo, O_RDONLY | O_NONBLOCK);
    int writer = open(fifo, O_WRONLY | O_NONBLOCK);
    setup("open fifo", reader < 0 || writer < 0 ? -1 : 0);
    add(ep, reader, EPOLLIN, 4);
    add(ep, writer, EPOLLOUT, 5);
    show_wait("fifo empty", ep, 8, 0);
    put(writer, "hello");
    show_wait("fifo 5 bytes", ep, 8, 0);
    close(writer);
    show_wait("fifo writer closed", ep, 8, 0);
    close(reader);
    unlink(fifo);

    printf("-- poll() of an epoll fd\n");
    int p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLIN, 6);
    struct pollfd pfd = { .fd = ep, .events = POLLIN | POLLOUT };
    check("poll, nothing ready", poll(&pfd, 1, 0));
    put(p[1], "x");
    check("poll, pipe ready", poll(&pfd, 1, 0));
    printf("revents: 0x%x\n", pfd.revents);
    close(p[0]);
    close(p[1]);
    close(ep);
}

// Edge-triggered sockets: each arrival of data is an edge, even while unread data is there
// (nginx reads a keep-alive connection's requests this way).
static void socket_edges(const char* kind, int sender, int receiver)
{
    int ep = epoll_create1(0);
    add(ep, receiver, EPOLLIN | EPOLLET, 1);
    char label[96];
    snprintf(label, sizeof label, "%s: ET, nothing yet", kind);
    show_wait(label, ep, 8, 0);
    put(sender, "a");
    snprintf(label, sizeof label, "%s: ET, one byte", kind);
    show_wait(label, ep, 8, 1000);
    snprintf(label, sizeof label, "%s: ET, again", kind);
    show_wait(label, ep, 8, 0);
    put(sender, "b");
    snprintf(label, sizeof label, "%s: ET, a second byte, the first unread", kind);
    show_wait(label, ep, 8, 1000);
    drain(receiver);
    put(sender, "c");
    snprintf(label, sizeof label, "%s: ET, after draining", kind);
    show_wait(label, ep, 8, 1000);
    shutdown(sender, SHUT_WR);
    snprintf(label, sizeof label, "%s: ET, the peer's end", kind);
    show_wait(label, ep, 8, 1000);
    close(ep);
}

static void sockets(void)
{
    printf("-- sockets\n");
    int pair[2];
    setup("socketpair", socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair));
    socket_edges("unix stream", pair[0], pair[1]);
    close(pair[0]);
    close(pair[1]);

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t length = sizeof address;
    setup("bind", bind(listener, (struct sockaddr*)&address, sizeof address));
    setup("listen", listen(listener, 1));
    setup("getsockname", getsockname(listener, (struct sockaddr*)&address, &length));
    int client = socket(AF_INET, SOCK_STREAM, 0);
    setup("connect", connect(client, (struct sockaddr*)&address, sizeof address));
    int server = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
    setup("accept4", server);
    int one = 1;
    setup("TCP_NODELAY", setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    socket_edges("tcp 127.0.0.1", client, server);
    close(client);
    close(server);
    close(listener);
}

static void nesting(void)
{
    printf("-- nested epoll\n");
    int outer = epoll_create1(0), inner = epoll_create1(0), p[2];
    new_pipe(p);
    add(inner, p[0], EPOLLIN, 1);
    check("add inner to outer", add(outer, inner, EPOLLIN, 2));
    show_wait("outer, nothing", outer, 8, 0);
    put(p[1], "x");
    show_wait("outer, pipe ready", outer, 8, 0);
    show_wait("inner", inner, 8, 0);
    check("add outer to inner (loop)", add(inner, outer, EPOLLIN, 3));
    int chain[8];
    for (int i = 0; i < 8; ++i)
        chain[i] = epoll_create1(0);
    for (int i = 1; i < 8; ++i)
        checkf(add(chain[i], chain[i - 1], EPOLLIN, i), "chain: add %d into %d", i - 1, i);
    check("add chain end to its start (loop)", add(chain[0], chain[4], EPOLLIN, 9));
    int a = epoll_create1(0), b = epoll_create1(0), c = epoll_create1(0);
    add(b, a, EPOLLIN, 1);
    add(c, b, EPOLLIN, 1);
    check("add c to a (loop of 3)", add(a, c, EPOLLIN, 1));
    close(a);
    close(b);
    close(c);
    for (int i = 0; i < 8; ++i)
        close(chain[i]);
    close(inner);
    show_wait("outer after inner closed", outer, 8, 0);
    close(p[0]);
    close(p[1]);
    close(outer);
}

static void descriptions(void)
{
    printf("-- registrations and file descriptions\n");
    int ep = epoll_create1(0), p[2];
    new_pipe(p);
    put(p[1], "x");
    add(ep, p[0], EPOLLIN, 1);
    int copy = dup(p[0]);
    close(p[0]);
    show_wait("closed, a dup lives", ep, 8, 0);
    check("DEL by the closed fd", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    check("DEL by the dup", epoll_ctl(ep, EPOLL_CTL_DEL, copy, NULL));
    check("ADD the dup", add(ep, copy, EPOLLIN, 2));
    check("ADD the dup at another number", add(ep, dup2(copy, 100), EPOLLIN, 3));
    show_wait("two numbers, one description", ep, 8, 0);
    close(100);
    show_wait("one closed", ep, 8, 0);
    close(copy);
    show_wait("last closed", ep, 8, 0);
    int q[2];
    new_pipe(q);
    put(q[1], "y");
    check("ADD a new file at the old number", add(ep, q[0], EPOLLIN, 4));
    show_wait("new file", ep, 8, 0);
    close(q[0]);
    close(q[1]);
    close(p[1]);
    close(ep);
}

static void across_fork(void)
{
    printf("-- epoll across fork\n");
    int ep = epoll_create1(0), p[2], q[2];
    new_pipe(p);
    new_pipe(q);
    add(ep, p[0], EPOLLIN, 1);
    fflush(stdout);
    pid_t child = fork();
    setup("fork", child);
    if (child == 0) {
        put(p[1], "from child");
        struct epoll_event event = { .events = EPOLLIN, .data.u64 = 2 };
        int ok = epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &event) == 0;
        struct epoll_event events[4];
        int n = epoll_wait(ep, events, 4, 0);
        _exit(ok && n == 1 ? 0 : 1);
    }
    int status;
    waitpid(child, &status, 0);
    printf("child: %s\n", WIFEXITED(status) ? (WEXITSTATUS(status) == 0 ? "ok" : "failed") : "killed");
    show_wait("parent sees the child's data", ep, 8, 0);
    put(q[1], "q");
    show_wait("and the child's registration", ep, 8, 0);
    check("DEL the child's registration", epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
    close(ep);
}

static int thread_pipe[2];

static void* writer_thread(void* arg)
{
    (void)arg;
    struct timespec pause = { 0, 30000000 };
    nanosleep(&pause, NULL);
    put(thread_pipe[1], "wake");
    return NULL;
}

static volatile sig_atomic_t handled;
static void on_signal(int signal)
{
    (void)signal;
    handled++;
}

static int64_t elapsed_ms(const struct timespec* start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void blocking(void)
{
    printf("-- blocking\n");
    int ep = epoll_create1(0);
    new_pipe(thread_pipe);
    add(ep, thread_pipe[0], EPOLLIN, 1);
    pthread_t thread;
    setup("pthread_create", -pthread_create(&thread, NULL, writer_thread, NULL));
    show_wait("woken by another thread's write", ep, 8, -1);
    pthread_join(thread, NULL);
    drain(thread_pipe[0]);

    show_wait("timeout 0", ep, 8, 0);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    show_wait("timeout 50 ms", ep, 8, 50);
    printf("waited at least 40 ms: %s\n", elapsed_ms(&start) >= 40 ? "yes" : "no");
    struct timespec pause = { 0, 50000000 };
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct epoll_event events[4];
    check("pwait2 50 ms", syscall(SYS_epoll_pwait2, ep, events, 4, &pause, NULL, 8));
    printf("waited at least 40 ms: %s\n", elapsed_ms(&start) >= 40 ? "yes" : "no");

    struct sigaction action = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
    sigaction(SIGUSR1, &action, NULL);
    struct itimerval timer = { .it_value = { 0, 20000 } };
    setitimer(ITIMER_REAL, &timer, NULL);
    handled = 0;
    show_wait("SIGALRM with SA_RESTART", ep, 8, -1);
    printf("handled: %d\n", handled);

    // epoll_pwait: SIGUSR1 blocked, pending; the call's mask lets it through.
    sigset_t block, empty, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    handled = 0;
    int n = epoll_pwait(ep, events, 4, -1, &empty);
    printf("pwait unblocking a pending signal: %d %s, handled %d\n", n, n < 0 ? errno_name(errno) : "", handled);
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("SIGUSR1 blocked again: %s\n", sigismember(&now, SIGUSR1) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &block, NULL);

    // ... and a mask that blocks SIGALRM keeps the wait going; the signal comes after it.
    sigset_t alarm_only;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    handled = 0;
    setitimer(ITIMER_REAL, &timer, NULL);
    n = epoll_pwait(ep, events, 4, 100, &alarm_only);
    printf("pwait with SIGALRM masked: %d, handled %d\n", n, handled);
    pause.tv_nsec = 1000000;
    nanosleep(&pause, NULL);
    printf("handled after: %d\n", handled);
    setitimer(ITIMER_REAL, &timer, NULL);
    handled = 0;
    n = syscall(SYS_epoll_pwait2, ep, events, 4, NULL, &empty, 8);
    printf("pwait2 forever, SIGALRM: %d %s, handled %d\n", n, n < 0 ? errno_name(errno) : "", handled);
    close(thread_pipe[0]);
    close(thread_pipe[1]);
    close(ep);
}

static void many_ready(void)
{
    printf("-- more ready than maxevents\n");
    int ep = epoll_create1(0), pipes[5][2];
    for (int i = 0; i < 5; ++i) {
        new_pipe(pipes[i]);
        put(pipes[i][1], "x");
        add(ep, pipes[i][0], EPOLLIN, 100 + i);
    }
    struct epoll_event events[2];
    int seen[5] = { 0 };
    for (int round = 0; round < 3; ++round) {
        int n = epoll_wait(ep, events, 2, 0);
        printf("round %d: %d\n", round, n);
        for (int i = 0; i < n; ++i)
            seen[events[i].data.u64 - 100] = 1;
    }
    int total = 0;
    for (int i = 0; i < 5; ++i)
        total += seen[i];
    printf("all seen in 3 rounds of 2: %d\n", total);
    show_wait("maxevents 8", ep, 8, 0);
    for (int i = 0; i < 5; ++i) {
        close(pipes[i][0]);
        close(pipes[i][1]);
    }
    close(ep);
}

// Ends a program that a kernel bug left waiting forever, so that it cannot hang the suite.
static void* watchdog(void* arg)
{
    (void)arg;
    sleep(60);
    printf("watchdog: no progress in 60 s\n");
    fflush(stdout);
    _exit(3);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t thread;
    setup("pthread_create", -pthread_create(&thread, NULL, watchdog, NULL));
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errors();
    level_and_edge();
    other_files();
    sockets();
    nesting();
    descriptions();
    across_fork();
    blocking();
    many_ready();
    return failures;
}
