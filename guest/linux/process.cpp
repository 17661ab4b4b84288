// Processes and threads: lookups, and how threads and processes end. The process tree (fork,
// zombies, reaping) is in process_tree.cpp.
#include <hv/hypercall.h>
#include <kernel/log.h>
#include <lib/allocator.h>
#include <linux/futex.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <linux/user_memory.h>
#include <vfs/file_locks.h>

namespace linux {

namespace detail {
Process* g_processes;
}

namespace {

int g_next_tid = 1;
uint64_t g_syscall_traps_of_the_dead; // --stats counts every process's traps

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
    forget_queued_signals(&thread);
    lib::destroy(&thread);
    if (process.reaped && !process.threads)
        forget(process);
}

bool has_other_live_thread(const Process& process, const Thread& thread)
{
    for (Thread* other = process.threads; other; other = other->next_in_process) {
        if (other != &thread && other->state != sched::TaskState::Dead)
            return true;
    }
    return false;
}

uint64_t all_syscall_traps()
{
    uint64_t traps = g_syscall_traps_of_the_dead;
    for_each_process([&](Process& process) { traps += process.syscall_traps; });
    return traps;
}

// PID 1 ended: so does the VM (the monitor kills whatever else still runs).
[[noreturn]] void end_vm(uabi::ExitKind kind, int status, uint64_t fault_address, uint64_t fault_rip)
{
    uabi::ExitRequest request {};
    request.kind = static_cast<uint32_t>(kind);
    request.status = status;
    request.fault_address = fault_address;
    request.fault_rip = fault_rip;
    request.syscall_traps = all_syscall_traps();
    hv::exit(request);
}

// Ends every thread of `process` and frees what it holds; it becomes a zombie.
void terminate(Process& process, int wait_status)
{
    if (process.state == ProcessState::Zombie)
        return;
    Thread* current = &current_thread();
    for (Thread* thread = process.threads; thread;) {
        Thread* next = thread->next_in_process;
        if (thread == current)
            sched::exit_current(); // released when the trap ends
        else if (thread->state != sched::TaskState::Dead)
            sched::kill(*thread);  // released now
        thread = next;
    }
    g_syscall_traps_of_the_dead += process.syscall_traps;
    process.syscall_traps = 0;
    for (int fd = 0; fd <= process.files.highest_open(); ++fd)
        (void)process.files.close(fd);
    vfs::release_process_locks(process.pid);
    process.cwd = {};
    note_peak_rss(process);
    release_process_timers(process);
    release_memory(process);
    make_zombie(process, wait_status);
}

} // namespace

Process& current_process() { return *current_thread().process; }

void note_peak_rss(Process& process)
{
    if (!process.address_space())
        return;
    uint64_t kib = process.address_space()->backed_pages() * 4;
    if (kib > process.peak_rss_kib)
        process.peak_rss_kib = kib;
}
Thread& current_thread() { return static_cast<Thread&>(sched::current()); }

Thread* find_thread(int tid)
{
    Thread* found = nullptr;
    for_each_process([&](Process& process) {
        for (Thread* thread = process.threads; thread && !found; thread = thread->next_in_process) {
            if (thread->tid == tid && thread->state != sched::TaskState::Dead)
                found = thread;
        }
    });
    return found;
}

Process* find_process(int pid)
{
    for (Process* process = detail::g_processes; process; process = process->next) {
        if (process->pid == pid)
            return process;
    }
    return nullptr;
}

int allocate_tid() { return g_next_tid++; }

void add_thread(Process& process, Thread& thread)
{
    thread.process = &process;
    thread.host = process.memory ? process.memory->host : 0;
    thread.next_in_process = process.threads;
    process.threads = &thread;
}

Thread& create_main_thread()
{
    Process* process = lib::make<Process>();
    Memory* memory = lib::make<Memory>();
    Thread* thread = lib::make<Thread>();
    if (!process || !memory || !thread)
        kernel::panic("out of memory at boot");
    memory->users = 1;
    process->memory = memory;
    thread->tid = allocate_tid();
    process->pid = process->process_group = process->session = thread->tid;
    process->next = detail::g_processes;
    detail::g_processes = process;
    add_thread(*process, *thread);
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
    if (!has_other_live_thread(*thread.process, thread)) {
        exit_process(status);
        return;
    }
    sched::exit_current();
}

void exit_process(int status)
{
    Process& process = current_process();
    if (process.pid == 1)
        end_vm(uabi::ExitKind::Exited, status & 0xff, 0, 0);
    terminate(process, (status & 0xff) << 8);
}

void kill_process(Process& process, int signal, uint64_t fault_address, uint64_t fault_rip)
{
    if (process.pid == 1)
        end_vm(uabi::ExitKind::Signaled, signal, fault_address, fault_rip);
    terminate(process, signal & 0x7f);
}


} // namespace linux
