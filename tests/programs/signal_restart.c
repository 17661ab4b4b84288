// signal_restart: signals from another thread that first sleeps, cutting blocking calls
// short. nanosleep and poll end with EINTR with or without SA_RESTART; a pipe read ends with
// EINTR without SA_RESTART and is restarted with it; a futex wait ends with EINTR; kill() of the
// process from a thread interrupts the main thread; sigsuspend runs the handler and puts the
// mask back; sigtimedwait times out, takes a signal kill()ed by another thread with its siginfo,
// takes one already pending, and is cut short by a handled signal.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "timing.h"

#define FUTEX_WAIT_PRIVATE 128

static volatile int handled, handled_by_main;
static pthread_t main_thread;
static int pipe_fds[2];
static int futex_word;

struct Plan {
    int signo;
    int by_kill;      // kill(getpid()) rather than pthread_kill(main)
    int then_write;   // then write a byte into the pipe
};

static void* sender(void* argument)
{
    struct Plan* plan = argument;
    sleep_ms(50);
    if (plan->by_kill)
        kill(getpid(), plan->signo);
    else
        pthread_kill(main_thread, plan->signo);
    if (plan->then_write) {
        sleep_ms(50);
        if (write(pipe_fds[1], "x", 1) != 1)
            perror("write");
    }
    return NULL;
}

static pthread_t start(struct Plan* plan)
{
    pthread_t thread;
    pthread_create(&thread, NULL, sender, plan);
    return thread;
}

static void handler(int signo)
{
    (void)signo;
    handled++;
    handled_by_main = pthread_equal(pthread_self(), main_thread);
}

static void install(int signo, int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
}

static const char* outcome(long result)
{
    static char text[32];
    if (result >= 0) {
        snprintf(text, sizeof(text), "%ld", result);
        return text;
    }
    return errno == EINTR ? "EINTR" : errno == EAGAIN ? "EAGAIN" : errno == ETIMEDOUT ? "ETIMEDOUT" : "other error";
}

static void check_sleep(const char* label, int flags, int by_kill)
{
    install(SIGUSR1, flags);
    struct Plan plan = { SIGUSR1, by_kill, 0 };
    handled = 0;
    pthread_t thread = start(&plan);
    struct timespec long_sleep = { 5, 0 };
    long result = nanosleep(&long_sleep, NULL);
    printf("%s: nanosleep %s, handled %d, by main %d\n", label, outcome(result), handled, handled_by_main);
    pthread_join(thread, NULL);
}

static void check_read(const char* label, int flags)
{
    install(SIGUSR1, flags);
    struct Plan plan = { SIGUSR1, 0, 1 };
    handled = 0;
    pthread_t thread = start(&plan);
    char byte;
    long result = read(pipe_fds[0], &byte, 1);
    printf("%s: pipe read %s, handled %d\n", label, outcome(result), handled);
    pthread_join(thread, NULL);
    if (result < 0 && read(pipe_fds[0], &byte, 1) != 1) // the byte written after the signal
        printf("lost the byte\n");
}

// poll is never restarted after a handler, SA_RESTART or not (Linux's ERESTARTNOHAND).
static void check_poll(const char* label, int flags)
{
    install(SIGUSR1, flags);
    struct Plan plan = { SIGUSR1, 0, 0 };
    handled = 0;
    pthread_t thread = start(&plan);
    struct pollfd wanted = { pipe_fds[0], POLLIN, 0 };
    long result = poll(&wanted, 1, 5000);
    printf("%s: poll %s, handled %d\n", label, outcome(result), handled);
    pthread_join(thread, NULL);
}

int main(void)
{
    main_thread = pthread_self();
    if (pipe(pipe_fds) != 0)
        return 1;
    setvbuf(stdout, NULL, _IOLBF, 0);

    check_sleep("no SA_RESTART", 0, 0);
    check_sleep("SA_RESTART", SA_RESTART, 0);
    check_sleep("kill() from a thread", 0, 1);
    check_read("no SA_RESTART", 0);
    check_read("SA_RESTART", SA_RESTART);
    check_poll("no SA_RESTART", 0);
    check_poll("SA_RESTART", SA_RESTART);

    install(SIGUSR1, 0);
    struct Plan plan = { SIGUSR1, 0, 0 };
    handled = 0;
    pthread_t thread = start(&plan);
    long result = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    printf("futex wait: %s, handled %d\n", outcome(result), handled);
    pthread_join(thread, NULL);

    // sigsuspend: the handler runs inside it, and the old mask comes back.
    sigset_t block, empty, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);
    handled = 0;
    thread = start(&plan);
    result = sigsuspend(&empty);
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("sigsuspend: %s, handled %d, USR1 blocked again %d\n", outcome(result), handled, sigismember(&now, SIGUSR1));
    pthread_join(thread, NULL);
    raise(SIGUSR1);
    printf("raised while blocked: handled %d\n", handled);
    result = sigsuspend(&empty);
    printf("sigsuspend with one pending: %s, handled %d\n", outcome(result), handled);

    // sigtimedwait.
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGUSR2);
    sigprocmask(SIG_BLOCK, &wanted, NULL);
    siginfo_t info;
    struct timespec short_wait = { 0, 50 * 1000 * 1000 }, long_wait = { 5, 0 }, zero = { 0, 0 };
    result = sigtimedwait(&wanted, &info, &short_wait);
    printf("sigtimedwait, nothing sent: %s\n", outcome(result));
    result = sigtimedwait(&wanted, &info, &zero);
    printf("sigtimedwait, zero timeout: %s\n", outcome(result));
    // kill(): this host's sigtimedwait reports SI_USER even for tgkill, handlers SI_TKILL.
    struct Plan plan2 = { SIGUSR2, 1, 0 };
    thread = start(&plan2);
    result = sigtimedwait(&wanted, &info, &long_wait);
    printf("sigtimedwait, sent by a thread: %s, si_signo %d, si_code %d, si_pid is self %d\n", outcome(result), info.si_signo, info.si_code, info.si_pid == getpid());
    pthread_join(thread, NULL);
    union sigval value = { .sival_int = 99 };
    sigqueue(getpid(), SIGUSR2, value);
    result = sigwaitinfo(&wanted, &info);
    printf("sigwaitinfo, already pending: %s, si_code %d, value %d\n", outcome(result), info.si_code, info.si_value.sival_int);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    handled = 0;
    thread = start(&plan);
    // (musl's sigtimedwait retries after EINTR, so it ends with EAGAIN after this timeout.)
    struct timespec medium_wait = { 0, 300 * 1000 * 1000 };
    result = sigtimedwait(&wanted, &info, &medium_wait);
    printf("sigtimedwait cut short by a handled signal: %s, handled %d\n", outcome(result), handled);
    pthread_join(thread, NULL);
    return 0;
}
