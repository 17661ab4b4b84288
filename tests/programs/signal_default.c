// signal_default: default actions. argv[1] is a signal number, argv[2] how it is sent:
// "raise" (the default), "kill" (kill(getpid())), "thread" (another thread sends it with
// kill() while main sleeps in nanosleep), "unblock" (raised while blocked, then unblocked),
// "sigqueue". The program prints a line before, and one after if it survives (ignored
// signals); the exit status says how it ended (128+N for a fatal signal).
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int signo;

static void* sender(void* argument)
{
    (void)argument;
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    kill(getpid(), signo);
    return NULL;
}

int main(int argc, char** argv)
{
    if (argc < 2)
        return 2;
    signo = atoi(argv[1]);
    const char* how = argc > 2 ? argv[2] : "raise";
    printf("sending signal %d by %s\n", signo, how);
    fflush(stdout);
    if (strcmp(how, "kill") == 0) {
        kill(getpid(), signo);
    } else if (strcmp(how, "thread") == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, sender, NULL);
        struct timespec sleep = { 0, 200 * 1000 * 1000 };
        nanosleep(&sleep, NULL);
        pthread_join(thread, NULL);
    } else if (strcmp(how, "unblock") == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signo);
        sigprocmask(SIG_BLOCK, &set, NULL);
        raise(signo);
        printf("still here while blocked\n");
        fflush(stdout);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
    } else if (strcmp(how, "sigqueue") == 0) {
        union sigval value = { .sival_int = 1 };
        sigqueue(getpid(), signo, value);
    } else {
        raise(signo);
    }
    printf("survived signal %d\n", signo);
    return 0;
}
