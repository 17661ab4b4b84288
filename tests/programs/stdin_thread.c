// stdin_thread: one thread blocks reading stdin while the main thread keeps sleeping and
// ticking; input arrives late (the test feeds it after a second). On Linux the reader's wait
// stops nobody else, so the main thread finishes its ticks before the input comes.
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static volatile long got = -2;

static void* reader(void* arg)
{
    (void)arg;
    char buffer[64];
    got = read(0, buffer, sizeof(buffer));
    return NULL;
}

int main(void)
{
    pthread_t thread;
    pthread_create(&thread, NULL, reader, NULL);
    struct timespec tick = { 0, 20 * 1000 * 1000 };
    int ticks = 0;
    for (int i = 0; i < 10; i++) {
        nanosleep(&tick, NULL);
        ticks++;
    }
    printf("ticks while the reader waited: %d, input read before they ended: %s\n", ticks, got == -2 ? "no" : "yes");
    pthread_join(thread, NULL);
    printf("then the reader got %ld bytes\n", got);
    return 0;
}
