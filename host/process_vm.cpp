// ProcessVm: boots the guest kernel as a child process and runs the exit loop over its channel.
#include "host/process_vm.h"
#include "host/boot_info_writer.h"
#include "host/hypercall_table.h"
#include "host/monitor_seccomp.h"
#include "host/monitor_signals.h"
#include "host/net/net_device.h"
#include "host/signal_names.h"
#include "host/vm_context.h"
#include "host/vm_error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace host {

static std::string errno_text(int error = errno) { return strerror(error); }

ProcessVm::ProcessVm(VmConfig config)
    : m_config(std::move(config))
{
    if (m_config.kernel_path.empty())
        m_config.kernel_path = default_kernel_path();
}

ProcessVm::~ProcessVm()
{
    terminate();
    if (m_channel >= 0)
        close(m_channel);
}

std::string ProcessVm::default_kernel_path()
{
    if (char const* path = getenv("UNIKIT_KERNEL"); path && *path)
        return path;
    char self[4096];
    ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (length <= 0)
        return "unikit-kernel";
    std::string directory(self, static_cast<size_t>(length));
    return directory.substr(0, directory.rfind('/')) + "/unikit-kernel";
}

// Moves fd to a number >= 10 (close-on-exec), so the spawn's dup2 onto 3 and 4 never aliases.
static int move_high(int fd)
{
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    int error = errno;
    close(fd);
    if (high < 0)
        throw VmError("cannot set up the guest: " + errno_text(error));
    return high;
}

void ProcessVm::spawn_kernel()
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        throw VmError("cannot create the hypercall channel: " + errno_text());
    m_channel = pair[0];
    int child_channel = move_high(pair[1]);
    int child_ram = move_high(fcntl(m_memory->memfd(), F_DUPFD_CLOEXEC, 0));

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, child_channel, CHANNEL_FD);
    posix_spawn_file_actions_adddup2(&actions, child_ram, RAM_FD);
    // Nothing the caller of unikit left open reaches the guest.
    posix_spawn_file_actions_addclosefrom_np(&actions, RAM_FD + 1);

    // The guest starts with default dispositions (the monitor ignores SIGPIPE, and whoever
    // started unikit may have ignored more) and no blocked signals.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigfillset(&defaults);
    sigset_t empty;
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &empty);
    // Its own process group: the kernel's host processes (one per guest address space, all
    // children of the monitor) are killed together.
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

    char kernel_name[] = "unikit-kernel";
    char* argv[] = { kernel_name, nullptr };
    char* envp[] = { nullptr };

    // Block ^C while spawning so a signal cannot leave an unrecorded child behind.
    sigset_t blocked = terminating_signals();
    sigset_t previous;
    sigprocmask(SIG_BLOCK, &blocked, &previous);
    pid_t pid = -1;
    int error = posix_spawn(&pid, m_config.kernel_path.c_str(), &actions, &attributes, argv, envp);
    if (error == 0) {
        m_pid = pid;
        set_guest_pid_for_signals(pid);
    }
    sigprocmask(SIG_SETMASK, &previous, nullptr);

    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(child_channel);
    close(child_ram);
    if (error != 0)
        throw VmError("cannot start the guest kernel at " + m_config.kernel_path + ": " + errno_text(error));
}

// hostfs holds up to HostFsHandleTable::MAX_HANDLES descriptors, two for an open file: lift
// the soft limit to the hard one.
static void raise_descriptor_limit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

int ProcessVm::run()
{
    m_stats.mark(VmStats::Mark::MonitorStart, to_ns(m_config.monitor_start));
    struct stat kernel {};
    if (stat(m_config.kernel_path.c_str(), &kernel) < 0 || !S_ISREG(kernel.st_mode))
        throw VmError("cannot find the guest kernel at " + m_config.kernel_path);

    m_hostfs = HostFsHandleTable::open_mounts(m_config);
    // Before the guest starts: a published port already in use on the host ends the run here.
    m_net = net::NetDevice::create(m_config.network);
    // One round now, before the seccomp filter: it also warms UBSan's dynamic-type cache for the
    // backend (a cache miss under the filter would call pipe2 in sanitized builds).
    if (m_net)
        m_net->service_now();
    raise_descriptor_limit();
    m_memory = std::make_unique<GuestMemory>(m_config.memory_bytes);
    write_boot_info(*m_memory, m_config);
    if (m_net)
        m_net->attach(*m_memory);

    install_monitor_signal_handlers(m_config.stats);
    arm_monitor_timeout(m_config.timeout_ns);
    spawn_kernel();
    m_stats.mark_now(VmStats::Mark::GuestSpawned);
    // From here on the monitor only serves hypercalls and tears down: drop everything else.
    if (m_config.seccomp)
        install_monitor_seccomp();

    VmContext context { m_config, *m_memory, *this, m_stats, {}, {} };
    context.hostfs = m_hostfs.get();
    context.net = m_net.get();
    int status = exit_loop(context);
    if (m_net) {
        m_stats.count_frames(m_net->frames_sent(), m_net->frames_received());
        m_stats.set_frames_dropped(m_net->incoming().dropped());
    }
    terminate();
    m_stats.mark_now(VmStats::Mark::VmStopped);
    if (!context.exit_message.empty())
        fprintf(stderr, "unikit: %s\n", context.exit_message.c_str());
    if (m_config.stats)
        m_stats.print(stderr);
    return status;
}

