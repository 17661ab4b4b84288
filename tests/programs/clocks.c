// clocks: what the clocks promise, printed as facts that hold on any Linux (yes/no, resolutions,
// errno names), so the native run is the oracle. Monotonicity over 100,000 reads of each clock,
// clock_getres of every clock id, CPU-time clocks that advance with work and not with sleep
// (process, thread, clock_getcpuclockid, pthread_getcpuclockid, getrusage, times), and the
// other ways to read the wall clock agreeing with clock_gettime.
// `clocks loop N` only reads CLOCK_MONOTONIC N times (tests/integration/vdso.sh counts traps).
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static const char* yes(int condition) { return condition ? "yes" : "no"; }

static int64_t ns_of(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static int64_t read_ns(clockid_t clock)
{
    struct timespec t;
    if (clock_gettime(clock, &t) != 0)
        return -1;
    return ns_of(t);
}

static const char* errno_name(int e)
{
    return e == EINVAL ? "EINVAL" : e == EFAULT ? "EFAULT" : e == ESRCH ? "ESRCH" : e == EPERM ? "EPERM" : "other";
}

static void print_resolution(const char* name, clockid_t clock)
{
    struct timespec t;
    if (clock_getres(clock, &t) != 0)
        printf("getres %s: -1 %s\n", name, errno_name(errno));
    else
        printf("getres %s: %ld.%09ld\n", name, (long)t.tv_sec, t.tv_nsec);
}

static volatile uint64_t g_sink;

// Works until `clock` has advanced `ms` (a loaded host gives us less than wall time), or
// 10 s of wall time have passed.
static void spin(clockid_t clock, int ms)
{
    int64_t end = read_ns(clock) + (int64_t)ms * 1000000;
    int64_t give_up = read_ns(CLOCK_MONOTONIC) + 10000000000;
    while (read_ns(clock) < end && read_ns(CLOCK_MONOTONIC) < give_up)
        for (int i = 0; i < 1000; ++i)
            g_sink += i;
}

static int64_t usage_ns(int who)
{
    struct rusage usage;
    if (getrusage(who, &usage) != 0)
        return -1;
    return ((int64_t)usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000 +
        ((int64_t)usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000;
}

static volatile int g_other_done;
static pthread_t g_main;

static void* worker(void* unused)
{
    (void)unused;
    // The main thread's CPU clock, read from this one while main sleeps in join.
    clockid_t main_clock;
    int got = pthread_getcpuclockid(g_main, &main_clock);
    int64_t before = got == 0 ? read_ns(main_clock) : -1;
    int64_t own_before = read_ns(CLOCK_THREAD_CPUTIME_ID);
    spin(CLOCK_THREAD_CPUTIME_ID, 60);
    int64_t own_after = read_ns(CLOCK_THREAD_CPUTIME_ID);
    int64_t after = got == 0 ? read_ns(main_clock) : -1;
    printf("thread: own clock advanced with work: %s\n", yes(own_after - own_before >= 60000000));
    printf("thread: main thread's clock readable: %s\n", yes(before >= 0 && after >= before));
    printf("thread: main thread's clock still while it waits: %s\n", yes(after - before < 30000000));
    g_other_done = 1;
    return NULL;
}

int main(int argc, char** argv)
{
    if (argc == 3 && strcmp(argv[1], "loop") == 0) {
        long count = atol(argv[2]);
        int64_t last = 0, backwards = 0;
        for (long i = 0; i < count; ++i) {
            int64_t now = read_ns(CLOCK_MONOTONIC);
            backwards += now < last;
            last = now;
        }
        printf("%ld reads, %ld backwards\n", count, (long)backwards);
        return 0;
    }

    static const struct { const char* name; clockid_t id; } clocks[] = {
        { "REALTIME", CLOCK_REALTIME }, { "MONOTONIC", CLOCK_MONOTONIC },
        { "PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID }, { "THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID },
        { "MONOTONIC_RAW", CLOCK_MONOTONIC_RAW }, { "REALTIME_COARSE", CLOCK_REALTIME_COARSE },
        { "MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE }, { "BOOTTIME", CLOCK_BOOTTIME }, { "TAI", CLOCK_TAI },
    };
    for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); ++i) {
        int64_t last = read_ns(clocks[i].id), ok = last >= 0;
        int monotonic_kind = clocks[i].id != CLOCK_REALTIME && clocks[i].id != CLOCK_REALTIME_COARSE && clocks[i].id != CLOCK_TAI;
        for (int n = 0; n < 100000 && monotonic_kind; ++n) {
            int64_t now = read_ns(clocks[i].id);
            ok &= now >= last;
            last = now;
        }
        printf("%s: readable%s: %s\n", clocks[i].name, monotonic_kind ? ", never back over 100000 reads" : "", yes(ok));
        print_resolution(clocks[i].name, clocks[i].id);
    }
    print_resolution("10 (none)", 10);
    struct timespec t;
    printf("gettime 10 (none): %d %s\n", clock_gettime(10, &t), errno_name(errno));

    // CPU-time clocks by id, as glibc makes them.
    clockid_t process_clock, thread_clock;
    printf("clock_getcpuclockid(0): %d\n", clock_getcpuclockid(0, &process_clock));
    printf("clock_getcpuclockid(getpid()): %d\n", clock_getcpuclockid(getpid(), &process_clock));
    print_resolution("process clock", process_clock);
    printf("pthread_getcpuclockid(self): %d\n", pthread_getcpuclockid(pthread_self(), &thread_clock));
    print_resolution("thread clock", thread_clock);
    print_resolution("PROF process clock (~0<<3|0)", (clockid_t)((~0u << 3) | 0));
    print_resolution("VIRT thread clock (~0<<3|5)", (clockid_t)((~0u << 3) | 5));
    print_resolution("bad kind (~0<<3|3)", (clockid_t)((~0u << 3) | 3));
    print_resolution("no such process (~999999<<3|2)", (clockid_t)((~999999u << 3) | 2));
    print_resolution("no such thread (~999999<<3|6)", (clockid_t)((~999999u << 3) | 6));

    // Work advances CPU time; sleep does not.
    int64_t process_before = read_ns(CLOCK_PROCESS_CPUTIME_ID), thread_before = read_ns(CLOCK_THREAD_CPUTIME_ID);
    int64_t by_id_before = read_ns(process_clock), rusage_before = usage_ns(RUSAGE_SELF);
    int64_t rusage_thread_before = usage_ns(RUSAGE_THREAD);
    struct tms tms_before;
    times(&tms_before);
    spin(CLOCK_PROCESS_CPUTIME_ID, 200);
    int64_t process_worked = read_ns(CLOCK_PROCESS_CPUTIME_ID), thread_worked = read_ns(CLOCK_THREAD_CPUTIME_ID);
    int64_t by_id_worked = read_ns(process_clock), rusage_worked = usage_ns(RUSAGE_SELF);
    int64_t rusage_thread_worked = usage_ns(RUSAGE_THREAD);
    struct tms tms_worked;
    times(&tms_worked);
    printf("process CPU time advanced with work (200 ms): %s\n", yes(process_worked - process_before >= 200000000));
    printf("thread CPU time advanced with work: %s\n", yes(thread_worked - thread_before >= 100000000));
    printf("clock_getcpuclockid clock advanced with work: %s\n", yes(by_id_worked - by_id_before >= 100000000));
    printf("getrusage(SELF) advanced with work: %s\n", yes(rusage_worked - rusage_before >= 100000000));
    printf("getrusage(THREAD) advanced with work: %s\n", yes(rusage_thread_worked - rusage_thread_before >= 100000000));
    printf("times() user+system advanced with work (>= 10 ticks): %s\n",
        yes((tms_worked.tms_utime + tms_worked.tms_stime) - (tms_before.tms_utime + tms_before.tms_stime) >= 10));
    printf("CPU time no more than wall time: %s\n", yes(process_worked - process_before < 2000000000));
    struct timespec nap = { 0, 200000000 };
    nanosleep(&nap, NULL);
    int64_t process_slept = read_ns(CLOCK_PROCESS_CPUTIME_ID), thread_slept = read_ns(CLOCK_THREAD_CPUTIME_ID);
    printf("process CPU time still over a 200 ms sleep (< 50 ms): %s\n", yes(process_slept - process_worked < 50000000));
    printf("thread CPU time still over a sleep: %s\n", yes(thread_slept - thread_worked < 50000000));
    printf("getrusage(CHILDREN) without children is zero: %s\n", yes(usage_ns(RUSAGE_CHILDREN) == 0));
    printf("getrusage(42): %d %s\n", getrusage(42, &(struct rusage) {}), errno_name(errno));

    // Another thread: its own clock, the main thread's clock by id, and the process clock
    // keeping an exited thread's time.
    g_main = pthread_self();
    int64_t process_before_thread = read_ns(CLOCK_PROCESS_CPUTIME_ID);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    pthread_join(thread, NULL);
    int64_t process_after_thread = read_ns(CLOCK_PROCESS_CPUTIME_ID);
    printf("process CPU time kept an exited thread's work: %s\n", yes(g_other_done && process_after_thread - process_before_thread >= 40000000));

    // The wall clock, three ways.
    struct timeval tv;
    struct timezone tz;
    int64_t realtime = read_ns(CLOCK_REALTIME);
    gettimeofday(&tv, &tz);
    time_t seconds = time(NULL);
    int64_t from_timeval = (int64_t)tv.tv_sec * 1000000000 + tv.tv_usec * 1000;
    printf("gettimeofday agrees with CLOCK_REALTIME (10 ms): %s\n", yes(from_timeval - realtime >= -1000 && from_timeval - realtime < 10000000));
    printf("time() agrees with CLOCK_REALTIME: %s\n", yes(seconds >= realtime / 1000000000 && seconds <= realtime / 1000000000 + 1));
    printf("wall clock after 2020: %s\n", yes(seconds > 1577836800));
    printf("COARSE clocks within a second of the fine ones: %s\n",
        yes(read_ns(CLOCK_MONOTONIC_COARSE) - read_ns(CLOCK_MONOTONIC) < 1000000000 && read_ns(CLOCK_REALTIME) - read_ns(CLOCK_REALTIME_COARSE) < 1000000000));
    return 0;
}
