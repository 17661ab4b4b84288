// process_init: what pid 1 sees. The program becomes pid 1 of a pid namespace (natively; under
// unikit it already is), so orphans come to it whatever the host runs above the test. A
// zombie stays visible until reaped; an orphan's getppid() becomes 1 and init reaps it, also
// twenty at once; with PR_SET_CHILD_SUBREAPER the orphan goes to the subreaper instead (the
// flag is not inherited); PR_SET_PDEATHSIG kills a child when its parent exits (and is not
// inherited); kill(-1, sig) reaches every other process whatever its group or session, but
// neither the caller nor init, and ends in ESRCH when there is no one left.
#include "process_test.h"

#include <sys/prctl.h>
#include <time.h>

static void sleep_1ms(void)
{
    struct timespec pause = { 0, 1000 * 1000 };
    nanosleep(&pause, NULL);
}

// Waits (up to 10 s) until this process's parent is no longer FORMER: the parent's exit
// closes its files before the orphan is reparented, so EOF alone does not say it happened.
static void wait_reparented(pid_t former)
{
    for (int i = 0; i < 10000 && getppid() == former; ++i)
        sleep_1ms();
}

static void zombie(void)
{
    pid_t child = fork_child();
    if (child == 0)
        _exit(5);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    waitid(P_PID, child, &info, WEXITED | WNOWAIT);
    expect("a zombie is waitable with WNOWAIT", info.si_pid == child && info.si_code == CLD_EXITED);
    expect_long("kill(zombie, 0)", kill(child, 0), 0);
    expect_reaped("reaped", child, "exited 5");
    expect_errno("kill(reaped, 0)", kill(child, 0), ESRCH);
}

static void orphan_to_init(void)
{
    int report[2];
    open_pipe(report);
    pid_t parent = fork_child();
    if (parent == 0) {
        pid_t me = getpid();
        pid_t orphan = fork();
        if (orphan == 0) {
            wait_reparented(me);
            char adopted = getppid() == 1;
            write(report[1], &adopted, 1);
            _exit(7);
        }
        write(report[1], &orphan, sizeof orphan);
        _exit(0);
    }
    close(report[1]);
    pid_t orphan = 0;
    read_full(report[0], &orphan, sizeof orphan);
    expect_reaped("the orphan's parent", parent, "exited 0");
    char adopted = 0;
    read_full(report[0], &adopted, 1);
    close(report[0]);
    expect("the orphan's getppid() became 1", adopted);
    expect_reaped("init reaps the orphan", orphan, "exited 7");
}

static void orphan_to_subreaper(void)
{
    pid_t subreaper = fork_child();
    if (subreaper == 0) {
        int bits = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
        int flag = 0;
        prctl(PR_GET_CHILD_SUBREAPER, &flag);
        bits |= (flag == 1) << 1;
        pid_t me = getpid();
        pid_t probe = fork();
        if (probe == 0) {
            int inherited = 1;
            prctl(PR_GET_CHILD_SUBREAPER, &inherited);
            _exit(inherited == 0 ? 0 : 1);
        }
        bits |= (wait_status(probe, 0) == 0) << 2;
        pid_t middle = fork();
        if (middle == 0) {
            pid_t middle_pid = getpid();
            pid_t orphan = fork();
            if (orphan == 0) {
                wait_reparented(middle_pid);
                _exit(getppid() == me ? 7 : 8);
            }
            _exit(0);
        }
        bits |= (wait_status(middle, 0) == 0) << 3;
        int status;
        pid_t adopted = waitpid(-1, &status, 0); // the orphan, now the subreaper's child
        bits |= (adopted > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 7) << 4;
        _exit(bits);
    }
    int status = wait_status(subreaper, 0);
    int bits = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    expect("subreaper: PR_SET_CHILD_SUBREAPER", bits & 1);
    expect("subreaper: PR_GET_CHILD_SUBREAPER reads 1", bits & 2);
    expect("subreaper: its child reads 0 (not inherited)", bits & 4);
    expect("subreaper: a grandchild's parent exited", bits & 8);
    expect("subreaper: the orphan's getppid() became the subreaper, which reaped it", bits & 16);
}

