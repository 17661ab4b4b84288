// process_proc: /proc/PID of other processes, and the children's CPU time. /proc/self is the
// caller; /proc lists every process; a child's stat, status, comm, cmdline, environ and fd
// show its own state (parent, group, session, name, sleeping), an exec'd child's show its
// new program, a zombie's say Z with its exit code and no memory, and once reaped it is gone
// (ENOENT, ESRCH for a file opened before); cmdline is read from the process's memory as it
// is now; status shows the ids a process set; times() and getrusage(RUSAGE_CHILDREN) count
// a child once it is reaped.
//
// The program runs as pid 1 of its own pid namespace (become_init), which natively also
// gets a mount namespace with a /proc of its own (unmounted at the end): run.sh's chroot has
// no /proc. Under unikit it already is pid 1, with /proc mounted.
#include "process_test.h"

#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/times.h>
#include <time.h>

static int mounted_proc;

static void mount_proc(void)
{
    if (access("/proc/self/stat", R_OK) == 0)
        return;
    if (unshare(CLONE_NEWNS) < 0) {
        printf("setup: unshare(CLONE_NEWNS): -1 %s\n", errno_name(errno));
        exit(2);
    }
    // Keeps the mount out of the host's namespace where the chroot's root is a mount of its
    // own; elsewhere it fails, and the mount below is undone at the end.
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
        printf("setup: mount /proc: -1 %s\n", errno_name(errno));
        exit(2);
    }
    mounted_proc = 1;
}

// The whole of a /proc file (or "" and -1 with errno), NUL bytes kept; returns the length.
static long slurp(const char* path, char* buffer, long size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long total = read_full(fd, buffer, size - 1);
    int saved = errno;
    close(fd);
    buffer[total > 0 ? total : 0] = '\0';
    errno = saved;
    return total;
}

static long slurpf(char* buffer, long size, const char* format, pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, format, pid);
    return slurp(path, buffer, size);
}

// Field N (1-based) of a /proc/PID/stat line, counting after "(comm)" as Linux numbers them.
static long stat_field(const char* stat, int n)
{
    const char* p = strrchr(stat, ')');
    if (!p || n < 3)
        return -1;
    p += 2;
    for (int field = 3; field < n; ++field) {
        p = strchr(p, ' ');
        if (!p)
            return -1;
        ++p;
    }
    return n == 3 ? *p : atol(p);
}

// The value of "KEY:" in a status file, up to the newline.
static const char* status_value(const char* status, const char* key)
{
    static char value[128];
    value[0] = '\0';
    const char* p = strstr(status, key);
    if (!p)
        return value;
    p += strlen(key);
    while (*p == '\t' || *p == ' ')
        ++p;
    size_t n = strcspn(p, "\n");
    if (n >= sizeof value)
        n = sizeof value - 1;
    memcpy(value, p, n);
    value[n] = '\0';
    return value;
}

static int listed(pid_t pid)
{
    DIR* dir = opendir("/proc");
    if (!dir)
        return 0;
    int found = 0;
    struct dirent* entry;
    while ((entry = readdir(dir)))
        found |= atoi(entry->d_name) == pid && entry->d_type == DT_DIR;
    closedir(dir);
    return found;
}

static void self(void)
{
    char link[32] = { 0 }, mine[32];
    snprintf(mine, sizeof mine, "%d", getpid());
    expect("readlink(/proc/self) is our pid", readlink("/proc/self", link, sizeof link - 1) > 0 && !strcmp(link, mine));
    expect("/proc lists us", listed(getpid()));
}

