// busy_echo.c PORT SECONDS: a TCP echo server on PORT in a thread of its own while the main
// thread computes for SECONDS without a single system call (it counts time-stamp counter
// ticks, not even reading the vDSO's clock, which may trap to re-anchor itself).
// The echo must not wait for the computation to end: the kernel has to notice arriving frames
// although the only runnable thread never traps. Prints "listening", then "echoed N" and
// "computed" in that order when it works.
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

static int listener;
static volatile int echoed = -1;

static void* echo(void* unused)
{
    (void)unused;
    int connection = accept(listener, NULL, NULL);
    char buffer[256];
    ssize_t got = connection < 0 ? -1 : read(connection, buffer, sizeof buffer);
    if (got > 0 && write(connection, buffer, (size_t)got) == got)
        echoed = (int)got;
    else
        echoed = 0;
    printf("echoed %d\n", echoed);
    return NULL;
}

static double now(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + (double)time.tv_nsec / 1e9;
}

int main(int argc, char** argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int port = argc > 1 ? atoi(argv[1]) : 7;
    double seconds = argc > 2 ? atof(argv[2]) : 5;
    listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr*)&address, sizeof address) || listen(listener, 4)) {
        perror("busy_echo: bind/listen");
        return 1;
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, echo, NULL)) {
        fprintf(stderr, "busy_echo: pthread_create failed\n");
        return 1;
    }
    // Let the echo thread reach accept before computing, and learn the TSC's rate meanwhile.
    double start = now();
    unsigned long long start_ticks = __rdtsc();
    usleep(100000);
    double rate = (double)(__rdtsc() - start_ticks) / (now() - start);
    unsigned long long end = __rdtsc() + (unsigned long long)(rate * seconds);
    printf("listening\n");
    volatile unsigned long spins = 0;
    // Computing for the full time, whether or not the echo happened meanwhile.
    while (__rdtsc() < end)
        ++spins;
    printf("computed\n");
    pthread_join(thread, NULL);
    return echoed > 0 ? 0 : 1;
}
