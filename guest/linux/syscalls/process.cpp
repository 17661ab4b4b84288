// exit_group, pids, process groups and sessions, arch_prctl, rlimits, scheduler affinity,
// umask, getrusage, times. The user and group ids are in credentials.cpp.
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
constexpr uint64_t NR_OPEN = 1024 * 1024; // fs.nr_open: the most RLIMIT_NOFILE may be

ResourceLimit limit_of(const Process& process, int resource)
{
    if (resource == RLIMIT_NOFILE)
        return { process.files.soft_limit(), process.files.hard_limit() };
    return process.resource_limits[resource];
}

// Root may raise hard limits too (CAP_SYS_RESOURCE), but not RLIMIT_NOFILE past nr_open.
lib::ErrorOr<void> set_limit(Process& process, int resource, ResourceLimit wanted)
{
    if (wanted.current > wanted.maximum)
        return EINVAL;
    if (wanted.maximum > limit_of(process, resource).maximum && !current_process().credentials.is_privileged())
        return EPERM;
    if (resource == RLIMIT_NOFILE) {
        if (wanted.maximum > NR_OPEN)
            return EPERM;
        return process.files.set_limits(wanted.current, wanted.maximum);
    }
    process.resource_limits[resource] = wanted;
    return {};
}

// Whether some process (running or zombie, as Linux keeps a zombie in its group until it is
// reaped) is in process group `group`; its session then goes to `session`.
bool find_group(int group, int& session)
{
    bool found = false;
    for_each_process([&](Process& process) {
        if (!found && process.process_group == group) {
            found = true;
            session = process.session;
        }
    });
    return found;
}

} // namespace

bool may_create_task(const Process& process)
{
    const Credentials& credentials = process.credentials;
    if (credentials.uid == 0 || credentials.is_privileged())
        return true;
    uint64_t tasks = 0;
    for_each_process([&](Process& other) {
        if (other.credentials.uid != credentials.uid)
            return;
        if (other.state == ProcessState::Zombie)
            ++tasks;
        for (const Thread* thread = other.threads; thread; thread = thread->next_in_process)
            tasks += thread->state != sched::TaskState::Dead;
    });
    return tasks < process.resource_limits[RLIMIT_NPROC].current;
}

// void exit_group(int status);  The process ends: the value is never seen.
SyscallResult sys_exit_group(SyscallArguments& a)
{
    exit_process(static_cast<int>(a[0]));
    return 0;
}

// pid_t getpid(void);  pid_t getppid(void);  pid_t getpgrp(void);
SyscallResult sys_getpid(SyscallArguments&) { return current_process().pid; }
SyscallResult sys_getppid(SyscallArguments&)
{
    Process* parent = current_process().parent;
    return parent ? parent->pid : 0;
}
SyscallResult sys_getpgrp(SyscallArguments&) { return current_process().process_group; }
// int setpgid(pid_t pid, pid_t pgid);
// Moves the caller or one of its children (pid 0: the caller) into process group pgid (0: a
// new group whose id is that process's pid). The group must already exist in the caller's
// session unless it is the new one; a session leader stays where it is; a child that has
// called execve is out of reach (EACCES).
SyscallResult sys_setpgid(SyscallArguments& a)
{
    Process& self = current_process();
    int pid = static_cast<int>(a[0]);
    int group = static_cast<int>(a[1]);
    if (pid == 0)
        pid = self.pid;
    if (group == 0)
        group = pid;
    if (group < 0)
        return EINVAL;
    Process* target = find_process_of_task(pid);
    if (!target)
        return ESRCH;
    if (target->pid != pid)
        return EINVAL; // a thread's id, not its process's
    if (target->parent == &self) {
        if (target->session != self.session)
            return EPERM;
        if (target->did_exec)
            return EACCES;
    } else if (target != &self) {
        return ESRCH;
    }
    if (target->session == target->pid)
        return EPERM;
    if (group != pid) {
        int session = 0;
        if (!find_group(group, session) || session != self.session)
            return EPERM;
    }
    target->process_group = group;
    return 0;
}

// pid_t getpgid(pid_t pid);
SyscallResult sys_getpgid(SyscallArguments& a) { return TRY(process_or_self(static_cast<int>(a[0])))->process_group; }

// pid_t getsid(pid_t pid);
SyscallResult sys_getsid(SyscallArguments& a) { return TRY(process_or_self(static_cast<int>(a[0])))->session; }

// pid_t setsid(void);
// A new session and process group, both named by the caller's pid, unless a process group
// already has that id (the caller leads one, or once did and members remain): EPERM.
// FIXME: the terminal (ioctl.cpp) does not yet know sessions: there is no controlling
// terminal to drop.
SyscallResult sys_setsid(SyscallArguments&)
{
    Process& self = current_process();
    int session = 0;
    if (self.session == self.pid || find_group(self.pid, session))
        return EPERM;
    self.session = self.process_group = self.pid;
    return self.pid;
}

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
    int resource = static_cast<int>(a[1]);
    if (resource < 0 || resource >= RLIMIT_COUNT)
        return EINVAL;
    Process& process = *TRY(process_or_self(static_cast<int>(a[0])));
    const Credentials& caller = current_process().credentials;
    const Credentials& target = process.credentials;
    // As Linux: another process's limits only for one whose ids are all the caller's real ones.
    bool same_user = caller.uid == target.uid && caller.uid == target.euid && caller.uid == target.suid && caller.gid == target.gid
        && caller.gid == target.egid && caller.gid == target.sgid;
    if (&process != &current_process() && !same_user && !caller.is_privileged())
        return EPERM;
    ResourceLimit old = limit_of(process, resource);
    if (a[2])
        TRY(set_limit(process, resource, TRY(read_user<ResourceLimit>(a[2]))));
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
    TRY(write_user(a[1], limit_of(current_process(), resource)));
    return 0;
}

// int setrlimit(int resource, const struct rlimit *rlim);
SyscallResult sys_setrlimit(SyscallArguments& a)
{
    int resource = static_cast<int>(a[0]);
    if (resource < 0 || resource >= RLIMIT_COUNT)
        return EINVAL;
    TRY(set_limit(current_process(), resource, TRY(read_user<ResourceLimit>(a[1]))));
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
// RUSAGE_CHILDREN counts the children that were waited for, and theirs, as Linux.
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
        cpu_ns = current_process().children_cpu_ns;
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
// In ticks of AT_CLKTCK (100 Hz): user time as for getrusage, the waited-for children's as
// tms_cutime; no system time.
SyscallResult sys_times(SyscallArguments& a)
{
    constexpr int64_t NS_PER_TICK = NANOSECONDS / 100;
    int64_t times[4] = { process_cpu_time_ns() / NS_PER_TICK, 0, current_process().children_cpu_ns / NS_PER_TICK, 0 };
    if (a[0])
        TRY(copy_to_user(a[0], times, sizeof(times)));
    return vdso::monotonic_ns() / NS_PER_TICK;
}

} // namespace linux
