// threads_sync: pthreads as glibc and musl build them on clone and futex. Producer/consumer
// with a mutex and condition variables, a barrier, a read-write lock, semaphores, thread
// keys, pthread_once, detached threads, timed waits that time out, distinct thread ids, and
// a thread spinning without syscalls beside one that sleeps (preemption), robust mutexes whose
// owner died, and per-thread GS bases. Each check prints
// one deterministic line.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ITEMS 20000
#define SLOTS 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static int ring[SLOTS], head, tail, count;

static void* producer(void* arg)
{
    int base = *(int*)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (count == SLOTS)
            pthread_cond_wait(&not_full, &lock);
        ring[tail++ % SLOTS] = base + i;
        count++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void* consumer(void* arg)
{
    long long sum = 0;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (count == 0)
            pthread_cond_wait(&not_empty, &lock);
        sum += ring[head++ % SLOTS];
        count--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&lock);
    }
    *(long long*)arg = sum;
    return NULL;
}

static void producer_consumer(void)
{
    pthread_t producers[2], consumers[2];
    int bases[2] = { 0, 1000000 };
    long long sums[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&producers[i], NULL, producer, &bases[i]);
        pthread_create(&consumers[i], NULL, consumer, &sums[i]);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(producers[i], NULL);
        pthread_join(consumers[i], NULL);
    }
    printf("producer/consumer total: %lld\n", sums[0] + sums[1]);
}

static pthread_barrier_t barrier;
static atomic_int arrived, serial_threads;

static void* barrier_worker(void* arg)
{
    (void)arg;
    for (int round = 0; round < 50; round++) {
        atomic_fetch_add(&arrived, 1);
        if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
            atomic_fetch_add(&serial_threads, 1);
    }
    return NULL;
}

static void barriers(void)
{
    pthread_t threads[4];
    pthread_barrier_init(&barrier, NULL, 4);
    for (int i = 0; i < 4; i++)
        pthread_create(&threads[i], NULL, barrier_worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    printf("barrier: %d arrivals, %d serial threads\n", atomic_load(&arrived), atomic_load(&serial_threads));
}

static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static long shared_value;

static void* rw_worker(void* arg)
{
    long id = (long)arg;
    long seen = 0;
    for (int i = 0; i < 2000; i++) {
        if (i % 10 == id % 10) {
            pthread_rwlock_wrlock(&rwlock);
            shared_value++;
            pthread_rwlock_unlock(&rwlock);
        } else {
            pthread_rwlock_rdlock(&rwlock);
            seen += shared_value >= 0;
            pthread_rwlock_unlock(&rwlock);
        }
    }
    return (void*)seen;
}

static void rwlocks(void)
{
    pthread_t threads[4];
    long reads = 0;
    for (long i = 0; i < 4; i++)
        pthread_create(&threads[i], NULL, rw_worker, (void*)i);
    for (int i = 0; i < 4; i++) {
        void* result;
        pthread_join(threads[i], &result);
        reads += (long)result;
    }
    printf("rwlock: %ld writes, %ld reads\n", shared_value, reads);
}

static sem_t items;

static void* poster(void* arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        sem_post(&items);
    return NULL;
}

static void semaphores(void)
{
    pthread_t thread;
    sem_init(&items, 0, 0);
    pthread_create(&thread, NULL, poster, NULL);
    int taken = 0;
    for (int i = 0; i < 1000; i++)
        taken += sem_wait(&items) == 0;
    pthread_join(thread, NULL);
    int left;
    sem_getvalue(&items, &left);
    printf("semaphore: took %d, %d left, trywait %s\n", taken, left, sem_trywait(&items) == -1 && errno == EAGAIN ? "EAGAIN" : "succeeded");
}

static pthread_key_t key;
static atomic_int destructor_calls;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_calls;

static void destructor(void* value) { atomic_fetch_add(&destructor_calls, value != NULL); }
static void run_once(void) { atomic_fetch_add(&once_calls, 1); }

static void* key_worker(void* arg)
{
    pthread_once(&once, run_once);
    pthread_setspecific(key, arg);
    return pthread_getspecific(key) == arg ? (void*)1 : NULL;
}

static void keys_and_once(void)
{
    pthread_t threads[8];
    long ok = 0;
    pthread_key_create(&key, destructor);
    for (long i = 0; i < 8; i++)
        pthread_create(&threads[i], NULL, key_worker, (void*)(i + 1));
    for (int i = 0; i < 8; i++) {
        void* result;
        pthread_join(threads[i], &result);
        ok += (long)result;
    }
    printf("keys: %ld threads saw their own value, %d destructors, once ran %d time(s)\n", ok, atomic_load(&destructor_calls), atomic_load(&once_calls));
}

static atomic_int detached_done;
static pid_t tids[16];

static void* detached_worker(void* arg)
{
    tids[(long)arg] = (pid_t)syscall(SYS_gettid);
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

static void detached_and_ids(void)
{
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    for (long i = 0; i < 16; i++) {
        pthread_t thread;
        pthread_create(&thread, &attributes, detached_worker, (void*)i);
    }
    while (atomic_load(&detached_done) < 16)
        sched_yield();
    int distinct = 1;
    pid_t me = (pid_t)syscall(SYS_gettid);
    for (int i = 0; i < 16; i++) {
        distinct &= tids[i] != me && tids[i] != getpid();
        for (int j = 0; j < i; j++)
            distinct &= tids[i] != tids[j];
    }
    printf("detached: %d finished, thread ids distinct: %s, main thread id is the pid: %s\n", atomic_load(&detached_done), distinct ? "yes" : "no", me == getpid() ? "yes" : "no");
}

static double seconds_since(const struct timespec* start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void timed_waits(void)
{
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t never = PTHREAD_COND_INITIALIZER;
    struct timespec start, deadline;
    clock_gettime(CLOCK_MONOTONIC, &start);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 30 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&mutex);
    int result = pthread_cond_timedwait(&never, &mutex, &deadline);
    pthread_mutex_unlock(&mutex);
    double waited = seconds_since(&start);
    printf("cond_timedwait: %s, waited at least 30 ms: %s\n", result == ETIMEDOUT ? "ETIMEDOUT" : strerror(result), waited >= 0.029 ? "yes" : "no");

    pthread_mutex_lock(&mutex);
    printf("trylock of a held mutex: %s\n", pthread_mutex_trylock(&mutex) == EBUSY ? "EBUSY" : "acquired");
    pthread_mutex_unlock(&mutex);
}

static atomic_int stop_spinning;
static atomic_long spins;

static void* spinner(void* arg)
{
    (void)arg;
    while (!atomic_load_explicit(&stop_spinning, memory_order_relaxed))
        atomic_fetch_add_explicit(&spins, 1, memory_order_relaxed);
    return NULL;
}

static void spinner_beside_sleeper(void)
{
    pthread_t thread;
    pthread_create(&thread, NULL, spinner, NULL);
    while (atomic_load(&spins) == 0)
        sched_yield();
    struct timespec start, pause = { 0, 50 * 1000 * 1000 };
    clock_gettime(CLOCK_MONOTONIC, &start);
    nanosleep(&pause, NULL); // returns only if the spinner is preempted
    double slept = seconds_since(&start);
    long before = atomic_load(&spins);
    pause.tv_nsec = 20 * 1000 * 1000;
    nanosleep(&pause, NULL);
    long after = atomic_load(&spins);
    atomic_store(&stop_spinning, 1);
    pthread_join(thread, NULL);
    printf("sleeper woke beside a spinner: yes, slept at least 50 ms: %s, spinner kept running: %s\n", slept >= 0.049 ? "yes" : "no", after > before ? "yes" : "no");
}

static pthread_mutex_t robust_mutex;

static void* die_holding(void* arg)
{
    (void)arg;
    pthread_mutex_lock(&robust_mutex);
    return NULL;
}

// A robust mutex whose owner exits while holding it: the kernel walks the dead thread's
// robust list, so the next locker gets EOWNERDEAD instead of waiting forever.
static void robust_mutexes(void)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust_mutex, &attributes);
    pthread_t thread;
    pthread_create(&thread, NULL, die_holding, NULL);
    pthread_join(thread, NULL);
    int result = pthread_mutex_lock(&robust_mutex);
    int consistent = pthread_mutex_consistent(&robust_mutex);
    pthread_mutex_unlock(&robust_mutex);
    int again = pthread_mutex_lock(&robust_mutex);
    pthread_mutex_unlock(&robust_mutex);
    printf("robust mutex: %s, consistent %d, locked again %d\n", result == EOWNERDEAD ? "EOWNERDEAD" : strerror(result), consistent, again);
}