int ProcessVm::exit_loop(VmContext& context)
{
    while (!context.exit_status) {
        // One byte more than a message, and MSG_TRUNC, so an oversized message is noticed.
        uint8_t buffer[sizeof(uabi::HypercallMessage) + 1];
        // --stats: ^C or kill ends the run here (the handler killed the guest), with the report.
        if (int signal = take_terminating_signal()) {
            context.stop(128 + signal, "");
            break;
        }
        if (take_child_exited() && !reap_exited_hosts(context))
            break;
        if (m_net) {
            // Serve the network while the guest runs: the packet device's rings, slirp's
            // sockets and timers or the tap device, until the next hypercall arrives.
            pollfd channel { m_channel, POLLIN, 0 };
            std::string problem;
            int ready = m_net->exchange_and_poll({ &channel, 1 }, -1, problem);
            if (!problem.empty()) {
                context.malformed("packet device: " + problem);
                break;
            }
            if (ready <= 0 || channel.revents == 0)
                continue;
        }
        ssize_t length = recv(m_channel, buffer, sizeof(buffer), MSG_TRUNC);
        if (length < 0 && errno == EINTR)
            continue;
        if (length < 0) {
            context.stop(EXIT_UNIKIT_FAILED, "lost the hypercall channel: " + errno_text());
            break;
        }
        if (length == 0) {
            if (int signal = take_terminating_signal())
                context.stop(128 + signal);
            else
                guest_died(context);
            break;
        }
        if (length != sizeof(uabi::HypercallMessage)) {
            context.malformed("a message of " + std::to_string(length) + " bytes");
            break;
        }
        uabi::HypercallMessage message;
        memcpy(&message, buffer, sizeof(message));
        int64_t result = dispatch_hypercall(context, message.number, message.request);
        if (context.exit_status)
            break;
        if (message.number == static_cast<uint64_t>(uabi::Hypercall::NetNotify))
            continue; // the guest does not wait for an answer
        // If the guest is gone, the next recv says so.
        send(m_channel, &result, sizeof(result), MSG_NOSIGNAL);
    }
    return *context.exit_status;
}

bool ProcessVm::reap_exited_hosts(VmContext& context)
{
    // A host process whose address space is gone exits with 0; one that dies otherwise is a
    // kernel crash, and the rest cannot go on without it.
    int status = 0;
    rusage usage {};
    pid_t pid;
    while ((pid = wait4(-m_pid, &status, WNOHANG, &usage)) > 0) {
        if (pid == m_pid) {
            m_reaped = true;
            m_wait_status = status;
            m_stats.set_guest_usage(usage);
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            m_wait_status = status;
            describe_death(context);
            return false;
        }
    }
    return true;
}

void ProcessVm::guest_died(VmContext& context)
{
    // recv() gave 0: the guest closed its channel, or sent an empty message.
    pollfd channel { m_channel, POLLRDHUP, 0 };
    if (poll(&channel, 1, 0) < 0 || !(channel.revents & (POLLHUP | POLLRDHUP))) {
        context.malformed("an empty message");
        return;
    }
    // Give a dying guest a moment to finish exiting before forcing it.
    for (int attempt = 0; attempt < 1000 && !m_reaped; ++attempt) {
        rusage usage {};
        if (wait4(m_pid, &m_wait_status, WNOHANG, &usage) == m_pid) {
            m_reaped = true;
            m_stats.set_guest_usage(usage);
            set_guest_pid_for_signals(0);
        } else {
            usleep(1000);
        }
    }
    if (!m_reaped) {
        reap(true);
        context.stop(EXIT_UNIKIT_FAILED, "guest kernel closed its hypercall channel unexpectedly");
        return;
    }
    describe_death(context);
}

void ProcessVm::describe_death(VmContext& context)
{
    if (WIFSIGNALED(m_wait_status) && WTERMSIG(m_wait_status) == SIGSYS) {
        // The kernel process's seccomp filter (guest/platform/process/sandbox.cpp) fired.
        context.stop(EXIT_UNIKIT_FAILED, "the guest attempted a forbidden host syscall; the VM was stopped");
        return;
    }
    std::string how;
    if (WIFSIGNALED(m_wait_status))
        how = "killed by " + signal_name(WTERMSIG(m_wait_status));
    else
        how = "exited with status " + std::to_string(WEXITSTATUS(m_wait_status));
    context.stop(EXIT_UNIKIT_FAILED, "guest kernel died unexpectedly (" + how + ")");
}

void ProcessVm::reap(bool kill_first)
{
    if (m_pid <= 0 || m_group_reaped)
        return;
    if (kill_first)
        kill(-m_pid, SIGKILL);
    set_guest_pid_for_signals(0);
    rusage usage {};
    int status;
    pid_t pid;
    while ((pid = wait4(-m_pid, &status, 0, &usage)) > 0 || errno == EINTR) {
        if (pid == m_pid) {
            m_reaped = true;
            m_wait_status = status;
            m_stats.set_guest_usage(usage);
        }
    }
    m_reaped = m_group_reaped = true;
}

void ProcessVm::terminate()
{
    reap(true);
}

} // namespace host
