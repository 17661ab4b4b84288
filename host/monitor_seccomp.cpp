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
#include <sys/ioctl.h>
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
    int64_t only_argument1 = -1; // when >= 0: allowed only with this second argument
};

#define ALLOW(name, reason) { SYS_##name, #name, reason }
#define ALLOW_WITH_ARGUMENT1(name, argument, reason) { SYS_##name, #name, reason, argument }

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
    // The network (host/net/): libslirp turns the guest's connections into the monitor's own
    // sockets (its listening -p sockets and the tap device are opened before the filter).
    ALLOW(socket, "slirp: a socket for each TCP/UDP connection the guest opens"),
    ALLOW(connect, "slirp: non-blocking connects of those sockets"),
    ALLOW(accept, "slirp: a host client connecting to a -p port"),
    ALLOW(accept4, "slirp: accept() as newer C libraries make it"),
    ALLOW(bind, "slirp: UDP sockets bound to an ephemeral port"),
    ALLOW(listen, "slirp: re-listening after a one-shot forward"),
    ALLOW(setsockopt, "slirp: SO_REUSEADDR, SO_OOBINLINE, TCP_NODELAY, buffer sizes"),
    ALLOW(getsockopt, "slirp: SO_ERROR after a non-blocking connect"),
    ALLOW(getsockname, "slirp: the local address of accepted and bound sockets"),
    ALLOW(getpeername, "slirp: the peer of an accepted connection"),
    ALLOW(recvmsg, "slirp: ICMP errors (MSG_ERRQUEUE) of UDP sockets"),
    ALLOW(shutdown, "slirp: half-closing a connection the guest half-closed"),
    ALLOW_WITH_ARGUMENT1(ioctl, FIONREAD, "slirp: FIONREAD (the size of a pending UDP datagram), nothing else"),
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
    // One comparison per rule; a rule with an argument condition loads the argument on a match
    // and is allowed only with that value. Jumps to ALLOW are patched once its place is known.
    std::vector<size_t> to_allow;
    for (size_t i = 0; i < s_rule_count; ++i) {
        auto number = static_cast<uint32_t>(s_rules[i].number);
        if (s_rules[i].only_argument1 < 0) {
            to_allow.push_back(program.size());
            program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, number, 0, 0));
            continue;
        }
        program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, number, 0, 6));
        // The low half of args[1] (little-endian); the high half must be zero as well.
        program.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args) + 8 + 4));
        program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0));
        program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
        program.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args) + 8));
        to_allow.push_back(program.size());
        program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(s_rules[i].only_argument1), 0, 0));
        program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    }
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    size_t allow = program.size();
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    for (size_t jump : to_allow) {
        size_t distance = allow - jump - 1;
        if (distance > 255)
            throw VmError("the monitor's seccomp filter is too long");
        program[jump].jt = static_cast<uint8_t>(distance);
    }

    sock_fprog filter { static_cast<unsigned short>(program.size()), program.data() };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        throw VmError(std::string("cannot confine the monitor (no_new_privs): ") + strerror(errno));
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) != 0)
        throw VmError(std::string("cannot confine the monitor (seccomp): ") + strerror(errno) + "; --no-seccomp runs without it");
}

size_t monitor_seccomp_rule_count() { return s_rule_count; }

const char* monitor_seccomp_rule_name(size_t index) { return index < s_rule_count ? s_rules[index].name : nullptr; }

} // namespace host