// Each thread's GS base (arch_prctl ARCH_SET_GS) is its own across switches.
static void* gs_worker(void* arg)
{
    static long values[2][1];
    long index = (long)arg;
    values[index][0] = 1000 + index;
    if (syscall(SYS_arch_prctl, 0x1001 /* ARCH_SET_GS */, values[index]) != 0)
        return (void*)-1L;
    long seen = 0;
    for (int i = 0; i < 100; i++) {
        long value;
        __asm__ volatile("mov %%gs:0, %0" : "=r"(value));
        seen += value == 1000 + index;
        sched_yield();
    }
    unsigned long base = 0;
    syscall(SYS_arch_prctl, 0x1004 /* ARCH_GET_GS */, &base);
    return (void*)(seen + (base == (unsigned long)values[index]));
}

static void gs_bases(void)
{
    pthread_t threads[2];
    long total = 0;
    for (long i = 0; i < 2; i++)
        pthread_create(&threads[i], NULL, gs_worker, (void*)i);
    for (int i = 0; i < 2; i++) {
        void* result;
        pthread_join(threads[i], &result);
        total += (long)result;
    }
    printf("GS base per thread: %ld of 202 checks held\n", total);
}

static void* returns_argument(void* arg) { return arg; }

static void many_threads(void)
{
    long total = 0;
    for (long round = 0; round < 10; round++) {
        pthread_t threads[20];
        for (long i = 0; i < 20; i++)
            if (pthread_create(&threads[i], NULL, returns_argument, (void*)(round * 20 + i)) != 0)
                return (void)printf("pthread_create failed\n");
        for (int i = 0; i < 20; i++) {
            void* result;
            pthread_join(threads[i], &result);
            total += (long)result;
        }
    }
    printf("200 threads created and joined, sum of results %ld\n", total);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    producer_consumer();
    barriers();
    rwlocks();
    semaphores();
    keys_and_once();
    detached_and_ids();
    timed_waits();
    spinner_beside_sleeper();
    robust_mutexes();
    gs_bases();
    many_threads();
    return 0;
}
