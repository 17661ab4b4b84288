// process_bench OP COUNT: times COUNT repetitions of one process operation and prints
// "op=OP count=COUNT ns_per_op=N"; on failure prints "op=OP error=ENAME" on stderr and
// exits 1 (so a kernel without fork reports cleanly). Operations:
//   fork    fork, the child _exits at once, waitpid
//   exec    fork, the child execve's this program (`process_bench noop`, static), waitpid
//   vfork   vfork + execve of the same, waitpid
//   shell   /bin/sh runs a loop of COUNT `/bin/true` (each a fork + execve of busybox);
//           the time is the whole shell's divided by COUNT
// `process_bench noop` exits 0 at once.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static const char* self;
static const char* op;

static int fail(const char* what, int error)
{
    fprintf(stderr, "op=%s error=%s (%s)\n", op, what, strerror(error));
    return 1;
}

// Waits for CHILD, which must exit 0.
static int reap(pid_t child)
{
    int status;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR)
            return fail("waitpid", errno);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "op=%s error=child status 0x%x\n", op, status);
        return 1;
    }
    return 0;
}

// One child of the operation; returns its pid (or -1) in the parent only.
static pid_t start_child(void)
{
    static char* noop_argv[3];
    static char* no_env[] = { NULL };
    noop_argv[0] = (char*)self;
    noop_argv[1] = "noop";
    pid_t child;
    if (!strcmp(op, "fork")) {
        child = fork();
        if (child == 0)
            _exit(0);
    } else if (!strcmp(op, "exec")) {
        child = fork();
        if (child == 0) {
            execve(self, noop_argv, no_env);
            _exit(127);
        }
    } else {
        child = vfork();
        if (child == 0) {
            execve(self, noop_argv, no_env);
            _exit(127);
        }
    }
    return child;
}

static int run(long count)
{
    for (long i = 0; i < count; ++i) {
        pid_t child = start_child();
        if (child < 0)
            return fail(op, errno);
        if (reap(child))
            return 1;
    }
    return 0;
}

static int shell(long count)
{
    char script[256];
    snprintf(script, sizeof script, "i=0; while [ $i -lt %ld ]; do /bin/true; i=$((i + 1)); done", count);
    char* argv[] = { "sh", "-c", script, NULL };
    char* env[] = { "PATH=/bin", NULL };
    pid_t child = fork();
    if (child == 0) {
        execve("/bin/sh", argv, env);
        _exit(127);
    }
    if (child < 0)
        return fail("fork", errno);
    return reap(child);
}

int main(int argc, char** argv)
{
    if (argc == 2 && !strcmp(argv[1], "noop"))
        return 0;
    if (argc != 3 || argv[0][0] != '/') {
        fprintf(stderr, "usage: /ABSOLUTE/PATH/process_bench fork|exec|vfork|shell COUNT\n");
        return 2;
    }
    self = argv[0];
    op = argv[1];
    long count = atol(argv[2]);
    if (strcmp(op, "fork") && strcmp(op, "exec") && strcmp(op, "vfork") && strcmp(op, "shell")) {
        fprintf(stderr, "process_bench: unknown operation %s\n", op);
        return 2;
    }
    int64_t start = now_ns();
    if (!strcmp(op, "shell") ? shell(count) : run(count))
        return 1;
    int64_t elapsed = now_ns() - start;
    printf("op=%s count=%ld ns_per_op=%.1f\n", op, count, (double)elapsed / count);
    return 0;
}