static void running_child(void)
{
    int hold[2];
    open_pipe(hold);
    pid_t child = fork_child();
    if (child == 0) {
        close(hold[1]);
        setpgid(0, 0);
        prctl(PR_SET_NAME, "kid");
        await(hold[0]);
        _exit(0);
    }
    close(hold[0]);
    setpgid(child, child);
    // Until it has named itself and sleeps in read().
    char stat[1024], status[4096], text[4096], own[4096];
    for (int i = 0; i < 5000; ++i) {
        slurpf(stat, sizeof stat, "/proc/%d/stat", child);
        if (strstr(stat, "(kid) S"))
            break;
        usleep(1000);
    }
    expect("/proc lists the child", listed(child));
    expect("stat: the child's pid", atol(stat) == child);
    expect("stat: (kid), as PR_SET_NAME named it", strstr(stat, " (kid) ") != NULL);
    expect("stat: S, asleep in read()", stat_field(stat, 3) == 'S');
    expect("stat: ppid is us", stat_field(stat, 4) == getpid());
    expect("stat: pgrp is its own", stat_field(stat, 5) == child);
    expect("stat: session is ours", stat_field(stat, 6) == getsid(0));
    expect("stat: one thread", stat_field(stat, 20) == 1);
    expect("stat: exit signal SIGCHLD", stat_field(stat, 38) == SIGCHLD);
    slurpf(status, sizeof status, "/proc/%d/status", child);
    expect("status: Name kid", !strcmp(status_value(status, "Name:"), "kid"));
    expect("status: State S (sleeping)", !strcmp(status_value(status, "State:"), "S (sleeping)"));
    expect("status: Tgid is the child", atol(status_value(status, "Tgid:")) == child);
    expect("status: PPid is us", atol(status_value(status, "PPid:")) == getpid());
    slurpf(text, sizeof text, "/proc/%d/comm", child);
    expect("comm: kid", !strcmp(text, "kid\n"));
    long length = slurpf(text, sizeof text, "/proc/%d/cmdline", child);
    long own_length = slurp("/proc/self/cmdline", own, sizeof own);
    expect("cmdline: ours (it has not exec'd)", length > 0 && length == own_length && !memcmp(text, own, length));
    length = slurpf(text, sizeof text, "/proc/%d/environ", child);
    own_length = slurp("/proc/self/environ", own, sizeof own);
    expect("environ: ours", length == own_length && !memcmp(text, own, length));
    char path[64], link[64] = { 0 };
    snprintf(path, sizeof path, "/proc/%d/fd/%d", child, hold[0]);
    expect("fd: the pipe it reads", readlink(path, link, sizeof link - 1) > 0 && !strncmp(link, "pipe:[", 6));
    snprintf(path, sizeof path, "/proc/%d/fd/%d", child, hold[1]);
    expect_errno("fd: not the end it closed", readlink(path, link, sizeof link - 1), ENOENT);
    close(hold[1]);
    expect_reaped("the child", child, "exited 0");
}

static void exec_child(void)
{
    int hold[2];
    open_pipe(hold);
    pid_t child = fork_child();
    if (child == 0) {
        dup2(hold[0], 0);
        close(hold[0]);
        close(hold[1]);
        execl("/bin/busybox", "/bin/busybox", "cat", (char*)NULL);
        _exit(127);
    }
    close(hold[0]);
    char text[256], expected[] = "/bin/busybox\0cat";
    long length = 0;
    for (int i = 0; i < 5000; ++i) {
        length = slurpf(text, sizeof text, "/proc/%d/cmdline", child);
        if (length == sizeof expected)
            break;
        usleep(1000);
    }
    expect("after execve, cmdline: /bin/busybox cat", length == sizeof expected && !memcmp(text, expected, sizeof expected));
    slurpf(text, sizeof text, "/proc/%d/comm", child);
    expect("  comm: busybox", !strcmp(text, "busybox\n"));
    char path[64], link[64] = { 0 };
    snprintf(path, sizeof path, "/proc/%d/exe", child);
    expect("  exe: /bin/busybox", readlink(path, link, sizeof link - 1) > 0 && !strcmp(link, "/bin/busybox"));
    close(hold[1]);
    expect_reaped("  the child", child, "exited 0");
}

// The child writes over its argv[0] in place: cmdline shows what its memory holds now.
static void live_cmdline(void)
{
    int ready[2], hold[2];
    open_pipe(ready);
    open_pipe(hold);
    pid_t child = fork_child();
    if (child == 0) {
        close(hold[1]);
        char own[4096];
        long length = slurp("/proc/self/cmdline", own, sizeof own);
        // argv[0] is at the start of the argument strings: find them through our own stack.
        extern char** environ;
        char* start = environ[0] ? environ[0] - length : NULL;
        if (start && length > 1 && !memcmp(start, own, length))
            memset(start, 'x', strlen(start));
        post(ready[1]);
        await(hold[0]);
        _exit(0);
    }
    await(ready[0]);
    char text[4096], own[4096];
    long length = slurpf(text, sizeof text, "/proc/%d/cmdline", child);
    long own_length = slurp("/proc/self/cmdline", own, sizeof own);
    size_t first = strlen(own);
    int all_x = length == own_length && strlen(text) == first;
    for (size_t i = 0; all_x && i < first; ++i)
        all_x = text[i] == 'x';
    expect("cmdline after the child wrote over argv[0]: what its memory holds", all_x);
    close(hold[1]);
    wait_status(child, 0);
    close(hold[0]);
    close(ready[0]);
    close(ready[1]);
}

