// exit_group, the id calls, arch_prctl, rlimits, scheduler affinity, umask, getrusage, times.
#include <hv/hypercall.h>
#include <linux/clock.h>
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>
#include <vdso/vdso.h>

extern "C" size_t strlen(const char*);
extern "C" void* memcpy(void*, const void*, size_t);

namespace linux {

namespace {

constexpr int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
constexpr int RLIMIT_STACK = 3, RLIMIT_CORE = 4, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_MSGQUEUE = 12,
              RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_COUNT = 16;
constexpr uint64_t RLIM_INFINITY = ~0ull;
constexpr uint64_t NR_OPEN = 1024 * 1024; // fs.nr_open: the most RLIMIT_NOFILE may be
constexpr int PID = 1;

struct ResourceLimit {
    uint64_t current, maximum;
};

// Linux's defaults for init (INIT_RLIMITS); RLIMIT_NOFILE lives in the descriptor table.
// FIXME: only RLIMIT_NOFILE is enforced; the others are remembered and reported.
ResourceLimit g_limits[RLIMIT_COUNT];
bool g_limits_ready;

ResourceLimit& limit_slot(int resource)
{
    if (!g_limits_ready) {
        for (auto& limit : g_limits)
            limit = { RLIM_INFINITY, RLIM_INFINITY };
        g_limits[RLIMIT_STACK] = { kernel::USER_STACK_SIZE, RLIM_INFINITY };
        g_limits[RLIMIT_CORE] = { 0, RLIM_INFINITY };
        g_limits[RLIMIT_MEMLOCK] = { 8 * 1024 * 1024, 8 * 1024 * 1024 };
        g_limits[RLIMIT_MSGQUEUE] = { 819200, 819200 };
        g_limits[RLIMIT_NICE] = { 0, 0 };
        g_limits[RLIMIT_RTPRIO] = { 0, 0 };
        g_limits_ready = true;
    }
    return g_limits[resource];
}

ResourceLimit limit_of(int resource)
{
    if (resource == RLIMIT_NOFILE)
        return { current_process().files.soft_limit(), current_process().files.hard_limit() };
    return limit_slot(resource);
}

// Root may raise hard limits too (CAP_SYS_RESOURCE), but not RLIMIT_NOFILE past nr_open.
lib::ErrorOr<void> set_limit(int resource, ResourceLimit wanted)
{
    if (wanted.current > wanted.maximum)
        return EINVAL;
    if (resource == RLIMIT_NOFILE) {
        if (wanted.maximum > NR_OPEN)
            return EPERM;
        return current_process().files.set_limits(wanted.current, wanted.maximum);
    }
    limit_slot(resource) = wanted;
    return {};
}

} // namespace

// void exit_group(int status);
SyscallResult sys_exit_group(SyscallArguments& a) { exit_program(static_cast<int>(a[0])); }

SyscallResult sys_getpid(SyscallArguments&) { return current_process().pid; }
SyscallResult sys_getppid(SyscallArguments&)
{
    Process* parent = current_process().parent;
    return parent ? parent->pid : 0;
}
SyscallResult sys_getpgrp(SyscallArguments&) { return PID; }
SyscallResult sys_getuid(SyscallArguments&) { return 0; }
SyscallResult sys_geteuid(SyscallArguments&) { return 0; }
SyscallResult sys_getgid(SyscallArguments&) { return 0; }
SyscallResult sys_getegid(SyscallArguments&) { return 0; }
// Root inside the guest may become anyone; nothing outside changes, and every id still
// reads as root. FIXME: remember the ids a program sets.
SyscallResult sys_setuid(SyscallArguments&) { return 0; }
SyscallResult sys_setgid(SyscallArguments&) { return 0; }
SyscallResult sys_setreuid(SyscallArguments&) { return 0; }
SyscallResult sys_setregid(SyscallArguments&) { return 0; }
SyscallResult sys_setresuid(SyscallArguments&) { return 0; }
SyscallResult sys_setresgid(SyscallArguments&) { return 0; }
// int setfsuid(uid_t fsuid);  Returns the previous one.
SyscallResult sys_setfsuid(SyscallArguments&) { return 0; }
SyscallResult sys_setfsgid(SyscallArguments&) { return 0; }

// int getresuid(uid_t *ruid, uid_t *euid, uid_t *suid);
SyscallResult sys_getresuid(SyscallArguments& a)
{
    for (int i = 0; i < 3; ++i)
        TRY(write_user(a[i], uint32_t(0)));
    return 0;
}
SyscallResult sys_getresgid(SyscallArguments& a) { return sys_getresuid(a); }

// int setpgid(pid_t pid, pid_t pgid);
SyscallResult sys_setpgid(SyscallArguments& a)
{
    if ((a[0] != 0 && a[0] != PID) || (a[1] != 0 && a[1] != PID))
        return ESRCH;
    return 0;
}

// pid_t getpgid(pid_t pid);  pid_t getsid(pid_t pid);
SyscallResult sys_getpgid(SyscallArguments& a) { return (a[0] == 0 || a[0] == PID) ? SyscallResult(PID) : SyscallResult(ESRCH); }
SyscallResult sys_getsid(SyscallArguments& a) { return sys_getpgid(a); }

// int arch_prctl(int code, unsigned long addr);
SyscallResult sys_arch_prctl(SyscallArguments& a)
{
    Thread& thread = current_thread();
    switch (static_cast<int>(a[0])) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        if (!is_user_range(a[1], 0))
            return EPERM;
        if (a[0] == ARCH_SET_FS)
            sched::set_thread_pointers(a[1], thread.gs_base);
        else
            sched::set_thread_pointers(thread.fs_base, a[1]);
        return 0;
    case ARCH_GET_FS:
        TRY(write_user(a[1], thread.fs_base));
        return 0;
    case ARCH_GET_GS:
        TRY(write_user(a[1], thread.gs_base));
        return 0;
    default:
        return EINVAL;
    }
}

