// The kernel process's seccomp allow-list, installed in a forked child on the host: what the
// platform needs goes through, anything else kills the process with SIGSYS.
#include "../../guest/platform/process/sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

// Runs `body` in a sandboxed child with fd 3 and fd 4 open; returns its wait status.
template<typename Body>
int run_sandboxed(Body body)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 3);
        int ram = memfd_create("ram", 0);
        if (ftruncate(ram, 1 << 20) != 0)
            _exit(90);
        dup2(ram, 4);
        if (!platform::process::install_sandbox())
            _exit(91);
        body();
        syscall(SYS_exit_group, 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

bool killed_by_sigsys(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS; }

TEST(Sandbox, AllowsWhatThePlatformNeeds)
{
    int status = run_sandboxed([] {
        char byte = 0;
        if (syscall(SYS_write, 3, &byte, 1) != 1)
            syscall(SYS_exit_group, 1);
        void* ram = reinterpret_cast<void*>(syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 4, 0));
        if (ram == MAP_FAILED)
            syscall(SYS_exit_group, 2);
        syscall(SYS_mprotect, ram, 4096, PROT_READ);
        syscall(SYS_munmap, ram, 4096);
        timespec now {};
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
        if (syscall(SYS_fallocate, 4, 3, 0, 4096) != 0)
            syscall(SYS_exit_group, 3);
    });
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Sandbox, KillsAnythingElse)
{
    EXPECT_TRUE(killed_by_sigsys(run_sandboxed([] { syscall(SYS_getpid); })));
    EXPECT_TRUE(killed_by_sigsys(run_sandboxed([] { syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY); })));
    EXPECT_TRUE(killed_by_sigsys(run_sandboxed([] { syscall(SYS_mkdir, "/tmp/x", 0755); })));
}

TEST(Sandbox, ChecksDescriptors)
{
    // write on stdout, read on stdin, a mapping of another file, fallocate of another fd.
    EXPECT_TRUE(killed_by_sigsys(run_sandboxed([] { syscall(SYS_write, 1, "x", 1); })));
    EXPECT_TRUE(killed_by_sigsys(run_sandboxed([] { char c; syscall(SYS_read, 0, &c, 1); })));
    EXPECT_TRUE(killed_by_sigsys(run_sandboxed([] { syscall(SYS_write, 3L | (1L << 32), "x", 1); })));
    EXPECT_TRUE(killed_by_sigsys(run_sandboxed([] { syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); })));
    EXPECT_TRUE(killed_by_sigsys(run_sandboxed([] { syscall(SYS_fallocate, 3, 3, 0, 4096); })));
}

} // namespace