static void zombie_and_reaped(void)
{
    pid_t child = fork_child();
    if (child == 0)
        _exit(3);
    siginfo_t info;
    waitid(P_PID, child, &info, WEXITED | WNOWAIT);
    char stat_line[1024], status[4096], text[256];
    slurpf(stat_line, sizeof stat_line, "/proc/%d/stat", child);
    expect("zombie: stat says Z", stat_field(stat_line, 3) == 'Z');
    expect("zombie: exit code 3 << 8", stat_field(stat_line, 52) == 3 << 8);
    slurpf(status, sizeof status, "/proc/%d/status", child);
    expect("zombie: status State Z (zombie)", !strcmp(status_value(status, "State:"), "Z (zombie)"));
    expect("zombie: no VmSize", strstr(status, "VmSize:") == NULL);
    expect_long("zombie: cmdline is empty", slurpf(text, sizeof text, "/proc/%d/cmdline", child), 0);
    char path[64], link[64];
    snprintf(path, sizeof path, "/proc/%d/exe", child);
    expect_errno("zombie: readlink exe", readlink(path, link, sizeof link), ENOENT);
    expect("zombie: still listed", listed(child));
    snprintf(path, sizeof path, "/proc/%d/stat", child);
    int fd = open(path, O_RDONLY);
    expect_reaped("zombie", child, "exited 3");
    expect("reaped: not listed", !listed(child));
    expect_errno("reaped: open its stat", open(path, O_RDONLY), ENOENT);
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d", child);
    expect_errno("reaped: stat its directory", stat(path, &st), ENOENT);
    expect_errno("reaped: read a stat opened before", read(fd, text, sizeof text), ESRCH);
    close(fd);
}

static void ids_in_status(void)
{
    pid_t child = fork_child();
    if (child == 0) {
        char status[4096];
        if (setresgid(10, 20, 30) < 0 || setresuid(1000, 2000, 3000) < 0)
            _exit(2);
        slurp("/proc/self/status", status, sizeof status);
        int ok = !strcmp(status_value(status, "Uid:"), "1000\t2000\t3000\t2000")
            && !strcmp(status_value(status, "Gid:"), "10\t20\t30\t20");
        _exit(ok ? 0 : 1);
    }
    expect_reaped("status shows the ids a child set (Uid, Gid)", child, "exited 0");
}

static long long cpu_of_children_ns(void)
{
    struct rusage usage;
    getrusage(RUSAGE_CHILDREN, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000LL
        + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000LL;
}

static void children_time(void)
{
    struct tms before, after;
    times(&before);
    long long rusage_before = cpu_of_children_ns();
    pid_t child = fork_child();
    if (child == 0) {
        struct timespec start, now;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
        do
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
        while ((now.tv_sec - start.tv_sec) * 1000000000LL + now.tv_nsec - start.tv_nsec < 200000000LL);
        _exit(0);
    }
    siginfo_t info;
    waitid(P_PID, child, &info, WEXITED | WNOWAIT);
    times(&after);
    expect("times: a zombie's CPU time is not counted yet", after.tms_cutime + after.tms_cstime == before.tms_cutime + before.tms_cstime);
    wait_status(child, 0);
    times(&after);
    long ticks = (after.tms_cutime + after.tms_cstime) - (before.tms_cutime + before.tms_cstime);
    expect("times: once reaped, at least 0.15 s more", ticks >= 15);
    expect("getrusage(RUSAGE_CHILDREN): at least 0.15 s more", cpu_of_children_ns() - rusage_before >= 150000000LL);
    char stat[1024];
    slurp("/proc/self/stat", stat, sizeof stat);
    expect("/proc/self/stat cutime + cstime: at least 0.15 s", stat_field(stat, 16) + stat_field(stat, 17) >= 15);
}

int main(void)
{
    process_start(60);
    become_init();
    mount_proc();
    self();
    running_child();
    exec_child();
    live_cmdline();
    zombie_and_reaped();
    ids_in_status();
    children_time();
    if (mounted_proc)
        umount("/proc");
    return finish();
}
