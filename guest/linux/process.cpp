// The running program and its threads, and how they end.
#include <hv/hypercall.h>
#include <kernel/log.h>
#include <lib/allocator.h>
#include <linux/futex.h>
#include <linux/process.h>
#include <linux/user_memory.h>

namespace linux {

namespace {

Process g_process;
int g_next_tid = 1;

void release_thread(sched::Task& task)
{
    auto& thread = static_cast<Thread&>(task);
    Process& process = *thread.process;
    process.exited_threads_cpu_ns += thread.cpu_ns;
    for (Thread** link = &process.threads; *link; link = &(*link)->next_in_process) {
        if (*link == &thread) {
            *link = thread.next_in_process;
            break;
        }
    }
    lib::destroy(&thread);
}

} // namespace

Process& current_process() { return g_process; }
Thread& current_thread() { return static_cast<Thread&>(sched::current()); }

Thread* find_thread(int tid)
{
    for (Thread* thread = g_process.threads; thread; thread = thread->next_in_process) {
        if (thread->tid == tid && thread->state != sched::TaskState::Dead)
            return thread;
    }
    return nullptr;
}

int allocate_tid() { return g_next_tid++; }

void add_thread(Process& process, Thread& thread)
{
    thread.process = &process;
    thread.next_in_process = process.threads;
    process.threads = &thread;
}

Thread& create_main_thread()
{
    Thread* thread = lib::make<Thread>();
    if (!thread)
        kernel::panic("out of memory at boot");
    thread->tid = allocate_tid();
    add_thread(g_process, *thread);
    sched::set_release_hook(release_thread);
    sched::start_first(*thread);
    return *thread;
}

namespace {

// Robust futexes the dying thread still holds get FUTEX_OWNER_DIED, and a waiter is woken
// (Linux's exit_robust_list), so that a robust mutex's next locker sees EOWNERDEAD.
void release_robust_futexes(Thread& thread)
{
    constexpr uint32_t FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;
    constexpr int LIST_LIMIT = 2048; // as Linux's ROBUST_LIST_LIMIT: a looped list must end
    struct Head {
        uint64_t next;
        int64_t futex_offset;
        uint64_t pending;
    };
    auto head = read_user<Head>(thread.robust_list);
    if (head.is_error())
        return;
    auto release = [&](uint64_t entry) {
        uint64_t address = (entry & ~1ull) + static_cast<uint64_t>(head.value().futex_offset);
        auto word = read_user<uint32_t>(address);
        if (word.is_error() || (word.value() & FUTEX_TID_MASK) != static_cast<uint32_t>(thread.tid))
            return;
        uint32_t updated = (word.value() & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (write_user(address, updated).is_error())
            return;
        if (word.value() & FUTEX_WAITERS)
            futex_wake(address, 1);
    };
    uint64_t entry = head.value().next;
    for (int i = 0; i < LIST_LIMIT && entry != thread.robust_list; ++i) {
        auto next = read_user<uint64_t>(entry & ~1ull);
        if (next.is_error())
            break;
        if (entry != head.value().pending)
            release(entry);
        entry = next.value();
    }
    if (head.value().pending)
        release(head.value().pending);
}

} // namespace

void exit_thread(int status)
{
    Thread& thread = current_thread();
    if (thread.robust_list)
        release_robust_futexes(thread);
    if (thread.clear_child_tid) {
        // As Linux: a failed write is ignored.
        (void)write_user(thread.clear_child_tid, static_cast<uint32_t>(0));
        futex_wake(thread.clear_child_tid, 1);
    }
    if (sched::live_task_count() == 1)
        exit_program(status);
    sched::exit_current();
}

void exit_program(int status)
{
    uabi::ExitRequest request {};
    request.kind = static_cast<uint32_t>(uabi::ExitKind::Exited);
    request.status = status & 0xff;
    request.syscall_traps = g_process.syscall_traps;
    hv::exit(request);
}

void kill_program(int signal, uint64_t fault_address, uint64_t fault_rip)
{
    uabi::ExitRequest request {};
    request.kind = static_cast<uint32_t>(uabi::ExitKind::Signaled);
    request.status = signal;
    request.fault_address = fault_address;
    request.fault_rip = fault_rip;
    request.syscall_traps = g_process.syscall_traps;
    hv::exit(request);
}

} // namespace linux
