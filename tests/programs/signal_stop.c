// signal_stop: stop and continue. SIGSTOP stops the process until a POSIX timer sends
// SIGCONT, whose handler then runs; meanwhile a second thread makes no progress. SIGTSTP
// runs a handler if there is one and does nothing if ignored; a blocked SIGTTIN stays pending.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile int continued, tstp;
static volatile long progress;

static void on_continue(int signo)
{
    (void)signo;
    continued++;
}

static void on_tstp(int signo)
{
    (void)signo;
    tstp++;
}

static void* worker(void* argument)
{
    (void)argument;
    for (;;) {
        progress++;
        struct timespec pause = { 0, 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static double now(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec + time.tv_nsec / 1e9;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_tstp;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTSTP, &action, NULL);
    raise(SIGTSTP);
    printf("SIGTSTP handler calls %d\n", tstp);
    signal(SIGTSTP, SIG_IGN);
    raise(SIGTSTP);
    printf("SIGTSTP ignored: still running\n");
    sigset_t block, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGTTIN);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGTTIN);
    sigpending(&pending);
    printf("SIGTTIN blocked: pending %d\n", sigismember(&pending, SIGTTIN));
    signal(SIGTTIN, SIG_IGN); // discards it

    action.sa_handler = on_continue;
    sigaction(SIGCONT, &action, NULL);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    timer_t timer;
    struct sigevent event;
    memset(&event, 0, sizeof(event));
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = SIGCONT;
    timer_create(CLOCK_MONOTONIC, &event, &timer);
    struct itimerspec when = { { 0, 0 }, { 0, 300 * 1000 * 1000 } };
    struct timespec settle = { 0, 20 * 1000 * 1000 };
    nanosleep(&settle, NULL);
    double start = now();
    timer_settime(timer, 0, &when, NULL);
    long before = progress;
    raise(SIGSTOP);
    long after = progress;
    double stopped = now() - start;
    // The handler may run on the worker (musl's raise blocks signals in the caller).
    for (int i = 0; i < 1000 && !continued; i++) {
        struct timespec pause = { 0, 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    printf("continued: SIGCONT handler calls %d, stopped long enough %d, worker idle while stopped %d\n", continued,
        stopped > 0.25, after - before < 50);
    return 0;
}
