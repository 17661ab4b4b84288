// process_credentials: a process's user and group ids and resource limits. setresuid,
// setuid, setreuid, seteuid and setfsuid with Linux's rules once the effective id is not
// root (an id may only move among the real, effective and saved ones); setgroups sorted and
// for root only, getgroups' size rules; resource limits per process (a child's changes do
// not reach its parent, prlimit of another process), a hard limit that only root may raise,
// prlimit of another user's process refused; RLIMIT_NPROC enforced for a process that gave up
// root (fork and pthread_create fail with EAGAIN). Each child reports its facts as bits of
// its exit code.
#include "process_test.h"

#include <grp.h>
#include <pthread.h>
#include <sys/fsuid.h>

// Runs BODY in a child and returns its exit code (-1 if it did not exit).
static int in_child(int (*body)(void))
{
    pid_t child = fork_child();
    if (child == 0)
        _exit(body());
    int status = wait_status(child, 0);
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int ids_are(uid_t r, uid_t e, uid_t s)
{
    uid_t real, effective, saved;
    return getresuid(&real, &effective, &saved) == 0 && real == r && effective == e && saved == s;
}

static int user_ids(void)
{
    int bits = setresuid(1000, 2000, 3000) == 0 && ids_are(1000, 2000, 3000) && getuid() == 1000 && geteuid() == 2000;
    bits |= (setuid(3000) == 0 && ids_are(1000, 3000, 3000)) << 1; // the saved id
    bits |= (setuid(0) < 0 && errno == EPERM && ids_are(1000, 3000, 3000)) << 2;
    bits |= (setreuid(-1, 1000) == 0 && ids_are(1000, 1000, 3000)) << 3; // back to the real one
    bits |= (seteuid(4000) < 0 && errno == EPERM) << 4;
    bits |= (setfsuid(5000) == 1000 && setfsuid(-1) == 1000) << 5; // refused, and unchanged
    bits |= (setreuid(3000, -1) < 0 && errno == EPERM) << 6;       // real: only real or effective
    bits |= (setresuid(3000, 3000, 3000) == 0 && ids_are(3000, 3000, 3000) && setuid(1000) < 0 && errno == EPERM) << 7;
    return bits;
}

static int group_ids(void)
{
    gid_t real, effective, saved;
    int bits = setresgid(100, 200, 300) == 0 && getresgid(&real, &effective, &saved) == 0 && real == 100 && effective == 200
        && saved == 300 && getgid() == 100 && getegid() == 200;
    bits |= (setgid(7) == 0 && getresgid(&real, &effective, &saved) == 0 && real == 7 && effective == 7 && saved == 7) << 1;
    gid_t groups[] = { 30, 10, 20 };
    bits |= (setgroups(3, groups) == 0) << 2;
    gid_t got[8] = { 0 };
    bits |= (getgroups(0, NULL) == 3) << 3;
    bits |= (getgroups(2, got) < 0 && errno == EINVAL) << 4;
    bits |= (getgroups(8, got) == 3 && got[0] == 10 && got[1] == 20 && got[2] == 30) << 5; // sorted
    // Without root's effective id: no more group changes.
    bits |= (setresuid(0, 1000, 0) == 0 && setgroups(0, NULL) < 0 && errno == EPERM && setgid(8) < 0 && errno == EPERM) << 6;
    return bits;
}

static int drop_to_nobody(void)
{
    if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
        return -1;
    return 0;
}

static int set_nofile(rlim_t soft, rlim_t hard)
{
    struct rlimit limit = { soft, hard };
    return setrlimit(RLIMIT_NOFILE, &limit);
}

static int nofile_is(rlim_t soft, rlim_t hard)
{
    struct rlimit limit;
    return getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur == soft && limit.rlim_max == hard;
}

static int limits_as_nobody(void)
{
    if (set_nofile(64, 128) < 0 || drop_to_nobody() < 0)
        return 100;
    int bits = set_nofile(32, 128) == 0 && nofile_is(32, 128);
    bits |= (set_nofile(32, 256) < 0 && errno == EPERM) << 1; // raising the hard limit
    bits |= (set_nofile(128, 128) == 0) << 2;                  // the soft one up to it
    bits |= (set_nofile(64, 64) == 0 && set_nofile(64, 128) < 0 && errno == EPERM) << 3;
    struct rlimit limit;
    bits |= (prlimit(getppid(), RLIMIT_NOFILE, NULL, &limit) < 0 && errno == EPERM) << 4; // root's
    pid_t own = fork();
    if (own == 0) {
        pause();
        _exit(0);
    }
    struct rlimit lower = { 16, 64 };
    bits |= (prlimit(own, RLIMIT_NOFILE, &lower, &limit) == 0 && limit.rlim_cur == 64 && limit.rlim_max == 64) << 5;
    kill(own, SIGKILL);
    waitpid(own, NULL, 0);
    return bits;
}

static void* nothing(void* unused) { return unused; }

static int nproc_as_nobody(void)
{
    struct rlimit one = { 1, 1 };
    if (setrlimit(RLIMIT_NPROC, &one) < 0)
        return 100;
    // Root ignores it.
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    int bits = child > 0 && waitpid(child, NULL, 0) == child;
    if (drop_to_nobody() < 0)
        return 101;
    // This process alone is as many as uid 65534 may have.
    child = fork();
    if (child == 0)
        _exit(0);
    bits |= (child < 0 && errno == EAGAIN) << 1;
    pthread_t thread;
    bits |= (pthread_create(&thread, NULL, nothing, NULL) == EAGAIN) << 2;
    return bits;
}

// Prints the facts (bit I of BITS for FACTS[I]); with fewer than 7 facts, a code of 100 or more
// means the child's setup failed.
static void report(const char* what, int bits, const char* const* facts, int count)
{
    if (count < 7 && bits >= 100) {
        printf("%s: setup failed (%d)\n", what, bits);
        bits = 0;
    }
    for (int i = 0; i < count; ++i)
        expect(facts[i], bits & (1 << i));
}

static void limits_per_process(void)
{
    struct rlimit limit, saved;
    getrlimit(RLIMIT_FSIZE, &saved);
    limit = saved;
    limit.rlim_cur = 1 << 30;
    expect_long("setrlimit(RLIMIT_FSIZE, soft 1 GiB)", setrlimit(RLIMIT_FSIZE, &limit), 0);
    int ready[2], go[2];
    open_pipe(ready);
    open_pipe(go);
    pid_t child = fork_child();
    if (child == 0) {
        struct rlimit seen;
        getrlimit(RLIMIT_FSIZE, &seen);
        int bits = seen.rlim_cur == 1 << 30;
        seen.rlim_cur = 1 << 20;
        bits |= (setrlimit(RLIMIT_FSIZE, &seen) == 0) << 1;
        post(ready[1]);
        await(go[0]); // the parent changes our RLIMIT_FSIZE meanwhile
        getrlimit(RLIMIT_FSIZE, &seen);
        bits |= (seen.rlim_cur == 1 << 25) << 2;
        _exit(bits);
    }
    await(ready[0]);
    getrlimit(RLIMIT_FSIZE, &limit);
    expect("the child's setrlimit leaves ours as it was", limit.rlim_cur == 1 << 30);
    struct rlimit change = limit, old;
    change.rlim_cur = 1 << 25;
    expect_long("prlimit(child, RLIMIT_FSIZE, 32 MiB)", prlimit(child, RLIMIT_FSIZE, &change, &old), 0);
    expect("  the old value was the child's own", old.rlim_cur == 1 << 20);
    post(go[1]);
    int status = wait_status(child, 0);
    int bits = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    expect("child: inherited RLIMIT_FSIZE", bits & 1);
    expect("child: setrlimit", bits & 2);
    expect("child: then sees what prlimit set", bits & 4);
    setrlimit(RLIMIT_FSIZE, &saved);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
}

int main(void)
{
    process_start(30);
    static const char* const users[] = { "setresuid(1000, 2000, 3000) as root, getresuid", "setuid(the saved id)", "setuid(0): EPERM",
        "setreuid(-1, the real id)", "seteuid(another id): EPERM", "setfsuid(another id): refused, returns the old one",
        "setreuid(an id that is neither real nor effective, -1): EPERM", "setresuid to one id; then no way back: EPERM" };
    report("user ids", in_child(user_ids), users, 8);
    static const char* const groups[] = { "setresgid(100, 200, 300) as root, getresgid", "setgid(7) as root sets all three",
        "setgroups(3 groups)", "getgroups(0, NULL): the count", "getgroups(too small): EINVAL", "getgroups: sorted",
        "effective uid not root: setgroups and setgid(another) EPERM" };
    report("group ids", in_child(group_ids), groups, 7);
    limits_per_process();
    static const char* const limits[] = { "as uid 65534: lower RLIMIT_NOFILE's soft limit", "  raise its hard limit: EPERM",
        "  raise the soft limit up to the hard one", "  lower the hard limit, then raise it back: EPERM",
        "  prlimit(root's process): EPERM", "  prlimit(its own child) sets and reads back" };
    report("limits as uid 65534", in_child(limits_as_nobody), limits, 6);
    static const char* const nproc[] = { "RLIMIT_NPROC 1: root still forks", "as uid 65534: fork fails with EAGAIN",
        "as uid 65534: pthread_create fails with EAGAIN" };
    report("RLIMIT_NPROC", in_child(nproc_as_nobody), nproc, 3);
    return finish();
}
