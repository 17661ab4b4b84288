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

void exit_thread(int status)
{
    Thread& thread = current_thread();
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
