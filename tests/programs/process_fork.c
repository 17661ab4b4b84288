// process_fork: fork and the wait status. What a child sees (its own pid, the parent's as
// getppid, a copy of memory written before the fork that its own writes do not change in the
// parent); 100 children reaped with wait4(-1) whatever order they end in, each with its own
// exit code or signal decoded with WIFEXITED/WEXITSTATUS and WIFSIGNALED/WTERMSIG; exit
// codes taken modulo 256; exit() flushing stdio and _exit() not; fork from a second thread;
// the children's CPU time counted once they are reaped; ECHILD and EINVAL from wait4.
#include "process_test.h"

#include <pthread.h>
#include <time.h>

enum { CHILDREN = 100 };

// Child I of the hundred: most exit with I, every tenth dies of a signal.
static int fate_signal(int i)
{
    static const int signals[] = { SIGTERM, SIGKILL, SIGUSR1, SIGHUP, SIGINT, SIGUSR2, SIGALRM, SIGPIPE, SIGTERM, SIGKILL };
    return i % 10 == 9 ? signals[i / 10] : 0;
}

static void* fork_from_thread(void* unused)
{
    (void)unused;
    pid_t child = fork_child();
    if (child == 0)
        _exit(42);
    if (child < 0)
        return (void*)-1L;
    return (void*)(long)wait_status(child, 0);
}

static void first_child(void)
{
    static int shared = 1;
    pid_t parent = getpid();
    int report[2];
    open_pipe(report);
    pid_t child = fork_child();
    if (child == 0) {
        // Bit 0: pid differs; 1: getppid is the parent; 2: sees the parent's memory.
        char bits = (getpid() != parent) | (getppid() == parent) << 1 | (shared == 1) << 2;
        shared = 2;
        write(report[1], &bits, 1);
        _exit(0);
    }
    expect("fork returns a positive pid to the parent", child > 0);
    char bits = 0;
    close(report[1]);
    read_full(report[0], &bits, 1);
    close(report[0]);
    expect("the child's getpid differs from the parent's", bits & 1);
    expect("the child's getppid is the parent", bits & 2);
    expect("the child sees memory written before the fork", bits & 4);
    expect_reaped("child", child, "exited 0");
    expect("the child's write did not change the parent's copy", shared == 1);
}

static void hundred_children(void)
{
    pid_t pids[CHILDREN];
    int reaped[CHILDREN] = { 0 };
    int forked = 0;
    for (int i = 0; i < CHILDREN; ++i) {
        pids[i] = fork_child();
        if (pids[i] == 0) {
            int signo = fate_signal(i);
            if (signo) {
                signal(signo, SIG_DFL);
                kill(getpid(), signo);
                for (;;)
                    pause();
            }
            _exit(i);
        }
        if (pids[i] > 0)
            forked++;
    }
    expect_long("children forked", forked, CHILDREN);

    int count = 0, exited = 0, signalled = 0, right = 0, unknown = 0;
    long exit_sum = 0;
    int status;
    struct rusage usage;
    pid_t got;
    while ((got = wait4(-1, &status, 0, &usage)) > 0 || (got < 0 && errno == EINTR)) {
        if (got < 0)
            continue;
        count++;
        int i = 0;
        while (i < CHILDREN && pids[i] != got)
            i++;
        if (i == CHILDREN || reaped[i]++) {
            unknown++;
            continue;
        }
        int signo = fate_signal(i);
        if (WIFEXITED(status)) {
            exited++;
            exit_sum += WEXITSTATUS(status);
            right += !signo && WEXITSTATUS(status) == i;
        } else if (WIFSIGNALED(status)) {
            signalled++;
            right += signo && WTERMSIG(status) == signo;
        }
    }
    expect_errno("wait4 once all are reaped", got, ECHILD);
    expect_long("reaped", count, CHILDREN);
    expect_long("reaped twice or not ours", unknown, 0);
    expect_long("WIFEXITED", exited, 90);
    expect_long("WIFSIGNALED", signalled, 10);
    long wanted_sum = 0;
    for (int i = 0; i < CHILDREN; ++i)
        wanted_sum += fate_signal(i) ? 0 : i;
    expect_long("sum of WEXITSTATUS", exit_sum, wanted_sum);
    expect_long("children whose status matches how they ended", right, CHILDREN);
    for (int i = 9; i < CHILDREN; i += 10)
        printf("  child %d died of %s\n", i, signal_name(fate_signal(i)));
}

