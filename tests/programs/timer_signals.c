// timer_signals: timers that send signals to handlers. alarm and a one-shot ITIMER_REAL
// raise SIGALRM, an interval ITIMER_REAL keeps raising it, ITIMER_PROF fires on CPU time,
// timer_create with SIGEV_SIGNAL delivers si_code SI_TIMER and the sigev_value, SIGEV_THREAD_ID
// reaches the named thread, and a signal cuts nanosleep, poll and a blocking pipe read short
// with EINTR. Each check prints one deterministic line.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "timing.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static volatile sig_atomic_t alarms, profs, timer_signals, timer_code, timer_value, timer_tid_ok;

static void on_alarm(int signal) { alarms++; }
static void on_prof(int signal) { profs++; }

static void on_timer(int signal, siginfo_t* info, void* context)
{
    timer_signals++;
    timer_code = info->si_code;
    timer_value = info->si_value.sival_int;
    timer_tid_ok = syscall(SYS_gettid) == getpid();
}

// Waits (sleeping in short steps) until `*counter` reaches `wanted` or 5 s pass.
static int wait_for(volatile sig_atomic_t* counter, int wanted)
{
    int64_t give_up = now_ms() + 5000;
    while (*counter < wanted && now_ms() < give_up)
        sleep_ms(1);
    return *counter >= wanted;
}

static const char* yes(int condition) { return condition ? "yes" : "no"; }

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigaction(SIGALRM, &action, NULL);

    alarm(1);
    int handled = wait_for(&alarms, 1);
    printf("alarm(1) handled: %s, alarms %d\n", yes(handled), alarms);

    alarms = 0;
    struct itimerval value = { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &value, NULL);
    printf("one-shot ITIMER_REAL handled: %s\n", yes(wait_for(&alarms, 1)));
    sleep_ms(50);
    printf("only once: %s\n", yes(alarms == 1));

    alarms = 0;
    value = (struct itimerval) { { 0, 10000 }, { 0, 10000 } };
    setitimer(ITIMER_REAL, &value, NULL);
    printf("interval ITIMER_REAL: 5 signals: %s\n", yes(wait_for(&alarms, 5)));
    value = (struct itimerval) { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &value, NULL);

    action.sa_handler = on_prof;
    sigaction(SIGPROF, &action, NULL);
    value = (struct itimerval) { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_PROF, &value, NULL);
    int64_t give_up = now_ms() + 5000;
    while (!profs && now_ms() < give_up) {
    }
    printf("ITIMER_PROF fired on CPU time: %s\n", yes(profs == 1));

    action.sa_handler = NULL;
    action.sa_sigaction = on_timer;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &action, NULL);
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = SIGUSR1;
    event.sigev_value.sival_int = 42;
    timer_t timer;
    timer_create(CLOCK_MONOTONIC, &event, &timer);
    struct itimerspec spec = { { 0, 0 }, { 0, 15000000 } };
    timer_settime(timer, 0, &spec, NULL);
    handled = wait_for(&timer_signals, 1);
    printf("SIGEV_SIGNAL handled: %s, SI_TIMER: %s, value %d\n", yes(handled), yes(timer_code == SI_TIMER), timer_value);
    timer_delete(timer);

    timer_signals = 0;
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
    event.sigev_value.sival_int = 7;
    timer_create(CLOCK_REALTIME, &event, &timer);
    spec = (struct itimerspec) { { 0, 10000000 }, { 0, 10000000 } };
    timer_settime(timer, 0, &spec, NULL);
    handled = wait_for(&timer_signals, 3);
    printf("SIGEV_THREAD_ID: 3 signals: %s, to this thread: %s, value %d\n", yes(handled), yes(timer_tid_ok), timer_value);
    timer_delete(timer);

    // A handler without SA_RESTART cuts blocking calls short.
    action.sa_handler = on_alarm;
    action.sa_flags = 0;
    sigaction(SIGALRM, &action, NULL);
    value = (struct itimerval) { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &value, NULL);
    struct timespec request = { 5, 0 }, left = { 0, 0 };
    int64_t start = now_ms();
    int result = nanosleep(&request, &left);
    int64_t slept = now_ms() - start;
    printf("nanosleep interrupted: %d %s, early: %s\n", result, errno == EINTR ? "EINTR" : strerror(errno), yes(slept < 4000));
    // rem holds what was left of the 5 s, give or take the scheduling of the signal.
    int64_t left_ms = left.tv_sec * 1000 + left.tv_nsec / 1000000;
    printf("nanosleep wrote the time left: %s\n", yes(left_ms > 5000 - slept - 500 && left_ms <= 5000 - slept + 50));

    int fds[2];
    pipe(fds);
    setitimer(ITIMER_REAL, &value, NULL);
    struct pollfd entry = { fds[0], POLLIN, 0 };
    result = poll(&entry, 1, 5000);
    printf("poll interrupted: %d %s\n", result, errno == EINTR ? "EINTR" : strerror(errno));
    setitimer(ITIMER_REAL, &value, NULL);
    char byte;
    ssize_t n = read(fds[0], &byte, 1);
    printf("pipe read interrupted: %zd %s\n", n, errno == EINTR ? "EINTR" : strerror(errno));
    return 0;
}
