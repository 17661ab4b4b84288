// syscall_bench OP COUNT: times COUNT repetitions of one operation and prints
// "op=OP count=COUNT ns_per_op=N". Operations:
//   getppid        the cheapest real syscall
//   clock_gettime  CLOCK_MONOTONIC (the vDSO where there is one)
//   futex          a ping-pong between two threads on two futex words (one round trip)
//   thread         pthread_create + pthread_join of a thread that returns at once
//   mmap64         mmap 64 MiB anonymous, write one byte in each 4 KiB page, munmap
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static atomic_int g_turn; // 0: the main thread's turn, 1: the partner's
static long g_count;

static void futex_wait(atomic_int* word, int value) { syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0); }
static void futex_wake(atomic_int* word) { syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); }

static void* partner(void* unused)
{
    (void)unused;
    for (long i = 0; i < g_count; ++i) {
        while (atomic_load(&g_turn) != 1)
            futex_wait(&g_turn, 0);
        atomic_store(&g_turn, 0);
        futex_wake(&g_turn);
    }
    return NULL;
}

static void* empty(void* unused) { return unused; }

int main(int argc, char** argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: syscall_bench OP COUNT\n");
        return 2;
    }
    const char* op = argv[1];
    long count = atol(argv[2]);
    volatile uint64_t sink = 0;
    int64_t start = now_ns();
    if (strcmp(op, "getppid") == 0) {
        for (long i = 0; i < count; ++i)
            sink += syscall(SYS_getppid);
    } else if (strcmp(op, "clock_gettime") == 0) {
        struct timespec t;
        for (long i = 0; i < count; ++i) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            sink += t.tv_nsec;
        }
    } else if (strcmp(op, "futex") == 0) {
        g_count = count;
        pthread_t thread;
        pthread_create(&thread, NULL, partner, NULL);
        start = now_ns();
        for (long i = 0; i < count; ++i) {
            atomic_store(&g_turn, 1);
            futex_wake(&g_turn);
            while (atomic_load(&g_turn) != 0)
                futex_wait(&g_turn, 1);
        }
        pthread_join(thread, NULL);
    } else if (strcmp(op, "thread") == 0) {
        for (long i = 0; i < count; ++i) {
            pthread_t thread;
            if (pthread_create(&thread, NULL, empty, NULL) != 0)
                return 1;
            pthread_join(thread, NULL);
        }
    } else if (strcmp(op, "mmap64") == 0) {
        size_t length = 64 << 20;
        for (long i = 0; i < count; ++i) {
            char* memory = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (memory == MAP_FAILED)
                return 1;
            for (size_t offset = 0; offset < length; offset += 4096)
                memory[offset] = 1;
            munmap(memory, length);
        }
    } else {
        fprintf(stderr, "syscall_bench: unknown operation %s\n", op);
        return 2;
    }
    int64_t elapsed = now_ns() - start;
    printf("op=%s count=%ld ns_per_op=%.1f\n", op, count, (double)elapsed / count);
    return sink == 42 ? 3 : 0;
}
