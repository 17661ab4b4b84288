// The process tree: new processes, zombies and their reaping, orphans going to PID 1 (or the
// nearest subreaper), and SIGCHLD to parents.
#include <kernel/memory.h>
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <platform/platform.h>
#include <vfs/wait.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace linux {

namespace {

constexpr int CLD_EXITED = 1, CLD_KILLED = 2, CLD_STOPPED = 5, CLD_CONTINUED = 6;
constexpr uint64_t SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2;

void link_child(Process& parent, Process& child)
{
    child.parent = &parent;
    child.next_sibling = parent.children;
    parent.children = &child;
}

void unlink_child(Process& child)
{
    if (!child.parent)
        return;
    for (Process** link = &child.parent->children; *link; link = &(*link)->next_sibling) {
        if (*link == &child) {
            *link = child.next_sibling;
            break;
        }
    }
    child.parent = nullptr;
    child.next_sibling = nullptr;
}

// Who adopts the children of `dying`: its nearest living subreaper ancestor, else PID 1.
Process* reaper_for(Process& dying)
{
    for (Process* ancestor = dying.parent; ancestor; ancestor = ancestor->parent) {
        if (ancestor->child_subreaper && ancestor->state == ProcessState::Running)
            return ancestor;
    }
    return find_process(1);
}

void send_sigchld(Process& parent, int code, int status, int pid)
{
    SignalInfo info { SIGCHLD, code, 0, pid, static_cast<uint64_t>(static_cast<uint32_t>(status)) };
    send_signal(parent, info);
}

// The parent hears that `child` ended; returns false if the parent does not want zombies
// (SIGCHLD ignored, or SA_NOCLDWAIT), in which case the child is reaped at once.
bool tell_parent_of_exit(Process& child)
{
    Process& parent = *child.parent;
    parent.child_events.wake_all();
    vfs::notify_state_change(); // pidfd pollers
    const SignalAction& action = parent.signal_actions[SIGCHLD];
    if (action.handler == SIG_IGN || (action.flags & SA_NOCLDWAIT))
        return false;
    if (child.exit_signal != SIGCHLD) // clone's exit signal: 0 means none
        return true;
    int status = child.wait_status;
    bool signaled = (status & 0x7f) != 0;
    send_sigchld(parent, signaled ? CLD_KILLED : CLD_EXITED, signaled ? (status & 0x7f) : (status >> 8) & 0xff, child.pid);
    return true;
}

} // namespace

mm::AddressSpace* make_address_space()
{
    return lib::make<mm::AddressSpace>(kernel::page_mapper(), kernel::frame_allocator(), nullptr, 0, kernel::MMAP_BOTTOM, kernel::USER_END);
}

int process_count()
{
    int count = 0;
    for_each_process([&](Process&) { ++count; });
    return count;
}

lib::ErrorOr<Process*> create_child_process(Memory* shared_memory)
{
    Process& parent = current_process();
    Process* child = lib::make<Process>();
    if (!child)
        return EAGAIN;
    if (shared_memory) {
        child->memory = shared_memory;
        ++shared_memory->users;
    } else {
        Memory* memory = lib::make<Memory>();
        auto space = memory ? parent.address_space()->fork_copy() : lib::ErrorOr<mm::AddressSpace*>(ENOMEM);
        if (space.is_error()) {
            lib::destroy(memory);
            lib::destroy(child);
            return space.error() == ENOMEM.code ? ENOMEM : EAGAIN;
        }
        memory->space = space.value();
        memory->users = 1;
        memory->host = -1; // the caller makes its host
        child->memory = memory;
    }
    child->files = parent.files;
    child->cwd = parent.cwd;
    memcpy(child->executable, parent.executable, sizeof(child->executable));
    child->umask = parent.umask;
    child->nice = parent.nice;
    child->program_break_start = parent.program_break_start;
    child->program_break = parent.program_break;
    memcpy(child->signal_actions, parent.signal_actions, sizeof(child->signal_actions));
    child->process_group = parent.process_group;
    child->session = parent.session;
    child->credentials = parent.credentials;
    child->resource_limits = parent.resource_limits;
    child->control = parent.control;
    child->strings = parent.strings;
    child->pid = allocate_tid();
    link_child(parent, *child);
    child->next = detail::g_processes;
    detail::g_processes = child;
    return child;
}

void make_zombie(Process& process, int wait_status)
{
    process.state = ProcessState::Zombie;
    process.wait_status = wait_status;
    process.stop_to_report = process.continue_to_report = false;
    process.vfork_done.wake_all(process.pid);
    send_parent_death_signals(process);
    // Orphans go to the reaper; a zombie among them is the reaper's to collect now.
    Process* reaper = reaper_for(process);
    while (Process* child = process.children) {
        unlink_child(*child);
        link_child(*reaper, *child);
        if (child->state == ProcessState::Zombie && !tell_parent_of_exit(*child))
            reap(*child);
    }
    if (process.parent && !tell_parent_of_exit(process))
        reap(process);
}

void reap(Process& process)
{
    if (process.parent)
        process.parent->children_cpu_ns += process.exited_threads_cpu_ns + process.children_cpu_ns;
    unlink_child(process);
    // A thread that ended in this very trap is released when the trap ends (and frees the
    // process then: see release_thread).
    if (process.threads) {
        process.reaped = true;
        return;
    }
    forget(process);
}

void forget(Process& process)
{
    forget_queued_signals(&process);
    for (Process** link = &detail::g_processes; *link; link = &(*link)->next) {
        if (*link == &process) {
            *link = process.next;
            break;
        }
    }
    lib::destroy(&process);
}

void release_memory(Process& process)
{
    Memory* memory = process.memory;
    process.memory = nullptr;
    if (!memory || --memory->users > 0)
        return;
    memory->space->release_all();
    lib::destroy(memory->space);
    if (memory->host == platform::current_host())
        platform::retire_current_host();
    else if (memory->host >= 0)
        platform::end_host(memory->host);
    lib::destroy(memory);
}

namespace {

// A stop or continue for the parent's wait4 (WUNTRACED, WCONTINUED) and, unless it set
// SA_NOCLDSTOP, its SIGCHLD.
void tell_parent_of_stop_or_continue(Process& process, bool stopped, int signal)
{
    process.stop_to_report = stopped;
    process.continue_to_report = !stopped;
    if (stopped)
        process.stop_signal = signal;
    Process* parent = process.parent;
    if (!parent)
        return;
    parent->child_events.wake_all();
    if (!(parent->signal_actions[SIGCHLD].flags & SA_NOCLDSTOP))
        send_sigchld(*parent, stopped ? CLD_STOPPED : CLD_CONTINUED, signal, process.pid);
}

} // namespace

void notify_parent_stopped(Process& process, int signal) { tell_parent_of_stop_or_continue(process, true, signal); }
void notify_parent_continued(Process& process) { tell_parent_of_stop_or_continue(process, false, SIGCONT); }

} // namespace linux
