// The process platform: the kernel runs as a host process that the monitor spawned, with
// the hypercall channel on fd 3 and guest RAM (a memfd) on fd 4. Program syscalls reach the
// kernel as SIGSYS through Syscall User Dispatch, which lets only the kernel's own text make
// host syscalls; faults arrive as SIGSEGV and friends. Each signal is handled on the kernel's
// stack and returns through rt_sigreturn with the program's (possibly changed) registers.
#include "host_processes.h"
#include "host_syscall.h"
#include "sandbox.h"

#include <abi/boot_info.h>
#include <kernel/layout.h>
#include <kernel/traps.h>
#include <lib/errno_codes.h>
#include <platform/platform.h>
#include <sched/scheduler.h>

extern "C" char __executable_start[];
extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();
extern "C" char etext[];
extern "C" void platform_signal_restorer();
extern "C" [[noreturn]] void platform_enter_program(uint64_t entry, uint64_t stack);

namespace platform {

namespace {

constexpr int CHANNEL_FD = 3;
constexpr int RAM_FD = 4;

constexpr int SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGSEGV = 11, SIGALRM = 14, SIGSYS = 31;
constexpr uint64_t SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTORER = 0x04000000, SA_NODEFER = 0x40000000;
constexpr int PR_SET_PDEATHSIG = 1, PR_SET_SYSCALL_USER_DISPATCH = 59, PR_SYS_DISPATCH_ON = 1;
constexpr int AT_HWCAP2 = 26, AT_MINSIGSTKSZ = 51;
constexpr uint64_t MAP_SHARED = 1, MAP_FIXED = 0x10;
constexpr int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002;
constexpr int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;

struct KernelSigaction {
    void (*handler)(int, void*, void*);
    uint64_t flags;
    void (*restorer)();
    uint64_t mask;
};

struct SigInfo {
    int signo, error, code, pad;
    uint64_t address; // si_addr, or si_call_addr for SIGSYS
    int syscall;
    unsigned arch;
};

struct UContext {
    uint64_t flags;
    uint64_t link;
    uint64_t stack[3];
    kernel::TrapFrame registers;
    uint8_t* extended_state; // the FXSAVE/XSAVE image the host saved
    uint64_t reserved[8];
    uint64_t signal_mask;
};
static_assert(__builtin_offsetof(UContext, registers) == 40);
static_assert(__builtin_offsetof(UContext, extended_state) == 224);

// The host's signal frame says how much extended state it saved (Linux's fpx_sw_bytes).
constexpr size_t FXSAVE_SIZE = 512, SOFTWARE_BYTES_OFFSET = 464;
constexpr uint32_t FP_XSTATE_MAGIC1 = 0x46505853;

sched::ExtendedState extended_state_of(UContext& context)
{
    uint8_t* image = context.extended_state;
    if (!image)
        return {};
    uint32_t software[2];
    __builtin_memcpy(software, image + SOFTWARE_BYTES_OFFSET, sizeof(software));
    return { image, software[0] == FP_XSTATE_MAGIC1 ? software[1] : FXSAVE_SIZE };
}

struct HostStat {
    uint64_t dev, ino, nlink;
    uint32_t mode, uid, gid, pad;
    uint64_t rdev;
    int64_t size;
    int64_t rest[12];
};

uint64_t g_ram_size;
uint64_t g_hwcap2;
uint64_t g_minimum_signal_stack_size = 2048;
int64_t g_coarse_resolution_ns = 4000000;

[[noreturn]] void die()
{
    for (;;)
        host::syscall6(host::ExitGroup, 125);
}

bool g_ram_mapped;

// Start-up failed: tell the monitor why (once guest RAM is there to carry the message).
[[noreturn]] void fail(const char* why)
{
    if (g_ram_mapped) {
        auto* request = reinterpret_cast<uabi::ExitRequest*>(kernel::PHYSICAL_MAP_BASE + uabi::HYPERCALL_PAGE_GPA);
        *request = {};
        request->kind = static_cast<uint32_t>(uabi::ExitKind::KernelFailed);
        for (size_t i = 0; why[i] && i + 1 < sizeof(request->message); ++i)
            request->message[i] = why[i];
        hypercall(uabi::Hypercall::Exit, uabi::HYPERCALL_PAGE_GPA);
    }
    die();
}

bool in_kernel_text(uint64_t address)
{
    return address >= reinterpret_cast<uint64_t>(__executable_start) && address < reinterpret_cast<uint64_t>(etext);
}

// Every trap: the program's registers and extended state are in the host's signal frame, and
// whatever the kernel leaves there is what the program (perhaps another task) resumes with.
void on_signal(int signal, void* info_pointer, void* context_pointer)
{
    auto* info = static_cast<SigInfo*>(info_pointer);
    auto* context = static_cast<UContext*>(context_pointer);
    kernel::TrapFrame& frame = context->registers;
    if (in_kernel_text(frame.rip)) {
        // The kernel itself: a fault in a user copy (nested in a syscall trap), a kernel
        // crash, or the timer during start-up, which the next trap will see.
        if (signal == SIGALRM)
            sched::timer_interrupt();
        else
            kernel::handle_fault({ signal, info->code, info->address }, frame);
        return;
    }
    process::record_trap(context);
    sched::ExtendedState extended = extended_state_of(*context);
    sched::enter_trap(frame, extended);
    if (signal == SIGSYS) // Syscall User Dispatch left the registers as at the `syscall`
        kernel::handle_syscall(frame);
    else if (signal == SIGALRM)
        sched::timer_interrupt();
    else
        kernel::handle_fault({ signal, info->code, info->address }, frame);
    sched::leave_trap(frame, extended);
}

void install_handler(int signal)
{
    // The timer waits while the kernel runs; faults may nest (a bad pointer in a user copy).
    constexpr uint64_t TIMER_MASK = 1ull << (SIGALRM - 1);
    KernelSigaction action { on_signal, SA_SIGINFO | SA_ONSTACK | SA_RESTORER | SA_NODEFER, platform_signal_restorer, TIMER_MASK };
    if (host::syscall6(host::RtSigaction, signal, reinterpret_cast<uint64_t>(&action), 0, 8) != 0)
        fail("rt_sigaction failed");
}

void read_host_auxv(uint64_t* initial_stack)
{
    uint64_t argc = initial_stack[0];
    uint64_t* p = initial_stack + 1 + argc + 1;
    while (*p)
        ++p;
    for (++p; p[0] != 0; p += 2) {
        if (p[0] == AT_HWCAP2)
            g_hwcap2 = p[1];
        else if (p[0] == AT_MINSIGSTKSZ)
            g_minimum_signal_stack_size = p[1];
    }
}

} // namespace

namespace process {

kernel::TrapFrame& trap_frame_of(void* context) { return static_cast<UContext*>(context)->registers; }
sched::ExtendedState extended_state_of(void* context) { return platform::extended_state_of(*static_cast<UContext*>(context)); }

// The timer interrupt: a one-shot CLOCK_MONOTONIC timer that raises SIGALRM in this host.
bool create_host_timer()
{
    struct {
        uint64_t value;
        int signal, notify;
        int pad[12];
    } event { 0, SIGALRM, 0 /* SIGEV_SIGNAL */, {} };
    return host::syscall6(host::TimerCreate, 1 /* CLOCK_MONOTONIC */, reinterpret_cast<uint64_t>(&event), reinterpret_cast<uint64_t>(&local().timer_id)) == 0;
}

// A syscall from anywhere but the kernel's text traps into the kernel.
bool enable_syscall_dispatch()
{
    uint64_t text_start = reinterpret_cast<uint64_t>(__executable_start);
    uint64_t text_length = reinterpret_cast<uint64_t>(etext) - text_start;
    return host::syscall6(host::Prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, text_start, text_length, 0) == 0;
}

} // namespace process

extern "C" [[noreturn]] void process_platform_start(uint64_t* initial_stack)
{
    // Constructors of globals, which no C runtime runs for us.
    for (auto* constructor = __init_array_start; constructor != __init_array_end; ++constructor)
        (*constructor)();
    read_host_auxv(initial_stack);
    // The kernel must not outlive its monitor.
    host::syscall6(host::Prctl, PR_SET_PDEATHSIG, SIGKILL);
    if (host::syscall6(host::Getppid) == 1)
        die();

    if (!process::set_up_first_host())
        die();
    HostStat ram {};
    if (host::syscall6(host::Fstat, RAM_FD, reinterpret_cast<uint64_t>(&ram)) != 0 || ram.size <= 0)
        die();
    g_ram_size = static_cast<uint64_t>(ram.size);
    if (host::syscall6(host::Mmap, kernel::PHYSICAL_MAP_BASE, g_ram_size, ProtRead | ProtWrite, MAP_SHARED | MAP_FIXED, RAM_FD, 0) != static_cast<int64_t>(kernel::PHYSICAL_MAP_BASE))
        die();
    g_ram_mapped = true;

    uint64_t stack[3] = { reinterpret_cast<uint64_t>(process::local().signal_stack), 0, sizeof(process::local().signal_stack) };
    if (host::syscall6(host::Sigaltstack, reinterpret_cast<uint64_t>(stack), 0) != 0)
        fail("sigaltstack failed");
    constexpr int handled[] = { SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGALRM };
    for (int signal : handled)
        install_handler(signal);
    if (!process::create_host_timer())
        fail("timer_create failed");

    // The host's tick, which the coarse clocks report as their resolution (asked now: the
    // sandbox below does not allow clock_getres).
    int64_t resolution[2] = {};
    if (host::syscall6(host::ClockGetres, 5 /* CLOCK_REALTIME_COARSE */, reinterpret_cast<uint64_t>(resolution)) == 0)
        g_coarse_resolution_ns = resolution[0] * 1000000000 + resolution[1];

    // From here on, a syscall from anywhere but the kernel's text traps into the kernel.
    if (!process::enable_syscall_dispatch())
        fail("this host has no Syscall User Dispatch (Linux 5.11 or later with CONFIG_GENERIC_ENTRY)");
    // And from here on, the kernel process itself may make only the calls it needs.
    if (!process::install_sandbox())
        fail("the host refused the kernel's seccomp filter");

    kernel::main();
}

lib::ErrorOr<void> map(uint64_t va, uint64_t pa, uint64_t length, int protection)
{
    if (pa + length > g_ram_size || pa + length < pa)
        return EINVAL;
    int64_t result = host::syscall6(host::Mmap, va, length, protection, MAP_SHARED | MAP_FIXED, RAM_FD, pa);
    if (result < 0)
        return lib::Error(static_cast<int>(-result));
    return {};
}

lib::ErrorOr<void> unmap(uint64_t va, uint64_t length)
{
    int64_t result = host::syscall6(host::Munmap, va, length);
    if (result < 0)
        return lib::Error(static_cast<int>(-result));
    return {};
}

lib::ErrorOr<void> protect(uint64_t va, uint64_t length, int protection)
{
    int64_t result = host::syscall6(host::Mprotect, va, length, protection);
    if (result < 0)
        return lib::Error(static_cast<int>(-result));
    return {};
}

void prefault(uint64_t va, uint64_t length, bool for_writing)
{
    constexpr int MADV_POPULATE_READ = 22, MADV_POPULATE_WRITE = 23;
    host::syscall6(host::Madvise, va, length, for_writing ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
}

void release_frames(uint64_t pa, uint64_t length)
{
    host::syscall6(host::Fallocate, RAM_FD, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pa, length);
}

uint64_t ram_size() { return g_ram_size; }

int64_t hypercall(uabi::Hypercall number, uabi::Gpa request)
{
    uabi::HypercallMessage message { static_cast<uint64_t>(number), request };
    int64_t result = 0;
    // A failed channel means the monitor is gone: there is nobody left to report to.
    if (host::syscall6(host::Write, CHANNEL_FD, reinterpret_cast<uint64_t>(&message), sizeof(message)) != sizeof(message))
        die();
    int64_t got;
    while ((got = host::syscall6(host::Read, CHANNEL_FD, reinterpret_cast<uint64_t>(&result), sizeof(result))) == -4) {
    }
    if (got != sizeof(result))
        die();
    return result;
}

void notify(uabi::Hypercall number)
{
    uabi::HypercallMessage message { static_cast<uint64_t>(number), 0 };
    if (host::syscall6(host::Write, CHANNEL_FD, reinterpret_cast<uint64_t>(&message), sizeof(message)) != sizeof(message))
        die();
}

int64_t clock_ns(int clock)
{
    int64_t timespec[2] = {};
    host::syscall6(host::ClockGettime, clock, reinterpret_cast<uint64_t>(timespec));
    return timespec[0] * 1000000000 + timespec[1];
}

int64_t coarse_clock_resolution_ns() { return g_coarse_resolution_ns; }

void sleep_ns(int64_t nanoseconds)
{
    int64_t request[2] = { nanoseconds / 1000000000, nanoseconds % 1000000000 };
    host::syscall6(host::Nanosleep, reinterpret_cast<uint64_t>(request), 0);
}

void arm_timer(int64_t deadline)
{
    constexpr int TIMER_ABSTIME = 1;
    int64_t setting[4] = { 0, 0, 0, 0 }; // interval, then value; zero disarms
    if (deadline != INT64_MAX) {
        if (deadline <= 0)
            deadline = 1;
        setting[2] = deadline / 1000000000;
        setting[3] = deadline % 1000000000;
    }
    host::syscall6(host::TimerSettime, static_cast<uint64_t>(process::local().timer_id), TIMER_ABSTIME, reinterpret_cast<uint64_t>(setting), 0);
}

void set_fs_base(uint64_t base) { host::syscall6(host::ArchPrctl, ARCH_SET_FS, base); }
void set_gs_base(uint64_t base) { host::syscall6(host::ArchPrctl, ARCH_SET_GS, base); }

uint64_t hwcap2() { return g_hwcap2; }
uint64_t minimum_signal_stack_size() { return g_minimum_signal_stack_size; }

void enter_program(uint64_t entry, uint64_t stack) { platform_enter_program(entry, stack); }

void halt() { die(); }

} // namespace platform