// int prlimit64(pid_t pid, int resource, const struct rlimit *new, struct rlimit *old);
SyscallResult sys_prlimit64(SyscallArguments& a)
{
    if (a[0] != 0 && a[0] != PID)
        return ESRCH;
    int resource = static_cast<int>(a[1]);
    if (resource < 0 || resource >= RLIMIT_COUNT)
        return EINVAL;
    ResourceLimit old = limit_of(resource);
    if (a[2])
        TRY(set_limit(resource, TRY(read_user<ResourceLimit>(a[2]))));
    if (a[3])
        TRY(write_user(a[3], old));
    return 0;
}

// int getrlimit(int resource, struct rlimit *rlim);
SyscallResult sys_getrlimit(SyscallArguments& a)
{
    int resource = static_cast<int>(a[0]);
    if (resource < 0 || resource >= RLIMIT_COUNT)
        return EINVAL;
    TRY(write_user(a[1], limit_of(resource)));
    return 0;
}

// int setrlimit(int resource, const struct rlimit *rlim);
SyscallResult sys_setrlimit(SyscallArguments& a)
{
    int resource = static_cast<int>(a[0]);
    if (resource < 0 || resource >= RLIMIT_COUNT)
        return EINVAL;
    TRY(set_limit(resource, TRY(read_user<ResourceLimit>(a[1]))));
    return 0;
}

// int sched_getaffinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask);
SyscallResult sys_sched_getaffinity(SyscallArguments& a)
{
    if (a[1] < 8 || (a[1] & 7))
        return EINVAL;
    uint64_t mask = 1; // one vCPU
    TRY(write_user(a[2], mask));
    return 8;
}

// int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);
SyscallResult sys_sched_setaffinity(SyscallArguments&) { return 0; }

// mode_t umask(mode_t mask);
SyscallResult sys_umask(SyscallArguments& a)
{
    Process& process = current_process();
    uint32_t old = process.umask;
    process.umask = static_cast<uint32_t>(a[0]) & 0777;
    return old;
}

// int getrusage(int who, struct rusage *usage);
// CPU time is all user time: the kernel's own work for a program is a small part of it.
SyscallResult sys_getrusage(SyscallArguments& a)
{
    constexpr int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
    int who = static_cast<int>(a[0]);
    int64_t cpu_ns;
    if (who == RUSAGE_SELF)
        cpu_ns = process_cpu_time_ns();
    else if (who == RUSAGE_THREAD)
        cpu_ns = sched::cpu_time(current_thread());
    else if (who == RUSAGE_CHILDREN)
        cpu_ns = 0; // FIXME: no child processes until issue 6
    else
        return EINVAL;
    // ru_utime, ru_stime (struct timeval each), then 14 longs; ru_maxrss (KiB) is the first.
    int64_t usage[18] = {};
    usage[0] = cpu_ns / NANOSECONDS;
    usage[1] = cpu_ns % NANOSECONDS / 1000;
    TRY(copy_to_user(a[1], usage, sizeof(usage)));
    return 0;
}

// clock_t times(struct tms *buf);
// In ticks of AT_CLKTCK (100 Hz): user time as for getrusage, no system or children's time.
SyscallResult sys_times(SyscallArguments& a)
{
    constexpr int64_t NS_PER_TICK = NANOSECONDS / 100;
    int64_t times[4] = { process_cpu_time_ns() / NS_PER_TICK, 0, 0, 0 };
    if (a[0])
        TRY(copy_to_user(a[0], times, sizeof(times)));
    return vdso::monotonic_ns() / NS_PER_TICK;
}

} // namespace linux
