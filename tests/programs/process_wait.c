// process_wait: waitpid, waitid and wait4 on children in every state. WNOHANG on a running
// child and without children; WUNTRACED and WCONTINUED with SIGSTOP/SIGCONT (each reported
// once), SIGTSTP and SIGTTIN stopping a child in its own (not orphaned) process group;
// waitid with P_PID, P_PGID (a group and the caller's own, id 0), P_ALL, WNOWAIT (the same
// child again), WNOHANG (si_pid 0), WSTOPPED, WCONTINUED and the siginfo of each; EINVAL
// and ECHILD; waitpid(-pgid) and waitpid(0); wait4's ru_maxrss of a child that touched
// 16 MiB; waitpid interrupted by a handler (EINTR) and restarted under SA_RESTART.
#include "process_test.h"

#include <sys/mman.h>
#include <time.h>

// A child blocked reading a pipe until the parent writes its release byte to *RELEASE;
// with NEW_GROUP it moves to a process group of its own first.
static pid_t held_child(int new_group, int* release)
{
    int p[2];
    open_pipe(p);
    pid_t child = fork_child();
    if (child == 0) {
        close(p[1]);
        if (new_group)
            setpgid(0, 0);
        _exit(await(p[0]) ? 0 : 1);
    }
    if (new_group)
        setpgid(child, child); // both sides, so it has happened whoever runs first
    close(p[0]);
    *release = p[1];
    return child;
}

static void release_child(int release)
{
    post(release);
    close(release);
}

// Prints what a wait call returned; STATUS points to the status it filled in (read only
// after the call, whatever the order in which the arguments were evaluated).
static void print_wait(const char* label, pid_t got, pid_t child, const int* status_word, const char* wanted)
{
    int status = *status_word;
    if (got == child) {
        printf("%s: the child, %s\n", label, status_text(status));
        if (strcmp(status_text(status), wanted))
            process_failures++;
    } else if (got == 0) {
        printf("%s: 0\n", label);
        if (strcmp(wanted, "0"))
            process_failures++;
    } else {
        printf("%s: %s\n", label, got < 0 ? errno_name(errno) : "another pid");
        process_failures++;
    }
}

static void nohang_and_stops(void)
{
    int release, status = 0;
    pid_t child = held_child(0, &release);
    print_wait("WNOHANG while it runs", waitpid(child, &status, WNOHANG), child, &status, "0");
    kill(child, SIGSTOP);
    print_wait("WUNTRACED after SIGSTOP", waitpid(child, &status, WUNTRACED), child, &status, "stopped by SIGSTOP");
    print_wait("WUNTRACED|WNOHANG again", waitpid(child, &status, WUNTRACED | WNOHANG), child, &status, "0");
    print_wait("WNOHANG without WUNTRACED while stopped", waitpid(child, &status, WNOHANG), child, &status, "0");
    kill(child, SIGCONT);
    print_wait("WCONTINUED after SIGCONT", waitpid(child, &status, WCONTINUED), child, &status, "continued");
    print_wait("WCONTINUED|WNOHANG again", waitpid(child, &status, WCONTINUED | WNOHANG), child, &status, "0");
    release_child(release);
    print_wait("released", waitpid(child, &status, 0), child, &status, "exited 0");
    expect_errno("WNOHANG without children", waitpid(-1, &status, WNOHANG), ECHILD);

    static const int stops[] = { SIGTSTP, SIGTTIN, SIGTTOU };
    for (int i = 0; i < 3; ++i) {
        child = held_child(1, &release);
        kill(child, stops[i]);
        char label[64], wanted[64];
        snprintf(label, sizeof label, "%s to a child in its own group", signal_name(stops[i]));
        snprintf(wanted, sizeof wanted, "stopped by %s", signal_name(stops[i]));
        print_wait(label, waitpid(child, &status, WUNTRACED), child, &status, wanted);
        kill(child, SIGKILL);
        print_wait("  SIGKILL", waitpid(child, &status, 0), child, &status, "killed by SIGKILL");
        close(release);
    }
}