static void parent_death_signal(void)
{
    int report[2];
    open_pipe(report);
    pid_t parent = fork_child();
    if (parent == 0) {
        pid_t me = getpid();
        int ready[2];
        open_pipe(ready);
        pid_t child = fork();
        if (child == 0) {
            int bits = prctl(PR_SET_PDEATHSIG, SIGUSR1) == 0;
            int signo = 0;
            prctl(PR_GET_PDEATHSIG, &signo);
            bits |= (signo == SIGUSR1) << 1;
            pid_t grandchild = fork();
            if (grandchild == 0) {
                int inherited = -1;
                prctl(PR_GET_PDEATHSIG, &inherited);
                _exit(inherited == 0 ? 0 : 1);
            }
            bits |= (wait_status(grandchild, 0) == 0) << 2;
            bits |= (getppid() == me) << 3;
            char c = (char)bits;
            write(ready[1], &c, 1);
            for (;;)
                pause();
        }
        char bits = 0;
        read_full(ready[0], &bits, 1);
        write(report[1], &child, sizeof child);
        write(report[1], &bits, 1);
        _exit(0);
    }
    close(report[1]);
    pid_t child = 0;
    char bits = 0;
    read_full(report[0], &child, sizeof child);
    read_full(report[0], &bits, 1);
    close(report[0]);
    expect("PR_SET_PDEATHSIG SIGUSR1", bits & 1);
    expect("PR_GET_PDEATHSIG reads SIGUSR1", bits & 2);
    expect("a child of it reads 0 (not inherited)", bits & 4);
    expect_reaped("the parent", parent, "exited 0");
    expect_reaped("the child, reparented to init", child, "killed by SIGUSR1");
}

static volatile int term_calls;
static void on_term(int signo)
{
    (void)signo;
    term_calls++;
}

static void kill_everyone(void)
{
    if (getpid() != 1) {
        printf("kill(-1): not run, this process is not pid 1 of its namespace\n");
        process_failures++;
        return;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_term;
    sigaction(SIGTERM, &action, NULL);
    int ready[2];
    open_pipe(ready);
    pid_t victims[3];
    for (int i = 0; i < 3; ++i) {
        victims[i] = fork_child();
        if (victims[i] == 0) {
            signal(SIGTERM, SIG_DFL);
            if (i == 1)
                setpgid(0, 0);
            if (i == 2)
                setsid();
            post(ready[1]);
            for (;;)
                pause();
        }
    }
    for (int i = 0; i < 3; ++i)
        await(ready[0]);
    close(ready[0]);
    close(ready[1]);
    expect_long("init: kill(-1, 0)", kill(-1, 0), 0);
    pid_t killer = fork_child();
    if (killer == 0) {
        term_calls = 0;
        int bits = kill(-1, SIGTERM) == 0;
        bits |= (term_calls == 0) << 1;
        _exit(bits);
    }
    expect_reaped("a child calling kill(-1, SIGTERM): returns 0 and is not signalled itself", killer, "exited 3");
    expect_reaped("  a process in init's group", victims[0], "killed by SIGTERM");
    expect_reaped("  a process in a group of its own", victims[1], "killed by SIGTERM");
    expect_reaped("  a process in a session of its own", victims[2], "killed by SIGTERM");
    expect_long("  init's SIGTERM handler calls", term_calls, 0);
    expect_errno("init: kill(-1, SIGTERM) with no other process", kill(-1, SIGTERM), ESRCH);
    signal(SIGTERM, SIG_DFL);
}

static void many_orphans(void)
{
    pid_t parent = fork_child();
    if (parent == 0) {
        int gone[2];
        open_pipe(gone);
        for (int i = 0; i < 20; ++i) {
            if (fork() == 0) {
                close(gone[1]);
                char c;
                read(gone[0], &c, 1); // EOF once the parent has exited
                _exit(i);
            }
        }
        _exit(0);
    }
    int count = 0, sum = 0, status;
    pid_t got;
    while ((got = waitpid(-1, &status, 0)) > 0 || (got < 0 && errno == EINTR)) {
        if (got < 0)
            continue;
        count++;
        if (WIFEXITED(status))
            sum += WEXITSTATUS(status);
    }
    expect_long("init reaped a parent and its 20 orphans", count, 21);
    expect_long("  sum of their exit codes", sum, 190);
    expect_errno("  then waitpid(-1)", got, ECHILD);
}

int main(void)
{
    process_start(30);
    become_init();
    watchdog(30);
    expect("running as pid 1", getpid() == 1);
    zombie();
    orphan_to_init();
    orphan_to_subreaper();
    parent_death_signal();
    kill_everyone();
    many_orphans();
    return finish();
}
