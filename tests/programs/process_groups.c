// process_groups: process groups and sessions. A child inherits its parent's group and
// session; setpgid(0, 0) and setpgid(child, child) from both sides; setpgid's errors (EACCES
// after the child exec'd, ESRCH for a process that is not a child, EINVAL, EPERM for a group
// of another session, for a group that does not exist and for a session leader); setsid
// (a new session and group named after the caller, EPERM for a group leader and for a
// second call); getsid/getpgid of others and ESRCH; kill(0, sig) reaching the caller's group
// (itself included) and no one else; kill(-pgid, sig) and killpg reaching exactly that group;
// ESRCH for an empty group. Every group signalled is one the test made: natively this
// program's own group holds the shell that started it. Only booleans about pids are printed.
//
// `process_groups hold` is the exec'd half of the EACCES case: it waits for stdin to close.
#include "process_test.h"

static const char* self;

// Forks a child that runs BODY(ARGUMENT) and exits with its result.
static pid_t child_running(int (*body)(void*), void* argument)
{
    pid_t child = fork_child();
    if (child == 0)
        _exit(body(argument));
    return child;
}

static int reap_code(pid_t child)
{
    int status = wait_status(child, 0);
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static pid_t parent_pgrp, parent_sid;

static int inherits(void* unused)
{
    (void)unused;
    return (getpgrp() == parent_pgrp) | (getsid(0) == parent_sid) << 1 | (getpgid(0) == getpgrp()) << 2
        | (getpgrp() != getpid()) << 3;
}

static int own_group(void* unused)
{
    (void)unused;
    int bits = setpgid(0, 0) == 0;
    bits |= (getpgrp() == getpid()) << 1;
    bits |= (getsid(0) == parent_sid) << 2; // a new group, the same session
    bits |= (setpgid(0, -1) < 0 && errno == EINVAL) << 3;
    return bits;
}

static int new_session(void* unused)
{
    (void)unused;
    pid_t sid = setsid();
    int bits = sid == getpid();
    bits |= (getsid(0) == getpid()) << 1;
    bits |= (getpgrp() == getpid()) << 2;
    bits |= (setsid() < 0 && errno == EPERM) << 3;                 // now a group leader
    bits |= (setpgid(0, parent_pgrp) < 0 && errno == EPERM) << 4; // a group of another session
    bits |= (setpgid(0, 0) < 0 && errno == EPERM) << 5;           // a session leader
    return bits;
}

static int leader_setsid(void* unused)
{
    (void)unused;
    setpgid(0, 0);
    return setsid() < 0 && errno == EPERM;
}

static void groups_and_sessions(void)
{
    parent_pgrp = getpgrp();
    parent_sid = getsid(0);
    expect("getpgrp() == getpgid(0)", getpgrp() == getpgid(0));
    expect("getsid(0) == getsid(getpid())", getsid(0) == getsid(getpid()));

    pid_t child = child_running(inherits, NULL);
    int bits = reap_code(child);
    expect("child: in its parent's group", bits & 1);
    expect("child: in its parent's session", bits & 2);
    expect("child: getpgid(0) == getpgrp()", bits & 4);
    expect("child: not a group leader", bits & 8);

    child = child_running(own_group, NULL);
    bits = reap_code(child);
    expect("child: setpgid(0, 0)", bits & 1);
    expect("child: then getpgrp() is its pid", bits & 2);
    expect("child: still in its parent's session", bits & 4);
    expect("child: setpgid(0, -1) fails with EINVAL", bits & 8);

    child = child_running(new_session, NULL);
    bits = reap_code(child);
    expect("child: setsid() returns its pid", bits & 1);
    expect("child: getsid(0) is its pid", bits & 2);
    expect("child: getpgrp() is its pid", bits & 4);
    expect("child: a second setsid() fails with EPERM", bits & 8);
    expect("child: setpgid into its parent's group (another session) fails with EPERM", bits & 16);
    expect("child: setpgid(0, 0) as a session leader fails with EPERM", bits & 32);

    child = child_running(leader_setsid, NULL);
    expect("child: setsid() as a group leader fails with EPERM", reap_code(child) == 1);
}

// What the parent sees of its children's groups and sessions.
static void seen_by_the_parent(void)
{
    int ready[2], release[2];
    open_pipe(ready);
    open_pipe(release);
    pid_t child = fork_child();
    if (child == 0) {
        close(ready[0]);
        close(release[1]);
        setsid();
        post(ready[1]);
        await(release[0]);
        _exit(0);
    }
    close(ready[1]);
    close(release[0]);
    await(ready[0]);
    expect("getsid(child) after its setsid() is the child", getsid(child) == child);
    expect("getpgid(child) is the child", getpgid(child) == child);
    expect_errno("setpgid(child in another session, child)", setpgid(child, child), EPERM);
    expect_errno("setpgid(child, our group) across sessions", setpgid(child, getpgrp()), EPERM);
    post(release[1]);
    expect_reaped("child", child, "exited 0");
    close(ready[0]);
    close(release[1]);
    expect_errno("getsid(reaped child)", getsid(child), ESRCH);
    expect_errno("getpgid(reaped child)", getpgid(child), ESRCH);

    // setpgid from the parent, before and after the child execs.
    int p[2];
    open_pipe(p);
    open_pipe(ready);
    child = fork_child();
    if (child == 0) {
        close(ready[0]);
        dup2(p[0], 0);
        close(p[0]);
        close(p[1]);
        char* argv[] = { (char*)self, "hold", NULL };
        char* env[] = { NULL };
        fcntl(ready[1], F_SETFD, FD_CLOEXEC); // closes at the exec: the parent's signal
        execve(self, argv, env);
        _exit(127);
    }
    close(p[0]);
    close(ready[1]);
    char c;
    read(ready[0], &c, 1); // EOF once the child has exec'd
    close(ready[0]);
    expect_errno("setpgid(child, child) after the child exec'd", setpgid(child, child), EACCES);
    close(p[1]);
    expect_reaped("child", child, "exited 0");

    // A process that is not our child: a grandchild.
    int report[2];
    open_pipe(report);
    open_pipe(release);
    child = fork_child();
    if (child == 0) {
        close(release[1]);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            await(release[0]);
            _exit(0);
        }
        write(report[1], &grandchild, sizeof grandchild);
        wait_status(grandchild, 0);
        _exit(0);
    }
    close(report[1]);
    close(release[0]);
    pid_t grandchild = 0;
    read_full(report[0], &grandchild, sizeof grandchild);
    close(report[0]);
    expect_errno("setpgid(grandchild, grandchild)", setpgid(grandchild, grandchild), ESRCH);
    expect("getpgid(grandchild) is our group", getpgid(grandchild) == getpgrp());
    post(release[1]);
    close(release[1]);
    expect_reaped("child", child, "exited 0");

    // EPERM for a group that does not exist in the session: a reaped child's pid.
    child = fork_child();
    if (child == 0)
        _exit(0);
    wait_status(child, 0);
    pid_t gone = child;
    child = fork_child();
    if (child == 0)
        _exit(setpgid(0, gone) < 0 && errno == EPERM ? 0 : 1);
    expect_reaped("child: setpgid(0, a group that does not exist) fails with EPERM", child, "exited 0");
    // Signals go to a group above PID_MAX_LIMIT: a reaped pid could (in theory) be reused.
    expect_errno("kill(-(1 << 30), SIGTERM): no such group", kill(-(1 << 30), SIGTERM), ESRCH);
    expect_errno("killpg(1 << 30, SIGTERM)", killpg(1 << 30, SIGTERM), ESRCH);
}

