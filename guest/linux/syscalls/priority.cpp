// getpriority and setpriority: a nice value per process (-20..19), inherited at fork. One vCPU
// and a scheduler without priorities, so nice is kept and reported but changes no scheduling.
#include <lib/errno_codes.h>
#include <linux/process.h>
#include <linux/syscalls.h>

namespace linux {

namespace {

constexpr int PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
constexpr int NICE_MIN = -20, NICE_MAX = 19;

// Calls `visit` for each live process that (which, who) names; EINVAL for a bad `which`.
template<typename Visit>
lib::ErrorOr<void> for_each_target(int which, int who, Visit visit)
{
    const Process& caller = current_process();
    if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
        return EINVAL;
    if (who < 0)
        return ESRCH;
    for_each_process([&](Process& process) {
        if (process.state != ProcessState::Running)
            return;
        bool named = which == PRIO_PROCESS ? process.pid == (who ? who : caller.pid)
            : which == PRIO_PGRP           ? process.process_group == (who ? who : caller.process_group)
                                           : process.credentials.uid == (who ? static_cast<uint32_t>(who) : caller.credentials.uid);
        if (named)
            visit(process);
    });
    return {};
}

} // namespace

// int getpriority(int which, id_t who): the kernel's form, 20 - nice, of the most favourable
// nice value among the processes named (the C library turns it back into nice).
SyscallResult sys_getpriority(SyscallArguments& a)
{
    int best = NICE_MAX + 1;
    TRY(for_each_target(static_cast<int>(a[0]), static_cast<int>(a[1]), [&](Process& process) {
        if (process.nice < best)
            best = process.nice;
    }));
    if (best > NICE_MAX)
        return ESRCH;
    return 20 - best;
}

// int setpriority(int which, id_t who, int prio): EPERM for another user's process, EACCES for
// lowering a nice value without privilege, ESRCH when nothing matched.
SyscallResult sys_setpriority(SyscallArguments& a)
{
    int nice = static_cast<int>(a[2]);
    nice = nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
    const Credentials& caller = current_process().credentials;
    bool found = false;
    lib::Error error { 0 };
    TRY(for_each_target(static_cast<int>(a[0]), static_cast<int>(a[1]), [&](Process& process) {
        found = true;
        const Credentials& target = process.credentials;
        if (!caller.is_privileged() && caller.euid != target.uid && caller.euid != target.euid)
            error = EPERM;
        else if (nice < process.nice && !caller.is_privileged())
            error = EACCES;
        else
            process.nice = nice;
    }));
    if (!found)
        return ESRCH;
    if (error.code)
        return error;
    return 0;
}

} // namespace linux
