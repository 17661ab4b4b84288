// The monitor's seccomp allow-list, installed in a forked child: what serving hypercalls needs
// goes through, anything else kills the process with SIGSYS. With the filter not installed,
// the "killed" tests fail.
#include "host/kernel_symbols.h"
#include "host/monitor_seccomp.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <set>
#include <string>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// Runs `body` in a child under the filter and returns its wait status. The child leaves with
// exit_group directly: no atexit handlers (nor a sanitizer's leak check) run under the filter.
template<typename Body>
int run_confined(Body body)
{
    pid_t pid = fork();
    if (pid == 0) {
        host::install_monitor_seccomp();
        body();
        syscall(SYS_exit_group, 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

bool killed_by_sigsys(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS; }

TEST(MonitorSeccomp, AllowsWhatServingHypercallsNeeds)
{
    int status = run_confined([] {
        char buffer[16];
        if (getrandom(buffer, sizeof(buffer), 0) != sizeof(buffer))
            syscall(SYS_exit_group, 10);
        int fd = open("/proc/self/fd/2", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "", 0) != 0)
            syscall(SYS_exit_group, 11);
        close(fd);
        void* block = malloc(1 << 20);
        free(block);
    });
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
}

// The Panic hypercall reads the kernel's symbol table after the filter is on.
TEST(MonitorSeccomp, AllowsThePanicReport)
{
    int status = run_confined([] {
        auto symbols = host::KernelSymbols::load("/proc/self/exe");
        if (!symbols)
            syscall(SYS_exit_group, 12);
        std::string where = symbols->describe(reinterpret_cast<uint64_t>(&run_confined<void (*)()>));
        if (where.empty())
            syscall(SYS_exit_group, 13);
    });
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
}

// libslirp (host/net/) makes the guest's connections with the monitor's own sockets.
TEST(MonitorSeccomp, AllowsWhatSlirpNeeds)
{
    int status = run_confined([] {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        int pending = 0;
        if (fd < 0 || ioctl(fd, FIONREAD, &pending) != 0)
            syscall(SYS_exit_group, 13);
        close(fd);
    });
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
}

// ioctl is allowed for FIONREAD only: TIOCSTI on a terminal would type into the user's shell.
TEST(MonitorSeccomp, KillsAnyOtherIoctl)
{
    EXPECT_TRUE(killed_by_sigsys(run_confined([] { ioctl(0, TIOCSTI, "x"); })));
    EXPECT_TRUE(killed_by_sigsys(run_confined([] { syscall(SYS_ioctl, 0, FIONREAD | (1ull << 32), nullptr); })));
}

TEST(MonitorSeccomp, KillsAnExec)
{
    EXPECT_TRUE(killed_by_sigsys(run_confined([] {
        char const* argv[] = { "/bin/true", nullptr };
        execve("/bin/true", const_cast<char**>(argv), nullptr);
    })));
}

TEST(MonitorSeccomp, KillsAFork)
{
    EXPECT_TRUE(killed_by_sigsys(run_confined([] { syscall(SYS_fork); })));
}

TEST(MonitorSeccomp, KillsPtraceAndMount)
{
    EXPECT_TRUE(killed_by_sigsys(run_confined([] { syscall(SYS_ptrace, 0, 0, 0, 0); })));
    EXPECT_TRUE(killed_by_sigsys(run_confined([] { syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, nullptr); })));
}

TEST(MonitorSeccomp, KillsAnX32Number)
{
    EXPECT_TRUE(killed_by_sigsys(run_confined([] { syscall(0x40000000 | SYS_getpid); })));
}

TEST(MonitorSeccomp, RulesAreUnique)
{
    std::set<std::string> names;
    for (size_t i = 0; i < host::monitor_seccomp_rule_count(); ++i)
        EXPECT_TRUE(names.insert(host::monitor_seccomp_rule_name(i)).second) << host::monitor_seccomp_rule_name(i);
    EXPECT_EQ(names.count("execve"), 0u);
    EXPECT_EQ(names.count("socketpair"), 0u);
}

} // namespace