// The exit status a child's exit(CODE) or _exit(CODE) gives the parent.
static const char* status_of_exit(int code, int use_exit)
{
    pid_t child = fork_child();
    if (child == 0) {
        if (use_exit)
            exit(code);
        _exit(code);
    }
    int status = wait_status(child, 0);
    return status < 0 ? "waitpid failed" : status_text(status);
}

static void exit_codes(void)
{
    static const int codes[] = { 0, 1, 255, 256, 257, -1, 1000 };
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; ++i) {
        char label[64];
        snprintf(label, sizeof label, "_exit(%d)", codes[i]);
        const char* text = status_of_exit(codes[i], 0);
        char wanted[32];
        snprintf(wanted, sizeof wanted, "exited %d", codes[i] & 0xff);
        printf("%s: %s\n", label, text);
        if (strcmp(text, wanted))
            process_failures++;
    }
    const char* text = status_of_exit(300, 1);
    printf("exit(300): %s\n", text);
    if (strcmp(text, "exited 44"))
        process_failures++;
}

// A child's stdio buffer reaches the pipe with exit() and is lost with _exit().
static void stdio_at_exit(void)
{
    for (int use_exit = 1; use_exit >= 0; --use_exit) {
        int p[2];
        open_pipe(p);
        pid_t child = fork_child();
        if (child == 0) {
            close(p[0]);
            FILE* out = fdopen(p[1], "w");
            setvbuf(out, NULL, _IOFBF, 4096);
            fputs("buffered", out);
            if (use_exit)
                exit(0);
            _exit(0);
        }
        close(p[1]);
        char buffer[32] = "";
        long n = read_full(p[0], buffer, sizeof buffer - 1);
        close(p[0]);
        wait_status(child, 0);
        printf("%s: the parent read %ld bytes\n", use_exit ? "exit() flushes stdio" : "_exit() does not", n);
        if (n != (use_exit ? 8 : 0))
            process_failures++;
    }
}

static void cpu_time_of_children(void)
{
    struct rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);
    int go[2];
    open_pipe(go);
    pid_t child = fork_child();
    if (child == 0) {
        // 100 ms of CPU time on this process's own clock.
        struct timespec t;
        volatile unsigned long spin = 0;
        do {
            for (int i = 0; i < 100000; ++i)
                spin++;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        } while (t.tv_sec == 0 && t.tv_nsec < 100 * 1000 * 1000);
        _exit(0);
    }
    close(go[0]);
    close(go[1]);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    waitid(P_PID, child, &info, WEXITED | WNOWAIT);
    struct rusage unreaped;
    getrusage(RUSAGE_CHILDREN, &unreaped);
    wait_status(child, 0);
    getrusage(RUSAGE_CHILDREN, &after);
    long before_ms = before.ru_utime.tv_sec * 1000 + before.ru_utime.tv_usec / 1000 + before.ru_stime.tv_sec * 1000 + before.ru_stime.tv_usec / 1000;
    long unreaped_ms = unreaped.ru_utime.tv_sec * 1000 + unreaped.ru_utime.tv_usec / 1000 + unreaped.ru_stime.tv_sec * 1000 + unreaped.ru_stime.tv_usec / 1000;
    long after_ms = after.ru_utime.tv_sec * 1000 + after.ru_utime.tv_usec / 1000 + after.ru_stime.tv_sec * 1000 + after.ru_stime.tv_usec / 1000;
    expect("RUSAGE_CHILDREN leaves out an unreaped child's 100 ms", unreaped_ms - before_ms < 50);
    expect("RUSAGE_CHILDREN counts them once it is reaped", after_ms - before_ms >= 80);
}

int main(void)
{
    process_start(30);
    first_child();
    hundred_children();
    exit_codes();
    stdio_at_exit();

    pthread_t thread;
    void* result;
    pthread_create(&thread, NULL, fork_from_thread, NULL);
    pthread_join(thread, &result);
    long status = (long)result;
    printf("fork from a second thread, child: %s\n", status < 0 ? "failed" : status_text((int)status));
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 42)
        process_failures++;

    cpu_time_of_children();
    int status_word;
    expect_errno("waitpid(getpid())", waitpid(getpid(), &status_word, 0), ECHILD);
    expect_errno("waitpid(-1) without children", waitpid(-1, &status_word, 0), ECHILD);
    expect_errno("wait4 with an unknown option bit", wait4(-1, &status_word, 0x100, NULL), EINVAL);
    return finish();
}
