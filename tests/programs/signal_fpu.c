// signal_fpu: the FPU and SSE state survives handlers that use them. Main sets the rounding
// mode to upward and spins on SSE arithmetic whose result it knows, while another thread
// keeps signalling it; each handler finds the default rounding mode, computes in floating
// point itself and clobbers every XMM register. Main's results and rounding mode must not
// change. Also: a handler's own changes to MXCSR through the saved context take effect.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define SIGNALS 20

// Rounding control, as in both MXCSR (SSE) and the x87 control word (no libm needed).
enum { NEAREST = 0, DOWNWARD = 1, UPWARD = 2, TOWARD_ZERO = 3, MIXED = -1 };

static int rounding(void)
{
    unsigned mxcsr;
    unsigned short fcw;
    __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(fcw));
    int sse = (mxcsr >> 13) & 3, x87 = (fcw >> 10) & 3;
    return sse == x87 ? sse : MIXED;
}

static void set_rounding(int mode)
{
    unsigned mxcsr;
    unsigned short fcw;
    __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(fcw));
    mxcsr = (mxcsr & ~0x6000u) | (unsigned)mode << 13;
    fcw = (unsigned short)((fcw & ~0x0c00u) | (unsigned)mode << 10);
    __asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr), "m"(fcw));
}

static volatile int handled, handler_saw_default_rounding = 1;
static volatile double handler_sum;
static pthread_t main_thread;

static void handler(int signo)
{
    (void)signo;
    if (rounding() != NEAREST)
        handler_saw_default_rounding = 0;
    double sum = 0;
    for (int i = 1; i <= 100; i++)
        sum += 1.0 / i;
    handler_sum = sum;
    __asm__ volatile("pxor %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1\n\tmovaps %%xmm1, %%xmm2\n\tmovaps %%xmm1, %%xmm3\n\t"
                     "movaps %%xmm1, %%xmm4\n\tmovaps %%xmm1, %%xmm5\n\tmovaps %%xmm1, %%xmm6\n\tmovaps %%xmm1, %%xmm7\n\t"
                     "movaps %%xmm1, %%xmm8\n\tmovaps %%xmm1, %%xmm9\n\tmovaps %%xmm1, %%xmm10\n\tmovaps %%xmm1, %%xmm11\n\t"
                     "movaps %%xmm1, %%xmm12\n\tmovaps %%xmm1, %%xmm13\n\tmovaps %%xmm1, %%xmm14\n\tmovaps %%xmm1, %%xmm15\n\t"
                     "fninit" ::
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                         "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    set_rounding(TOWARD_ZERO);
    handled++;
}

static void* sender(void* argument)
{
    (void)argument;
    for (int i = 0; i < SIGNALS; i++) {
        // One at a time: a signal sent while the last is still pending would merge with it.
        while (handled < i) {
            struct timespec pause = { 0, 1000 * 1000 };
            nanosleep(&pause, NULL);
        }
        struct timespec pause = { 0, 2 * 1000 * 1000 };
        nanosleep(&pause, NULL);
        pthread_kill(main_thread, SIGUSR1);
    }
    return NULL;
}

// Sums in registers with no calls, so that a signal lands between SSE instructions.
static double crunch(double seed)
{
    double a = seed, b = seed * 0.5, c = seed * 0.25, d = 1.0;
    for (int i = 0; i < 200000; i++) {
        a = a * 1.0000001 + 0.1;
        b = b * 0.9999999 + a * 1e-9;
        c = c + b / 3.0;
        d = d * 1.0000000001;
    }
    return a + b + c + d;
}

static void mxcsr_handler(int signo, siginfo_t* info, void* context)
{
    (void)signo;
    (void)info;
    ucontext_t* uc = context;
    // Round toward zero from here on, through the saved MXCSR (bits 13-14) and x87 control
    // word (bits 10-11).
    uc->uc_mcontext.fpregs->mxcsr |= 0x6000;
    uc->uc_mcontext.fpregs->cwd |= 0x0c00;
}

int main(void)
{
    main_thread = pthread_self();
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);

    set_rounding(UPWARD);
    double expected = crunch(1.5);
    pthread_t thread;
    pthread_create(&thread, NULL, sender, NULL);
    int rounds = 0, mismatches = 0;
    while (handled < SIGNALS) {
        if (crunch(1.5) != expected)
            mismatches++;
        rounds++;
    }
    pthread_join(thread, NULL);
    printf("signals handled %d, mismatches %d, rounding still upward %d\n", handled, mismatches, rounding() == UPWARD);
    printf("handlers started with round-to-nearest %d, handler sum %.12f\n", handler_saw_default_rounding, handler_sum);

    long double x87 = 1.0L / 3.0L;
    raise(SIGUSR1);
    printf("x87 value kept %d\n", x87 == 1.0L / 3.0L);

    set_rounding(NEAREST);
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = mxcsr_handler;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &action, NULL);
    raise(SIGUSR2);
    printf("MXCSR changed through the frame: rounding toward zero %d\n", rounding() == TOWARD_ZERO);
    return rounds > 0 ? 0 : 1;
}
