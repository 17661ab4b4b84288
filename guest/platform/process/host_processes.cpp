// Hosts on the process platform: one host process per guest address space, taking turns on
// the guest's one CPU. The kernel's writable data (and guest RAM, which holds its heap) is a
// shared mapping, so every host sees one kernel; only the host-local page (trap stack, timer,
// identity) is private. The CPU is a turn word per host in that shared data: a host runs only
// while its word says RUNNING, and hands the CPU on by setting another's and waking it
// (a host futex), then sleeping on its own. Measured here: a hand-over round trip between two
// host processes costs ~12 us; remapping a 300-page address space in one host instead would
// cost milliseconds (unmapping a touched page costs ~7 us, each touch afterwards ~10 us).
#include "host_processes.h"
#include "host_syscall.h"

#include <kernel/traps.h>
#include <lib/errno_codes.h>
#include <platform/platform.h>
#include <sched/scheduler.h>

extern "C" char __init_array_start[];
extern "C" char _end[];
extern "C" char __bss_start[];
extern "C" [[noreturn]] void platform_resume_trap(void* context);

namespace platform {

namespace process {

namespace {

constexpr uint64_t HOST_LOCAL_BASE = 0x7f4000000000;
constexpr uint64_t PAGE = 4096;
constexpr uint64_t MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20;
constexpr int FUTEX_WAIT = 0, FUTEX_WAKE = 1;
constexpr uint64_t CLONE_PARENT = 0x8000, SIGCHLD = 17;
constexpr int PR_SET_PDEATHSIG = 1, SIGKILL = 9;

enum Turn : uint32_t { Sleeping, Running, Exiting };

struct HostSlot {
    uint32_t turn;
    bool used;
};

// Shared by every host (kernel data).
HostSlot g_hosts[MAX_HOSTS] = { { Running, true } };

uint32_t load(const uint32_t& word) { return __atomic_load_n(&word, __ATOMIC_SEQ_CST); }
void store(uint32_t& word, uint32_t value) { __atomic_store_n(&word, value, __ATOMIC_SEQ_CST); }

[[noreturn]] void exit_host()
{
    for (;;)
        host::syscall6(host::Exit, 0);
}

// Sleeps until this host holds the CPU (or must exit). Touches nothing shared but its word.
void wait_for_turn()
{
    uint32_t& turn = g_hosts[local().index].turn;
    for (;;) {
        uint32_t value = load(turn);
        if (value == Running)
            return;
        if (value == Exiting) {
            __atomic_store_n(&g_hosts[local().index].used, false, __ATOMIC_SEQ_CST);
            exit_host();
        }
        host::syscall6(host::Futex, reinterpret_cast<uint64_t>(&turn), FUTEX_WAIT, value, 0);
    }
}

void give_turn(int host)
{
    store(g_hosts[host].turn, Running);
    host::syscall6(host::Futex, reinterpret_cast<uint64_t>(&g_hosts[host].turn), FUTEX_WAKE, 1);
}

// The host that does not keep the CPU after fork_host: sleeps, then resumes the scheduler's
// current task straight from the trap this host was in when it was made.
[[noreturn]] void park()
{
    wait_for_turn();
    void* context = local().trap_context;
    sched::resume_current(trap_frame_of(context), extended_state_of(context));
    platform_resume_trap(context);
}

} // namespace

HostLocal& local() { return *reinterpret_cast<HostLocal*>(HOST_LOCAL_BASE); }

// Copies [start, start + length) to `to`, except the pages wholly in .bss that nothing has
// touched yet (not resident: still zero, as the memfd's pages are). Writing every page of a
// 600 KiB .bss cost ~4 ms of first touches at each boot (PLATFORM.md: ~15 us a page).
static void copy_written_pages(uint64_t start, uint64_t to, uint64_t length)
{
    uint64_t zero_from = (reinterpret_cast<uint64_t>(__bss_start) + PAGE - 1) & ~(PAGE - 1);
    uint64_t pages = zero_from < start + length ? (start + length - zero_from) / PAGE : 0;
    uint8_t resident[1024];
    if (pages == 0 || pages > sizeof(resident) || host::syscall6(host::Mincore, zero_from, pages * PAGE, reinterpret_cast<uint64_t>(resident)) != 0) {
        __builtin_memcpy(reinterpret_cast<void*>(to), reinterpret_cast<void*>(start), length);
        return;
    }
    __builtin_memcpy(reinterpret_cast<void*>(to), reinterpret_cast<void*>(start), zero_from - start);
    for (uint64_t page = 0; page < pages; ++page) {
        if (resident[page] & 1) {
            uint64_t offset = zero_from - start + page * PAGE;
            __builtin_memcpy(reinterpret_cast<void*>(to + offset), reinterpret_cast<void*>(start + offset), PAGE);
        }
    }
}

bool set_up_first_host()
{
    uint64_t local_size = (sizeof(HostLocal) + PAGE - 1) & ~(PAGE - 1);
    if (host::syscall6(host::Mmap, HOST_LOCAL_BASE, local_size, ProtRead | ProtWrite, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, ~0ull, 0) != static_cast<int64_t>(HOST_LOCAL_BASE))
        return false;
    // The writable segment (.init_array up to the end of .bss), copied into a memfd and mapped
    // back shared at the same place.
    uint64_t start = reinterpret_cast<uint64_t>(__init_array_start) & ~(PAGE - 1);
    uint64_t end = (reinterpret_cast<uint64_t>(_end) + PAGE - 1) & ~(PAGE - 1);
    uint64_t length = end - start;
    static const char name[] = "unikit-kernel-data";
    int64_t fd = host::syscall6(host::MemfdCreate, reinterpret_cast<uint64_t>(name), 1 /* MFD_CLOEXEC */);
    if (fd < 0 || host::syscall6(host::Ftruncate, static_cast<uint64_t>(fd), length) != 0)
        return false;
    int64_t copy = host::syscall6(host::Mmap, 0, length, ProtRead | ProtWrite, MAP_SHARED, static_cast<uint64_t>(fd), 0);
    if (copy < 0)
        return false;
    copy_written_pages(start, static_cast<uint64_t>(copy), length);
    bool shared = host::syscall6(host::Mmap, start, length, ProtRead | ProtWrite, MAP_SHARED | MAP_FIXED, static_cast<uint64_t>(fd), 0) == static_cast<int64_t>(start);
    host::syscall6(host::Munmap, static_cast<uint64_t>(copy), length);
    host::syscall6(host::Close, static_cast<uint64_t>(fd));
    local().index = 0;
    return shared;
}

bool set_up_new_host()
{
    // The new host's parent is the monitor (CLONE_PARENT): it must die with it.
    host::syscall6(host::Prctl, PR_SET_PDEATHSIG, SIGKILL);
    if (host::syscall6(host::Getppid) == 1)
        return false;
    local().retiring = false;
    return create_host_timer() && enable_syscall_dispatch();
}

} // namespace process

using process::local;

int current_host() { return local().index; }

void hand_over(int host)
{
    using namespace process;
    uint32_t& mine = g_hosts[local().index].turn;
    store(mine, Sleeping);
    if (local().retiring) {
        __atomic_store_n(&g_hosts[local().index].used, false, __ATOMIC_SEQ_CST);
        give_turn(host);
        exit_host();
    }
    give_turn(host);
    wait_for_turn();
}

lib::ErrorOr<HostFork> fork_host(bool new_host_continues)
{
    using namespace process;
    int slot = 1;
    while (slot < MAX_HOSTS && __atomic_load_n(&g_hosts[slot].used, __ATOMIC_SEQ_CST))
        ++slot;
    if (slot == MAX_HOSTS)
        return EAGAIN;
    int parent = local().index;
    g_hosts[slot].turn = new_host_continues ? Running : Sleeping;
    __atomic_store_n(&g_hosts[slot].used, true, __ATOMIC_SEQ_CST);
    if (new_host_continues)
        store(g_hosts[parent].turn, Sleeping);
    int64_t pid = host::syscall6(host::Clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
    if (pid < 0) {
        g_hosts[slot].used = false;
        store(g_hosts[parent].turn, Running);
        return EAGAIN;
    }
    if (pid == 0) {
        local().index = slot;
        if (!set_up_new_host())
            exit_host();
        if (!new_host_continues)
            park();
        sched::host_changed();
        return HostFork { slot, true };
    }
    if (new_host_continues)
        park();
    return HostFork { slot, false };
}

void retire_current_host() { local().retiring = true; }

void end_host(int host)
{
    using namespace process;
    store(g_hosts[host].turn, Exiting);
    host::syscall6(host::Futex, reinterpret_cast<uint64_t>(&g_hosts[host].turn), FUTEX_WAKE, 1);
}

void unmap_user_range()
{
    constexpr uint64_t LOWEST = 0x1000, USER_END = 0x7f0000000000;
    host::syscall6(host::Munmap, LOWEST, USER_END - LOWEST);
}

} // namespace platform
