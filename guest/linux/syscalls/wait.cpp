// wait4 and waitid: collecting children that exited, stopped or continued.
#include <linux/pidfd.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

namespace linux {

namespace {

constexpr int WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000;
constexpr int WNOTHREAD = 0x20000000, WALL = 0x40000000, WCLONE = static_cast<int>(0x80000000);
constexpr int P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;
constexpr int CLD_EXITED = 1, CLD_KILLED = 2, CLD_STOPPED = 5, CLD_CONTINUED = 6;

enum class Event { Exited, Stopped, Continued };

struct Found {
    Process* child { nullptr };
    Event event { Event::Exited };
};

// Which children a wait4 pid (or a waitid id type) means.
struct Selector {
    enum class Kind { Any, Pid, Group } kind;
    int id;
    bool matches(const Process& child) const
    {
        return kind == Kind::Any || (kind == Kind::Pid && child.pid == id) || (kind == Kind::Group && child.process_group == id);
    }
};

// The first child of the caller that `selector` means and that has an event `options` asks
// for; `any` says whether the selector meant any child at all (else ECHILD).
Found find_event(Process& self, const Selector& selector, int options, bool& any)
{
    any = false;
    for (Process* child = self.children; child; child = child->next_sibling) {
        if (!selector.matches(*child))
            continue;
        any = true;
        if (child->state == ProcessState::Zombie && (options & WEXITED))
            return { child, Event::Exited };
        if (child->stop_to_report && (options & WUNTRACED))
            return { child, Event::Stopped };
        if (child->continue_to_report && (options & WCONTINUED))
            return { child, Event::Continued };
    }
    return {};
}

int wait_status_of(const Found& found)
{
    switch (found.event) {
    case Event::Stopped:
        return (found.child->stop_signal << 8) | 0x7f;
    case Event::Continued:
        return 0xffff;
    case Event::Exited:
        break;
    }
    return found.child->wait_status;
}

// struct rusage: the child's CPU time as ru_utime, its peak memory as ru_maxrss, the rest zero.
lib::ErrorOr<void> write_usage(UserAddress address, const Process& child)
{
    if (!address)
        return {};
    int64_t usage[18] = {};
    int64_t cpu = child.exited_threads_cpu_ns + child.children_cpu_ns;
    for (Thread* thread = child.threads; thread; thread = thread->next_in_process)
        cpu += sched::cpu_time(*thread);
    usage[0] = cpu / 1'000'000'000;
    usage[1] = cpu % 1'000'000'000 / 1000;
    usage[4] = static_cast<int64_t>(child.peak_rss_kib); // ru_maxrss
    return copy_to_user(address, usage, sizeof(usage));
}

// Takes the event: a zombie is reaped (unless WNOWAIT), a stop or continue is reported once.
void consume(const Found& found, int options)
{
    if (options & WNOWAIT)
        return;
    if (found.event == Event::Exited)
        reap(*found.child);
    else if (found.event == Event::Stopped)
        found.child->stop_to_report = false;
    else
        found.child->continue_to_report = false;
}

} // namespace

// pid_t wait4(pid_t pid, int *wstatus, int options, struct rusage *rusage);
SyscallResult sys_wait4(SyscallArguments& a)
{
    int pid = static_cast<int>(a[0]);
    int options = static_cast<int>(a[2]);
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
        return EINVAL;
    Process& self = current_process();
    Selector selector { Selector::Kind::Any, 0 };
    if (pid > 0)
        selector = { Selector::Kind::Pid, pid };
    else if (pid == 0)
        selector = { Selector::Kind::Group, self.process_group };
    else if (pid < -1)
        selector = { Selector::Kind::Group, -pid };
    bool any;
    Found found = find_event(self, selector, options | WEXITED, any);
    if (!any)
        return ECHILD;
    if (!found.child) {
        if (options & WNOHANG)
            return 0;
        return sched::block_current(&self.child_events, sched::NO_DEADLINE, 0, true);
    }
    int status = wait_status_of(found);
    if (a[1])
        TRY(write_user(a[1], status));
    TRY(write_usage(a[3], *found.child));
    int child_pid = found.child->pid;
    consume(found, options);
    return child_pid;
}

// int waitid(idtype_t idtype, id_t id, siginfo_t *infop, int options, struct rusage *rusage);
SyscallResult sys_waitid(SyscallArguments& a)
{
    int type = static_cast<int>(a[0]);
    int id = static_cast<int>(a[1]);
    int options = static_cast<int>(a[3]);
    if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE))
        return EINVAL;
    if (!(options & (WEXITED | WUNTRACED | WCONTINUED)))
        return EINVAL;
    Process& self = current_process();
    Selector selector { Selector::Kind::Any, 0 };
    bool nonblocking_pidfd = false; // nothing to report and no WNOHANG: EAGAIN, not a wait
    if (type == P_PIDFD) {
        if (id < 0)
            return EINVAL;
        PidFdTarget target = TRY(pidfd_target(id));
        selector = { Selector::Kind::Pid, target.pid };
        nonblocking_pidfd = target.nonblocking;
    } else if (type == P_PID) {
        if (id <= 0)
            return EINVAL;
        selector = { Selector::Kind::Pid, id };
    } else if (type == P_PGID) {
        if (id < 0)
            return EINVAL;
        selector = { Selector::Kind::Group, id ? id : self.process_group };
    } else if (type != P_ALL) {
        return EINVAL;
    }
    bool any;
    Found found = find_event(self, selector, options, any);
    if (!any)
        return ECHILD;
    if (!found.child) {
        if (nonblocking_pidfd && !(options & WNOHANG))
            return EAGAIN;
        if (options & WNOHANG) {
            if (a[2])
                TRY(write_signal_info(a[2], {}));
            return 0;
        }
        return sched::block_current(&self.child_events, sched::NO_DEADLINE, 0, true);
    }
    int status = wait_status_of(found);
    SignalInfo info { SIGCHLD, CLD_EXITED, 0, found.child->pid, 0 };
    if (found.event == Event::Stopped) {
        info.code = CLD_STOPPED;
        info.address = static_cast<uint64_t>(found.child->stop_signal);
    } else if (found.event == Event::Continued) {
        info.code = CLD_CONTINUED;
        info.address = SIGCONT;
    } else if (status & 0x7f) {
        info.code = CLD_KILLED;
        info.address = static_cast<uint64_t>(status & 0x7f);
    } else {
        info.address = static_cast<uint64_t>((status >> 8) & 0xff);
    }
    if (a[2])
        TRY(write_signal_info(a[2], info));
    TRY(write_usage(a[4], *found.child));
    consume(found, options);
    return 0;
}

} // namespace linux
