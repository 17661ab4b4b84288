// pidfd_open and pidfd_send_signal (and clone's CLONE_PIDFD): a file descriptor that refers
// to a process. It polls
// readable once the process has ended (a zombie), and readable and hung up once it has been
// reaped; waitid(P_PIDFD) waits for it (wait.cpp). It keeps the pid, not the process, which
// is freed when reaped: pids are never reused while the VM runs.
#include <linux/anonymous_file.h>
#include <linux/kill.h>
#include <linux/pidfd.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <vfs/open_file.h>

namespace linux {

namespace {

constexpr uint32_t PIDFD_NONBLOCK = vfs::NonBlocking;
constexpr uint32_t PIDFD_SIGNAL_THREAD = 1, PIDFD_SIGNAL_THREAD_GROUP = 2, PIDFD_SIGNAL_PROCESS_GROUP = 4;
AnonymousFileSystem g_pidfd_fs;

class PidFd final : public vfs::Vnode {
public:
    explicit PidFd(int pid) : m_pid(pid) {}

    int pid() const { return m_pid; }

    lib::ErrorOr<vfs::Attributes> attributes() override { return anonymous_file_attributes(m_inode); }
    vfs::FileSystem& file_system() override { return g_pidfd_fs; }

    // read and write: EINVAL, as every vnode that has neither.
    uint32_t poll_events() override
    {
        constexpr uint32_t POLLIN = 1, POLLHUP = 16;
        const Process* process = find_process(m_pid);
        if (!process)
            return POLLIN | POLLHUP;
        return process->state == ProcessState::Zombie ? POLLIN : 0;
    }

private:
    int m_pid;
    uint64_t m_inode { allocate_anonymous_inode() };
};

// A siginfo_t the program passes to pidfd_send_signal.
lib::ErrorOr<SignalInfo> read_signal_info(UserAddress source)
{
    int32_t header[6];
    TRY(copy_from_user(header, source, sizeof(header)));
    uint64_t value = TRY(read_user<uint64_t>(source + 24));
    return SignalInfo { header[0], header[2], header[1], header[4], value };
}

} // namespace

lib::ErrorOr<PidFdTarget> pidfd_target(int fd)
{
    auto file = current_process().files.get(fd);
    if (!file || &file->vnode().file_system() != &g_pidfd_fs)
        return EBADF;
    return PidFdTarget { static_cast<PidFd&>(file->vnode()).pid(), (file->flags() & vfs::NonBlocking) != 0 };
}

lib::ErrorOr<int> open_pidfd(int pid, uint32_t flags)
{
    auto pidfd = lib::make_ref<PidFd>(pid);
    if (!pidfd)
        return ENOMEM;
    return static_cast<int>(TRY(install_anonymous_file(pidfd, flags | vfs::CloseOnExec, "pidfd")));
}

// int pidfd_open(pid_t pid, unsigned int flags);
// FIXME: no PIDFD_THREAD (a descriptor for one thread).
SyscallResult sys_pidfd_open(SyscallArguments& a)
{
    uint32_t flags = static_cast<uint32_t>(a[1]);
    int pid = static_cast<int32_t>(a[0]);
    if ((flags & ~PIDFD_NONBLOCK) || pid <= 0)
        return EINVAL;
    if (!find_process(pid))
        return find_thread(pid) ? ENOENT : ESRCH; // a thread's id is not a process's
    return TRY(open_pidfd(pid, flags));
}

// int pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags);
// flags: 0 or PIDFD_SIGNAL_THREAD_GROUP, the process; PIDFD_SIGNAL_THREAD, its main thread;
// PIDFD_SIGNAL_PROCESS_GROUP, the process group the pid names.
SyscallResult sys_pidfd_send_signal(SyscallArguments& a)
{
    uint32_t flags = static_cast<uint32_t>(a[3]);
    if ((flags & ~(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP)) || (flags & (flags - 1)))
        return EINVAL;
    int pid = TRY(pidfd_target(static_cast<int32_t>(a[0]))).pid;
    int signal = static_cast<int32_t>(a[1]);
    SignalInfo info = signal_from_caller(signal, flags == PIDFD_SIGNAL_THREAD ? SI_TKILL : SI_USER);
    if (a[2]) {
        info = TRY(read_signal_info(a[2]));
        if (info.signal != signal)
            return EINVAL;
        bool to_caller = pid == current_thread().tid && flags != PIDFD_SIGNAL_PROCESS_GROUP;
        if (!may_send_info(info, to_caller))
            return EPERM;
    }
    if (flags == PIDFD_SIGNAL_PROCESS_GROUP)
        TRY(signal_group(pid, info));
    else if (flags == PIDFD_SIGNAL_THREAD)
        TRY(signal_thread(pid, pid, info));
    else if (Process* process = find_process(pid))
        TRY(signal_process(*process, info));
    else
        return ESRCH;
    return 0;
}

} // namespace linux
