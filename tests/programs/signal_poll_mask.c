// signal_poll_mask: the signal masks of ppoll and pselect6. SIGUSR1 is blocked; a forked child
// sends it while the parent waits on a pipe that never becomes readable. With an empty mask
// the wait ends with EINTR after the handler ran, and the old mask (SIGUSR1 blocked) is back
// afterwards; with a mask that blocks it too, the wait times out and the signal stays pending.
// A signal already pending that the mask lets through ends the wait at once; ready files win
// over such a signal (the call returns them and the signal stays pending), and a zero timeout
// does not keep it from ending the call. Also: a null mask keeps the thread's, and a wrong
// sigset size is EINVAL.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "timing.h"

static volatile sig_atomic_t handled;
static volatile sig_atomic_t usr2_blocked_in_handler;
static int pipe_fds[2];

static void handler(int signo)
{
    (void)signo;
    handled++;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    usr2_blocked_in_handler = sigismember(&now, SIGUSR2);
}

static int usr1_blocked(void)
{
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    return sigismember(&now, SIGUSR1);
}

static int usr1_pending(void)
{
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, SIGUSR1);
}

static const char* outcome(long result)
{
    static char text[32];
    if (result >= 0) {
        snprintf(text, sizeof(text), "%ld", result);
        return text;
    }
    return errno == EINTR ? "EINTR" : errno == EINVAL ? "EINVAL" : "other error";
}

// A child that sends SIGUSR1 to the parent after `delay_ms`.
static pid_t send_later(int delay_ms)
{
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        sleep_ms(delay_ms);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    return child;
}

static void reap(pid_t child)
{
    int status;
    waitpid(child, &status, 0);
}

// Takes a pending SIGUSR1 through the handler (unblocking it for a moment).
static void drain(void)
{
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
}

static long wait_with(int use_pselect, const sigset_t* mask, int timeout_ms)
{
    struct timespec timeout = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
    if (use_pselect) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(pipe_fds[0], &readable);
        return pselect(pipe_fds[0] + 1, &readable, NULL, NULL, &timeout, mask);
    }
    struct pollfd entry = { pipe_fds[0], POLLIN, 0 };
    return ppoll(&entry, 1, &timeout, mask);
}

static void interrupted_by_child(int use_pselect)
{
    const char* name = use_pselect ? "pselect" : "ppoll";
    sigset_t empty;
    sigemptyset(&empty);
    handled = 0;
    pid_t child = send_later(50);
    int64_t start = now_ms();
    long result = wait_with(use_pselect, &empty, 5000);
    int64_t took = now_ms() - start;
    printf("%s, empty mask, signal from a child: %s, handler ran %d, usr2 blocked in handler %d, quick %s, usr1 blocked after %d\n",
        name, outcome(result), (int)handled, (int)usr2_blocked_in_handler, took < 3000 ? "yes" : "no", usr1_blocked());
    reap(child);
}

static void masked_times_out(int use_pselect)
{
    const char* name = use_pselect ? "pselect" : "ppoll";
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    handled = 0;
    pid_t child = send_later(20);
    long result = wait_with(use_pselect, &usr1, 300);
    printf("%s, mask blocking SIGUSR1: %s, handler ran %d, pending %d\n", name, outcome(result), (int)handled, usr1_pending());
    reap(child);
    drain();
    printf("%s: after unblocking, handler ran %d\n", name, (int)handled);
}

static void already_pending(int use_pselect)
{
    const char* name = use_pselect ? "pselect" : "ppoll";
    sigset_t empty;
    sigemptyset(&empty);
    handled = 0;
    raise(SIGUSR1);
    int64_t start = now_ms();
    long result = wait_with(use_pselect, &empty, 5000);
    int64_t took = now_ms() - start;
    printf("%s, empty mask, signal already pending: %s, handler ran %d, quick %s, pending after %d\n", name, outcome(result),
        (int)handled, took < 3000 ? "yes" : "no", usr1_pending());
}

// Linux looks for a signal even when the call does not wait.
static void zero_timeout(int use_pselect)
{
    const char* name = use_pselect ? "pselect" : "ppoll";
    sigset_t empty;
    sigemptyset(&empty);
    handled = 0;
    raise(SIGUSR1);
    long result = wait_with(use_pselect, &empty, 0);
    printf("%s, zero timeout, empty mask, signal pending: %s, handler ran %d, pending after %d\n", name, outcome(result), (int)handled,
        usr1_pending());
    drain();
}

static void ready_wins(int use_pselect)
{
    const char* name = use_pselect ? "pselect" : "ppoll";
    sigset_t empty;
    sigemptyset(&empty);
    handled = 0;
    if (write(pipe_fds[1], "x", 1) != 1)
        perror("write");
    raise(SIGUSR1);
    long result = wait_with(use_pselect, &empty, 1000);
    printf("%s, readable pipe and a pending signal: %s, handler ran %d, pending after %d\n", name, outcome(result), (int)handled,
        usr1_pending());
    char byte;
    if (read(pipe_fds[0], &byte, 1) != 1)
        perror("read");
    drain();
    printf("%s: after unblocking, handler ran %d\n", name, (int)handled);
}

static void null_mask(int use_pselect)
{
    const char* name = use_pselect ? "pselect" : "ppoll";
    handled = 0;
    raise(SIGUSR1);
    long result = wait_with(use_pselect, NULL, 100);
    printf("%s, null mask, signal pending: %s, handler ran %d, pending %d\n", name, outcome(result), (int)handled, usr1_pending());
    drain();
}

static void bad_sizes(void)
{
    sigset_t empty;
    sigemptyset(&empty);
    struct timespec timeout = { 0, 1000000 };
    struct pollfd entry = { pipe_fds[0], POLLIN, 0 };
    long result = syscall(SYS_ppoll, &entry, 1, &timeout, &empty, 4);
    printf("ppoll, sigsetsize 4: %s\n", outcome(result));
    result = syscall(SYS_ppoll, &entry, 1, &timeout, NULL, 4);
    printf("ppoll, no mask, sigsetsize 4: %s\n", outcome(result));
    struct {
        const sigset_t* mask;
        size_t size;
    } mask_argument = { &empty, 4 };
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(pipe_fds[0], &readable);
    result = syscall(SYS_pselect6, pipe_fds[0] + 1, &readable, NULL, NULL, &timeout, &mask_argument);
    printf("pselect6, ss_len 4: %s\n", outcome(result));
    mask_argument.mask = NULL;
    FD_SET(pipe_fds[0], &readable);
    result = syscall(SYS_pselect6, pipe_fds[0] + 1, &readable, NULL, NULL, &timeout, &mask_argument);
    printf("pselect6, no mask, ss_len 4: %s\n", outcome(result));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (pipe(pipe_fds) != 0) {
        perror("pipe");
        return 1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &action, NULL);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);

    for (int use_pselect = 0; use_pselect < 2; ++use_pselect) {
        interrupted_by_child(use_pselect);
        masked_times_out(use_pselect);
        already_pending(use_pselect);
        zero_timeout(use_pselect);
        ready_wins(use_pselect);
        null_mask(use_pselect);
    }
    bad_sizes();
    return 0;
}
