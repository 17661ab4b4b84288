// timers: timerfd (one-shot and interval expiration counts, absolute times on two clocks,
// poll, disarming), alarm and setitimer/getitimer values, POSIX timers with SIGEV_NONE, and
// nanosleep/clock_nanosleep accuracy. Timing checks print only yes/no with generous bounds.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL

static int64_t now_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec ns_timespec(int64_t ns) { return (struct timespec) { ns / 1000000000LL, ns % 1000000000LL }; }
static int64_t timespec_ns(struct timespec ts) { return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec; }

static void sleep_ns(int64_t ns)
{
    struct timespec ts = ns_timespec(ns);
    nanosleep(&ts, NULL);
}

static const char* yes(int condition) { return condition ? "yes" : "no"; }

static void timerfds(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec spec = { { 0, 0 }, ns_timespec(20 * MS) };
    int64_t start = now_ns(CLOCK_MONOTONIC);
    timerfd_settime(fd, 0, &spec, NULL);
    uint64_t count = 0;
    ssize_t n = read(fd, &count, sizeof count); // waits for the expiration
    printf("timerfd one-shot: read %zd count %llu, after 20 ms: %s\n", n, (unsigned long long)count, yes(now_ns(CLOCK_MONOTONIC) - start >= 20 * MS));
    struct itimerspec left;
    timerfd_gettime(fd, &left);
    printf("expired one-shot disarmed: %s\n", yes(left.it_value.tv_sec == 0 && left.it_value.tv_nsec == 0));

    spec = (struct itimerspec) { ns_timespec(10 * MS), ns_timespec(10 * MS) };
    timerfd_settime(fd, 0, &spec, NULL);
    sleep_ns(105 * MS);
    read(fd, &count, sizeof count);
    printf("interval timer: at least 5 expirations in 105 ms: %s, at most 11: %s\n", yes(count >= 5), yes(count <= 11));
    timerfd_gettime(fd, &left);
    printf("interval kept: %ld.%09ld, value within it: %s\n", (long)left.it_interval.tv_sec, left.it_interval.tv_nsec,
        yes(timespec_ns(left.it_value) > 0 && timespec_ns(left.it_value) <= 10 * MS));
    struct itimerspec old;
    spec = (struct itimerspec) { { 0, 0 }, { 0, 0 } };
    timerfd_settime(fd, 0, &spec, &old);
    timerfd_gettime(fd, &left);
    printf("disarmed: %s, old interval %ld.%09ld\n", yes(!left.it_value.tv_sec && !left.it_value.tv_nsec && !left.it_interval.tv_nsec),
        (long)old.it_interval.tv_sec, old.it_interval.tv_nsec);
    close(fd);

    fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    spec = (struct itimerspec) { { 0, 0 }, ns_timespec(now_ns(CLOCK_REALTIME) + 30 * MS) };
    timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL);
    n = read(fd, &count, sizeof count);
    printf("absolute realtime, before it: %zd %s\n", n, n < 0 && errno == EAGAIN ? "EAGAIN" : strerror(errno));
    struct pollfd entry = { fd, POLLIN, 0 };
    start = now_ns(CLOCK_MONOTONIC);
    int ready = poll(&entry, 1, 5000);
    n = read(fd, &count, sizeof count);
    printf("poll: %d revents %#x, read %zd count %llu, waited: %s\n", ready, entry.revents, n, (unsigned long long)count,
        yes(now_ns(CLOCK_MONOTONIC) - start >= 20 * MS));
    spec = (struct itimerspec) { { 0, 0 }, ns_timespec(now_ns(CLOCK_REALTIME) - 1000 * MS) };
    timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL);
    sleep_ns(5 * MS);
    n = read(fd, &count, sizeof count);
    printf("absolute time in the past: read %zd count %llu\n", n, (unsigned long long)count);
    close(fd);

    fd = timerfd_create(CLOCK_BOOTTIME, 0);
    spec = (struct itimerspec) { { 0, 0 }, ns_timespec(now_ns(CLOCK_BOOTTIME) + 10 * MS) };
    timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL);
    n = read(fd, &count, sizeof count);
    printf("absolute boottime: read %zd count %llu\n", n, (unsigned long long)count);
    n = read(fd, &count, 4);
    printf("short read: %zd %s\n", n, errno == EINVAL ? "EINVAL" : strerror(errno));
    close(fd);
    fd = timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0);
    printf("cpu clock timerfd: %d %s\n", fd, fd < 0 && errno == EINVAL ? "EINVAL" : strerror(errno));
    int pipe_fds[2];
    pipe(pipe_fds);
    int result = timerfd_settime(pipe_fds[0], 0, &spec, NULL);
    printf("settime on a pipe: %d %s\n", result, errno == EINVAL ? "EINVAL" : strerror(errno));
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static void itimers(void)
{
    printf("alarm(10): %u\n", alarm(10));
    printf("alarm(0): %u\n", alarm(0));
    printf("alarm(0) again: %u\n", alarm(0));
    struct itimerval value = { { 1, 0 }, { 5, 0 } }, got;
    setitimer(ITIMER_REAL, &value, NULL);
    getitimer(ITIMER_REAL, &got);
    printf("ITIMER_REAL interval %ld.%06ld, value in (4, 5] s: %s\n", (long)got.it_interval.tv_sec, (long)got.it_interval.tv_usec,
        yes(got.it_value.tv_sec * 1000000L + got.it_value.tv_usec > 4000000L && got.it_value.tv_sec * 1000000L + got.it_value.tv_usec <= 5000000L));
    struct itimerval zero = { { 0, 0 }, { 0, 0 } }, old;
    setitimer(ITIMER_REAL, &zero, &old);
    getitimer(ITIMER_REAL, &got);
    printf("disarmed: %s, old interval %ld.%06ld\n", yes(!got.it_value.tv_sec && !got.it_value.tv_usec), (long)old.it_interval.tv_sec,
        (long)old.it_interval.tv_usec);
    value = (struct itimerval) { { 0, 0 }, { 0, 1000000 } };
    int result = setitimer(ITIMER_REAL, &value, NULL);
    printf("tv_usec 1000000: %d %s\n", result, errno == EINVAL ? "EINVAL" : strerror(errno));
    value = (struct itimerval) { { 0, 0 }, { 100, 0 } };
    setitimer(ITIMER_PROF, &value, NULL);
    getitimer(ITIMER_PROF, &got);
    printf("ITIMER_PROF armed: %s\n", yes(got.it_value.tv_sec > 90 && got.it_value.tv_sec <= 100));
    setitimer(ITIMER_PROF, &zero, NULL);
    getitimer(ITIMER_VIRTUAL, &got);
    printf("ITIMER_VIRTUAL unarmed: %s\n", yes(!got.it_value.tv_sec && !got.it_value.tv_usec));
    result = getitimer(7, &got);
    printf("getitimer(7): %d %s\n", result, errno == EINVAL ? "EINVAL" : strerror(errno));
}

