// signal_altstack: sigaltstack and the signal frame's shape. A handler with SA_ONSTACK runs
// on the alternate stack (a local's address lies inside it) and sigaltstack reports
// SS_ONSTACK there; without SA_ONSTACK it runs on the normal stack; SS_DISABLE and the
// errors sigaltstack gives; the stack pointer at handler entry satisfies (sp + 8) % 16 == 0;
// the FPU state in the frame is 64-byte aligned; a SIGSEGV from stack overflow is handled on
// the alternate stack.
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define ALT_SIZE (256 * 1024)
static char alternate[ALT_SIZE];
static volatile int on_alternate, reported_onstack, fpstate_aligned, has_fpstate;
uintptr_t entry_sp; // set by entry_probe
static sigjmp_buf jump;

static int inside_alternate(const void* address)
{
    return (const char*)address >= alternate && (const char*)address < alternate + ALT_SIZE;
}

static void where_handler(int signo, siginfo_t* info, void* context)
{
    (void)signo;
    (void)info;
    volatile char local;
    on_alternate = inside_alternate((const void*)&local);
    stack_t now;
    sigaltstack(NULL, &now);
    reported_onstack = (now.ss_flags & SS_ONSTACK) != 0;
    ucontext_t* uc = context;
    has_fpstate = uc->uc_mcontext.fpregs != NULL;
    fpstate_aligned = ((uintptr_t)uc->uc_mcontext.fpregs % 64) == 0;
}

// The handler's first instruction records the stack pointer, before any prologue.
void probe_body(int signo);
void probe_body(int signo) { (void)signo; }
__asm__(".text\n.globl entry_probe\nentry_probe:\n\tmovq %rsp, entry_sp(%rip)\n\tjmp probe_body\n");
void entry_probe(int signo);

static void overflow_handler(int signo)
{
    (void)signo;
    volatile char local;
    on_alternate = inside_alternate((const void*)&local);
    siglongjmp(jump, 1);
}

static volatile int depth_limit = 1 << 30;

static int recurse(int n)
{
    if (n > depth_limit)
        return 0;
    volatile char pad[4096];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}

static void install(int signo, void (*handler)(int, siginfo_t*, void*), void (*plain)(int), int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    if (handler) {
        action.sa_sigaction = handler;
        flags |= SA_SIGINFO;
    } else {
        action.sa_handler = plain;
    }
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
}

static const char* error_name(int value) { return value == 0 ? "0" : errno == EINVAL ? "EINVAL" : errno == ENOMEM ? "ENOMEM" : errno == EPERM ? "EPERM" : "other"; }

int main(void)
{
    stack_t stack, old;
    sigaltstack(NULL, &old);
    printf("initially disabled: %d\n", (old.ss_flags & SS_DISABLE) != 0);
    stack.ss_sp = alternate;
    stack.ss_size = 1024;
    stack.ss_flags = 0;
    printf("too small: %s\n", error_name(sigaltstack(&stack, NULL)));
    stack.ss_size = ALT_SIZE;
    stack.ss_flags = 12345;
    printf("bad flags: %s\n", error_name(sigaltstack(&stack, NULL)));
    stack.ss_flags = 0;
    printf("set: %s\n", error_name(sigaltstack(&stack, NULL)));
    sigaltstack(NULL, &old);
    printf("reported: sp matches %d, size matches %d, flags %d\n", old.ss_sp == alternate, old.ss_size == ALT_SIZE, old.ss_flags);

    install(SIGUSR1, where_handler, NULL, SA_ONSTACK);
    raise(SIGUSR1);
    printf("SA_ONSTACK: on alternate %s, sigaltstack says SS_ONSTACK %s\n", on_alternate ? "yes" : "no", reported_onstack ? "yes" : "no");
    printf("fpstate present %s, 64-byte aligned %s\n", has_fpstate ? "yes" : "no", fpstate_aligned ? "yes" : "no");
    install(SIGUSR2, where_handler, NULL, 0);
    raise(SIGUSR2);
    printf("no SA_ONSTACK: on alternate %s, SS_ONSTACK %s\n", on_alternate ? "yes" : "no", reported_onstack ? "yes" : "no");

    install(SIGUSR1, NULL, entry_probe, SA_ONSTACK);
    raise(SIGUSR1);
    printf("alternate stack entry: (sp + 8) %% 16 == 0: %s, inside: %s\n", (entry_sp + 8) % 16 == 0 ? "yes" : "no", inside_alternate((void*)entry_sp) ? "yes" : "no");
    install(SIGUSR2, NULL, entry_probe, 0);
    raise(SIGUSR2);
    printf("normal stack entry: (sp + 8) %% 16 == 0: %s\n", (entry_sp + 8) % 16 == 0 ? "yes" : "no");

    // Stack overflow: only a handler on the alternate stack can run.
    install(SIGSEGV, NULL, overflow_handler, SA_ONSTACK);
    on_alternate = 0;
    if (sigsetjmp(jump, 1) == 0) {
        recurse(0);
        printf("no overflow?\n");
    }
    printf("stack overflow handled on alternate stack: %s\n", on_alternate ? "yes" : "no");

    stack.ss_flags = SS_DISABLE;
    printf("disable: %s\n", error_name(sigaltstack(&stack, NULL)));
    sigaltstack(NULL, &old);
    printf("now disabled: %d\n", (old.ss_flags & SS_DISABLE) != 0);
    install(SIGUSR1, where_handler, NULL, SA_ONSTACK);
    raise(SIGUSR1);
    printf("SA_ONSTACK without a stack: on alternate %s\n", on_alternate ? "yes" : "no");
    return 0;
}