static void print_waitid(const char* label, int result, const siginfo_t* info, pid_t child, int code, int status)
{
    static const char* const codes[] = { "0", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
    if (result < 0) {
        printf("%s: -1 %s\n", label, errno_name(errno));
        process_failures++;
        return;
    }
    const char* name = info->si_code >= 0 && info->si_code <= 6 ? codes[info->si_code] : "other";
    printf("%s: %d si_signo %s si_code %s si_status %d si_pid is the child %s si_uid %d\n", label, result,
        signal_name(info->si_signo), name, info->si_status, info->si_pid == child ? "yes" : "no", (int)info->si_uid);
    if (info->si_code != code || info->si_status != status || info->si_pid != child)
        process_failures++;
}

static void waitid_cases(void)
{
    siginfo_t info;
    pid_t child = fork_child();
    if (child == 0)
        _exit(3);
    memset(&info, 0, sizeof info);
    print_waitid("P_PID WEXITED|WNOWAIT", waitid(P_PID, child, &info, WEXITED | WNOWAIT), &info, child, CLD_EXITED, 3);
    memset(&info, 0, sizeof info);
    print_waitid("P_PID WEXITED|WNOWAIT again", waitid(P_PID, child, &info, WEXITED | WNOWAIT), &info, child, CLD_EXITED, 3);
    memset(&info, 0, sizeof info);
    print_waitid("P_PID WEXITED reaps", waitid(P_PID, child, &info, WEXITED), &info, child, CLD_EXITED, 3);
    expect_errno("P_PID WEXITED once more", waitid(P_PID, child, &info, WEXITED), ECHILD);

    int release;
    child = held_child(0, &release);
    memset(&info, 0xff, sizeof info);
    info.si_pid = 12345;
    int result = waitid(P_ALL, 0, &info, WEXITED | WNOHANG);
    printf("P_ALL WEXITED|WNOHANG while it runs: %d, si_pid %d\n", result, (int)info.si_pid);
    if (result != 0 || info.si_pid != 0)
        process_failures++;
    kill(child, SIGSTOP);
    memset(&info, 0, sizeof info);
    print_waitid("P_PID WSTOPPED", waitid(P_PID, child, &info, WSTOPPED), &info, child, CLD_STOPPED, SIGSTOP);
    kill(child, SIGCONT);
    memset(&info, 0, sizeof info);
    print_waitid("P_PID WCONTINUED", waitid(P_PID, child, &info, WCONTINUED), &info, child, CLD_CONTINUED, SIGCONT);
    kill(child, SIGKILL);
    memset(&info, 0, sizeof info);
    print_waitid("P_ALL WEXITED after SIGKILL", waitid(P_ALL, 0, &info, WEXITED), &info, child, CLD_KILLED, SIGKILL);
    close(release);

    expect_errno("waitid without WEXITED, WSTOPPED or WCONTINUED", waitid(P_ALL, 0, &info, WNOHANG), EINVAL);
    expect_errno("waitid idtype 99", waitid((idtype_t)99, 0, &info, WEXITED), EINVAL);
    expect_errno("waitid P_ALL without children", waitid(P_ALL, 0, &info, WEXITED), ECHILD);

    // Two children in a new group, one in ours.
    pid_t members[2];
    int releases[2];
    members[0] = held_child(1, &releases[0]);
    pid_t group = members[0];
    int p[2];
    open_pipe(p);
    members[1] = fork_child();
    if (members[1] == 0) {
        close(p[1]);
        setpgid(0, group);
        _exit(await(p[0]) ? 0 : 1);
    }
    setpgid(members[1], group);
    close(p[0]);
    releases[1] = p[1];
    pid_t outsider = fork_child();
    if (outsider == 0)
        _exit(9);
    release_child(releases[0]);
    release_child(releases[1]);
    int found = 0;
    for (int i = 0; i < 2; ++i) {
        memset(&info, 0, sizeof info);
        if (waitid(P_PGID, group, &info, WEXITED) == 0)
            found |= info.si_pid == members[0] ? 1 : info.si_pid == members[1] ? 2 : 4;
    }
    expect("waitid P_PGID reaps the two members of the group, and only them", found == 3);
    expect_errno("waitid P_PGID once the group is empty", waitid(P_PGID, group, &info, WEXITED | WNOHANG), ECHILD);
    memset(&info, 0, sizeof info);
    print_waitid("waitid P_PGID 0 (the caller's group)", waitid(P_PGID, 0, &info, WEXITED), &info, outsider, CLD_EXITED, 9);
}

static void waitpid_groups(void)
{
    int release, status = 0;
    pid_t member = held_child(1, &release);
    pid_t ours = fork_child();
    if (ours == 0)
        _exit(4);
    release_child(release);
    print_wait("waitpid(-pgid) reaps the member", waitpid(-member, &status, 0), member, &status, "exited 0");
    print_wait("waitpid(0) reaps the child in our group", waitpid(0, &status, 0), ours, &status, "exited 4");
    expect_errno("waitpid(-pgid) of an empty group", waitpid(-member, &status, 0), ECHILD);
}

static void maxrss(void)
{
    pid_t child = fork_child();
    if (child == 0) {
        long size = 16L << 20; // ru_maxrss may lag the last few hundred KiB: 12 MiB are checked
        char* memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (long i = 0; i < size; i += 4096)
            memory[i] = 1;
        _exit(0);
    }
    int status;
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    pid_t got = wait4(child, &status, 0, &usage);
    print_wait("wait4 of a child that touched 16 MiB", got, child, &status, "exited 0");
    expect("  ru_maxrss (KiB) at least 12288", usage.ru_maxrss >= 12288);
}

static volatile int timer_calls;
static volatile int release_from_handler = -1;

static void on_timer(int signo)
{
    (void)signo;
    timer_calls++;
    if (release_from_handler >= 0) {
        char c = 1;
        ssize_t ignored = write(release_from_handler, &c, 1);
        (void)ignored;
    }
}

static void interrupted_wait(void)
{
    timer_t timer;
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = SIGUSR1;
    timer_create(CLOCK_MONOTONIC, &event, &timer);
    // Every 20 ms: a signal that comes before waitpid blocks is followed by one that
    // interrupts it (a loaded machine may take that long to get there).
    struct itimerspec every_20ms = { { 0, 20 * 1000 * 1000 }, { 0, 20 * 1000 * 1000 } };
    struct itimerspec off = { { 0, 0 }, { 0, 0 } };

    for (int restart = 0; restart <= 1; ++restart) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_timer;
        action.sa_flags = restart ? SA_RESTART : 0;
        sigaction(SIGUSR1, &action, NULL);
        int release, status = 0;
        pid_t child = held_child(0, &release);
        release_from_handler = restart ? release : -1;
        timer_calls = 0;
        timer_settime(timer, 0, &every_20ms, NULL);
        pid_t got = waitpid(child, &status, 0);
        int wait_errno = errno;
        timer_settime(timer, 0, &off, NULL);
        if (restart) {
            print_wait("waitpid, a SA_RESTART handler releases the child", got, child, &status, "exited 0");
        } else {
            printf("waitpid, a handler without SA_RESTART runs: %ld %s\n", (long)got, got < 0 ? errno_name(wait_errno) : "");
            if (got != -1 || wait_errno != EINTR)
                process_failures++;
            release_child(release);
            print_wait("  then", waitpid(child, &status, 0), child, &status, "exited 0");
        }
        expect("  the handler ran", timer_calls >= 1);
        if (restart)
            close(release);
        release_from_handler = -1;
    }
    timer_delete(timer);
    signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
    process_start(30);
    nohang_and_stops();
    waitid_cases();
    waitpid_groups();
    maxrss();
    interrupted_wait();
    return finish();
}