static void posix_timers(void)
{
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_NONE;
    timer_t timer;
    printf("timer_create SIGEV_NONE: %d\n", timer_create(CLOCK_MONOTONIC, &event, &timer));
    struct itimerspec spec = { ns_timespec(10 * MS), ns_timespec(10 * MS) }, left;
    timer_settime(timer, 0, &spec, NULL);
    sleep_ns(35 * MS);
    timer_gettime(timer, &left);
    printf("SIGEV_NONE interval %ld.%09ld, value within it: %s\n", (long)left.it_interval.tv_sec, left.it_interval.tv_nsec,
        yes(timespec_ns(left.it_value) > 0 && timespec_ns(left.it_value) <= 10 * MS));
    spec = (struct itimerspec) { { 0, 0 }, ns_timespec(now_ns(CLOCK_MONOTONIC) + 60000 * MS) };
    timer_settime(timer, TIMER_ABSTIME, &spec, NULL);
    timer_gettime(timer, &left);
    printf("absolute: value in (59, 60] s: %s, no interval: %s\n", yes(left.it_value.tv_sec >= 59 && timespec_ns(left.it_value) <= 60000 * MS),
        yes(!left.it_interval.tv_sec && !left.it_interval.tv_nsec));
    printf("timer_delete: %d\n", timer_delete(timer));
    int result = timer_gettime(timer, &left);
    printf("gettime after delete: %d %s\n", result, errno == EINVAL ? "EINVAL" : strerror(errno));
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = 0;
    result = timer_create(CLOCK_MONOTONIC, &event, &timer);
    printf("signal 0: %d %s\n", result, errno == EINVAL ? "EINVAL" : strerror(errno));
}

static void sleeps(void)
{
    int64_t start = now_ns(CLOCK_MONOTONIC);
    sleep_ns(20 * MS);
    int64_t elapsed = now_ns(CLOCK_MONOTONIC) - start;
    printf("nanosleep 20 ms: at least: %s, less than 40 ms: %s\n", yes(elapsed >= 20 * MS), yes(elapsed < 40 * MS));
    start = now_ns(CLOCK_MONOTONIC);
    struct timespec target = ns_timespec(start + 15 * MS);
    int result = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL);
    elapsed = now_ns(CLOCK_MONOTONIC) - start;
    printf("clock_nanosleep absolute: %d, at least: %s, less than 35 ms: %s\n", result, yes(elapsed >= 15 * MS), yes(elapsed < 35 * MS));
    struct timespec bad = { 0, 1000000000 };
    result = nanosleep(&bad, NULL);
    printf("tv_nsec 1e9: %d %s\n", result, errno == EINVAL ? "EINVAL" : strerror(errno));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    timerfds();
    itimers();
    posix_timers();
    sleeps();
    return 0;
}
