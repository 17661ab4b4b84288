// signal_fault: synchronous faults reach the program's handler with the right si_code and
// si_addr, and the handler leaves with siglongjmp (NULL write, a PROT_NONE page, a read-only
// page, an unmapped page, integer division by zero, ud2, int3); a handler that steps over a
// ud2 by editing the saved rip; a blocked fault kills (argv[1] "blocked"), and so does a
// stack overflow with no alternate stack for the handler (argv[1] "overflow").
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jump;
static volatile int got_signal, got_code;
static void* volatile got_address;
static volatile uintptr_t got_rip;

static void fault_handler(int signo, siginfo_t* info, void* context)
{
    got_signal = signo;
    got_code = info->si_code;
    got_address = info->si_addr;
    got_rip = ((ucontext_t*)context)->uc_mcontext.gregs[REG_RIP];
    siglongjmp(jump, 1);
}

static void skip_handler(int signo, siginfo_t* info, void* context)
{
    (void)signo;
    (void)info;
    ucontext_t* uc = context;
    uc->uc_mcontext.gregs[REG_RIP] += 2; // the length of ud2
    uc->uc_mcontext.gregs[REG_RAX] = 1234;
}

static void install(int signo, void (*handler)(int, siginfo_t*, void*))
{
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
}

typedef void (*Fault)(void* argument);

static volatile int depth_limit = 1 << 30;

static int recurse(int n)
{
    if (n > depth_limit)
        return 0;
    volatile char pad[4096];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}

static void write_to(void* address) { *(volatile int*)address = 1; }
static void read_from(void* address) { (void)*(volatile int*)address; }
static void divide(void* argument)
{
    volatile int zero = (int)(uintptr_t)argument;
    volatile int result = 10 / zero;
    (void)result;
}
static void undefined(void* argument)
{
    (void)argument;
    __asm__ volatile("ud2");
}
static void breakpoint(void* argument)
{
    (void)argument;
    __asm__ volatile("int3");
}

static void attempt(const char* label, Fault fault, void* argument, void* expected_address)
{
    got_signal = got_code = 0;
    got_address = NULL;
    if (sigsetjmp(jump, 1) == 0) {
        fault(argument);
        printf("%s: no fault\n", label);
        return;
    }
    printf("%s: signal %d code %d address %s\n", label, got_signal, got_code,
        got_address == expected_address ? "as expected" : "other");
}

int main(int argc, char** argv)
{
    install(SIGSEGV, fault_handler);
    install(SIGFPE, fault_handler);
    install(SIGILL, fault_handler);
    install(SIGTRAP, fault_handler);
    long page = sysconf(_SC_PAGESIZE);

    if (argc > 1 && strcmp(argv[1], "blocked") == 0) {
        sigset_t block;
        sigemptyset(&block);
        sigaddset(&block, SIGSEGV);
        sigprocmask(SIG_BLOCK, &block, NULL);
        printf("a blocked SIGSEGV kills\n");
        fflush(stdout);
        write_to(NULL);
        printf("still alive\n");
        return 0;
    }

    if (argc > 1 && strcmp(argv[1], "overflow") == 0) {
        // The handler has no stack to run on: the program dies of SIGSEGV.
        printf("stack overflow without an alternate stack\n");
        fflush(stdout);
        recurse(0);
        printf("still alive\n");
        return 0;
    }

    for (int round = 0; round < 3; round++)
        attempt("NULL write", write_to, NULL, NULL);
    char* none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    attempt("PROT_NONE read", read_from, none + 8, none + 8);
    attempt("PROT_NONE write", write_to, none + 16, none + 16);
    char* readonly = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    attempt("read-only write", write_to, readonly + 4, readonly + 4);
    attempt("read-only read", read_from, readonly + 4, readonly + 4);
    char* gone = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, page);
    attempt("unmapped write", write_to, gone, gone);
    mprotect(none, page, PROT_READ | PROT_WRITE);
    attempt("after mprotect", write_to, none, none);

    attempt("divide by zero", divide, (void*)0, NULL);
    printf("  si_addr is the faulting rip: %d\n", (uintptr_t)got_address == got_rip);
    attempt("ud2", undefined, NULL, NULL);
    printf("  si_addr is the faulting rip: %d\n", (uintptr_t)got_address == got_rip);
    attempt("int3", breakpoint, NULL, NULL);

    // A handler that resumes after the faulting instruction with a changed register.
    install(SIGILL, skip_handler);
    long rax;
    __asm__ volatile("mov $1, %%eax\n\tud2" : "=a"(rax) : : "memory");
    printf("stepped over ud2: rax %ld\n", rax);
    return 0;
}