static volatile int usr1_calls;
static void on_usr1(int signo)
{
    (void)signo;
    usr1_calls++;
}

// kill(0, SIGUSR1) from a child that made its own group: it, its two children in the group
// reach the signal (the children die of it: default action); a third child that moved to a
// group of its own does not. The child exits with bits saying what happened.
static int kill_own_group(void* unused)
{
    (void)unused;
    setpgid(0, 0);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr1;
    sigaction(SIGUSR1, &action, NULL);
    int ready[2];
    open_pipe(ready);
    pid_t members[3];
    for (int i = 0; i < 3; ++i) {
        members[i] = fork();
        if (members[i] == 0) {
            signal(SIGUSR1, SIG_DFL);
            if (i == 2)
                setpgid(0, 0);
            post(ready[1]);
            for (;;)
                pause();
        }
        if (i == 2)
            setpgid(members[i], members[i]);
    }
    for (int i = 0; i < 3; ++i)
        await(ready[0]);
    int bits = kill(0, SIGUSR1) == 0;
    bits |= (usr1_calls == 1) << 1;
    for (int i = 0; i < 2; ++i) {
        int status = wait_status(members[i], 0);
        if (status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1)
            bits |= 4 << i;
    }
    int status;
    bits |= (waitpid(members[2], &status, WNOHANG) == 0) << 4; // the outsider still runs
    kill(members[2], SIGKILL);
    wait_status(members[2], 0);
    return bits;
}

static void signals_to_groups(void)
{
    pid_t child = child_running(kill_own_group, NULL);
    int bits = reap_code(child);
    expect("kill(0, SIGUSR1) in a group of three: returns 0", bits & 1);
    expect("  the caller's handler ran once", bits & 2);
    expect("  the two members died of SIGUSR1", (bits & 12) == 12);
    expect("  the child in another group was not signalled", bits & 16);

    // kill(-pgid) and killpg from outside the group: two members, one outsider.
    int ready[2];
    open_pipe(ready);
    pid_t members[3];
    for (int i = 0; i < 3; ++i) {
        members[i] = fork_child();
        if (members[i] == 0) {
            if (i < 2)
                setpgid(0, i == 0 ? 0 : members[0]);
            post(ready[1]);
            for (;;)
                pause();
        }
        if (i < 2)
            setpgid(members[i], members[0]);
    }
    for (int i = 0; i < 3; ++i)
        await(ready[0]);
    close(ready[0]);
    close(ready[1]);
    expect_long("kill(-pgid, SIGTERM)", kill(-members[0], SIGTERM), 0);
    expect_reaped("  the group leader", members[0], "killed by SIGTERM");
    expect_reaped("  the other member", members[1], "killed by SIGTERM");
    int status;
    expect_long("  the outsider, waitpid WNOHANG", waitpid(members[2], &status, WNOHANG), 0);
    expect_errno("kill(-pgid) of the now empty group", kill(-members[0], SIGTERM), ESRCH);
    setpgid(members[2], members[2]);
    expect_long("killpg(outsider's new group, SIGKILL)", killpg(members[2], SIGKILL), 0);
    expect_reaped("  the outsider", members[2], "killed by SIGKILL");
}

int main(int argc, char** argv)
{
    if (argc == 2 && !strcmp(argv[1], "hold")) {
        char c;
        while (read(0, &c, 1) > 0) {
        }
        return 0;
    }
    process_start(30);
    if (argv[0][0] != '/') {
        printf("setup: run this program by its absolute path\n");
        return 2;
    }
    self = argv[0];
    groups_and_sessions();
    seen_by_the_parent();
    signals_to_groups();
    return finish();
}
