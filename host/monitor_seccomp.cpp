// The monitor's seccomp allow-list (see monitor_seccomp.h), installed by ProcessVm just before
// its exit loop. The set was measured with strace over the whole test suite (cli, files,
// confinement, compat, compat-files: `strace -o` of the monitor alone, calls after its first
// recvfrom), plus the fallbacks and rare paths named below; each entry says
// why the monitor needs it. Anything else kills the process: a bug in a handler that a hostile
// guest steers can at most make these calls, on descriptors the monitor already holds or on
// names confined by openat2 beneath ROOTFS and the volumes.
#include "host/monitor_seccomp.h"
#include "host/vm_error.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace host {

namespace {

struct Rule {
    int number;
    const char* name;
    const char* reason;
};

#define ALLOW(name, reason) { SYS_##name, #name, reason }

constexpr Rule s_rules[] = {
    // The exit loop.
    ALLOW(recvfrom, "recv(): the next hypercall message on the channel"),
    ALLOW(sendto, "send(): a hypercall's result back on the channel"),
    ALLOW(poll, "the channel's hang-up check; Console's non-blocking stdin check"),
    ALLOW(ppoll, "Wait: the idle guest sleeps on stdin until its deadline"),
    // Console, Random, reports.
    ALLOW(read, "Console: stdin reads"),
    ALLOW(write, "Console: stdout/stderr; the monitor's own one-line messages and --stats"),
    ALLOW(getrandom, "Random"),
    // hostfs: every name is opened by openat2 beneath a mount, files reopened through their
    // own /proc/self/fd magic link; the rest work on descriptors the handle table holds.
    ALLOW(openat2, "hostfs: one name beneath a directory handle, RESOLVE_BENEATH | NO_SYMLINKS"),
    ALLOW(openat, "hostfs: reopening a handle for I/O (/proc/self/fd/N, \".\"); Panic: the kernel's symbols"),
    ALLOW(close, "releasing handles and descriptors"),
    ALLOW(fcntl, "HostRoot: F_DUPFD_CLOEXEC of a mount's root"),
    ALLOW(fstat, "hostfs attributes; Panic: the kernel file's size"),
    ALLOW(newfstatat, "fstat() through glibc's fstatat(fd, \"\", AT_EMPTY_PATH)"),
    ALLOW(lseek, "HostRead/HostWrite/HostReadDirectory: positions for sendfile and getdents64"),
    ALLOW(sendfile, "HostRead/HostWrite: file <-> guest RAM memfd without a bounce copy"),
    ALLOW(pread64, "HostRead/HostWrite fallbacks; Panic: reading the kernel's symbol table"),
    ALLOW(pwrite64, "HostWrite fallback"),
    ALLOW(getdents64, "HostReadDirectory"),
    ALLOW(readlinkat, "HostReadLink"),
    ALLOW(mkdirat, "HostMakeDirectory (read-write volumes only)"),
    ALLOW(symlinkat, "HostMakeSymlink"),
    ALLOW(linkat, "HostLink"),
    ALLOW(unlinkat, "HostUnlink, HostRemoveDirectory"),
    ALLOW(renameat2, "HostRename with RENAME_NOREPLACE or RENAME_EXCHANGE"),
    ALLOW(renameat, "HostRename without flags (glibc's renameat2(..., 0))"),
    ALLOW(ftruncate, "HostTruncate"),
    ALLOW(fchmod, "HostSetAttributes: mode"),
    ALLOW(fchmodat, "HostSetAttributes: mode through /proc/self/fd"),
    ALLOW(utimensat, "HostSetAttributes: times"),
    // Tearing down and reporting.
    ALLOW(kill, "SIGKILL to the guest kernel (teardown, ^C, --timeout)"),
    ALLOW(wait4, "reaping the guest kernel and its rusage for --stats"),
    ALLOW(getrusage, "--stats: the monitor's own peak memory"),
    ALLOW(restart_syscall, "resuming a sleep interrupted by a signal"),
    ALLOW(clock_gettime, "--stats timings, Wait deadlines (when the vDSO is not used)"),
    ALLOW(clock_nanosleep, "usleep() while a dying guest finishes exiting"),
    ALLOW(nanosleep, "usleep() on older C libraries"),
    ALLOW(exit_group, "the monitor's exit"),
    ALLOW(exit, "the monitor's exit"),
    // The C and C++ runtimes.
    ALLOW(brk, "malloc"),
    ALLOW(mmap, "malloc of large blocks"),
    ALLOW(munmap, "free of large blocks; unmapping guest RAM at teardown"),
    ALLOW(mremap, "realloc of large blocks"),
    ALLOW(madvise, "malloc trimming"),
    ALLOW(rt_sigprocmask, "blocking signals around teardown"),
    ALLOW(rt_sigaction, "signal dispositions at teardown"),
    ALLOW(rt_sigreturn, "returning from the SIGINT/SIGTERM/SIGHUP/SIGALRM handlers"),
    ALLOW(futex, "the C library's internal locks"),
    ALLOW(getpid, "abort() (an uncaught exception) raising SIGABRT"),
    ALLOW(gettid, "abort() raising SIGABRT"),
    ALLOW(tgkill, "abort() raising SIGABRT"),
    ALLOW(sigaltstack, "the sanitizers' stack for their reports (ASan builds)"),
    ALLOW(setitimer, "disarming the --timeout timer"),
};

#undef ALLOW

constexpr size_t s_rule_count = sizeof(s_rules) / sizeof(s_rules[0]);

} // namespace

void install_monitor_seccomp()
{
    // Check the architecture, refuse x32 numbers, then one comparison per rule; the default is
    // to kill the whole process (SECCOMP_RET_KILL_PROCESS: no thread of it survives).
    std::vector<sock_filter> program {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    };
    for (size_t i = 0; i < s_rule_count; ++i) {
        // On a match, skip the remaining comparisons and the kill to reach ALLOW.
        auto to_allow = static_cast<uint8_t>(s_rule_count - i);
        program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(s_rules[i].number), to_allow, 0));
    }
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    static_assert(s_rule_count < 255, "BPF jump offsets are 8 bits");

    sock_fprog filter { static_cast<unsigned short>(program.size()), program.data() };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        throw VmError(std::string("cannot confine the monitor (no_new_privs): ") + strerror(errno));
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) != 0)
        throw VmError(std::string("cannot confine the monitor (seccomp): ") + strerror(errno) + "; --no-seccomp runs without it");
}

size_t monitor_seccomp_rule_count() { return s_rule_count; }

const char* monitor_seccomp_rule_name(size_t index) { return index < s_rule_count ? s_rules[index].name : nullptr; }

} // namespace host
