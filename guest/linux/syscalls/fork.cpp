// New processes: fork, vfork, and clone without CLONE_THREAD. A child with its own memory gets
// a copy-on-write copy of the parent's address space and a host of its own (platform.h
// "Hosts"); a child sharing memory (vfork, CLONE_VM) runs on the parent's host until execve.
#include <lib/allocator.h>
#include <linux/clone.h>
#include <linux/pidfd.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace linux {

namespace {

// How many processes (running or zombie) the VM holds at most, whatever RLIMIT_NPROC says: each
// is a host process on the process platform. A fork bomb meets EAGAIN here.
constexpr int MAX_PROCESSES = 512;

constexpr uint64_t ACCEPTED_FLAGS = CLONE_VM | CLONE_VFORK | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS |
                                    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED |
                                    CLONE_PTRACE | CLONE_IO | CLONE_PIDFD;

void undo_child(Process& child)
{
    release_memory(child);
    child.state = ProcessState::Zombie;
    reap(child);
}

} // namespace

Thread* copy_current_thread(const CloneRequest& request)
{
    Thread& parent = current_thread();
    Thread* thread = lib::make<Thread>();
    if (!thread)
        return nullptr;
    sched::ExtendedState live = sched::live_extended_state();
    if (live.size) {
        thread->extended = { static_cast<uint8_t*>(lib::allocate(live.size)), live.size };
        if (!thread->extended.data) {
            lib::destroy(thread);
            return nullptr;
        }
        memcpy(thread->extended.data, live.data, live.size);
    }
    thread->frame = sched::live_frame();
    thread->frame.rax = 0;
    if (request.stack)
        thread->frame.rsp = request.stack;
    thread->fs_base = (request.flags & CLONE_SETTLS) ? request.tls : parent.fs_base;
    thread->gs_base = parent.gs_base;
    thread->signal_mask = parent.signal_mask;
    memcpy(thread->name, parent.name, sizeof(thread->name));
    return thread;
}

SyscallResult create_process(const CloneRequest& request)
{
    uint64_t flags = request.flags;
    if (flags & ~ACCEPTED_FLAGS)
        return EINVAL;
    Process& parent = current_process();
    if (process_count() >= MAX_PROCESSES || !may_create_task(parent))
        return EAGAIN;
    bool shares_memory = flags & CLONE_VM;
    Process* child = TRY(create_child_process(shares_memory ? parent.memory : nullptr));
    Thread* thread = copy_current_thread(request);
    if (thread) // a new process keeps the caller's alternate signal stack (a thread does not)
        memcpy(thread->alternate_stack, current_thread().alternate_stack, sizeof(thread->alternate_stack));
    if (!thread) {
        undo_child(*child);
        return EAGAIN;
    }
    thread->tid = child->pid;
    if (!shares_memory) {
        // From here the child's host holds a copy of the parent's (now copy-on-write) mappings.
        auto host = platform::fork_host(false);
        if (host.is_error()) {
            lib::destroy(thread);
            undo_child(*child);
            return EAGAIN;
        }
        child->memory->host = host.value().new_host;
    }
    if (flags & CLONE_PIDFD) {
        auto pidfd = open_pidfd(child->pid, 0);
        if (pidfd.is_error()) {
            lib::destroy(thread);
            undo_child(*child);
            return lib::Error(pidfd.error());
        }
        (void)write_user(request.pidfd, static_cast<int32_t>(pidfd.value()));
    }
    add_thread(*child, *thread);
    uint32_t tid = static_cast<uint32_t>(child->pid);
    if (flags & CLONE_PARENT_SETTID)
        (void)write_user(request.parent_tid, tid);
    if (flags & CLONE_CHILD_SETTID) {
        // In the child's memory: at once if shared, else when the child first runs.
        if (shares_memory)
            (void)write_user(request.child_tid, tid);
        else
            thread->set_child_tid = request.child_tid;
    }
    if (flags & CLONE_CHILD_CLEARTID)
        thread->clear_child_tid = request.child_tid;
    child->exit_signal = request.exit_signal;
    sched::start(*thread);
    if (flags & CLONE_VFORK)
        return sched::block_current(&child->vfork_done, sched::NO_DEADLINE, child->pid, false);
    return child->pid;
}

// pid_t fork(void);
SyscallResult sys_fork(SyscallArguments&) { return create_process({ 0, SIGCHLD, 0, 0, 0, 0 }); }

// pid_t vfork(void);  The parent waits until the child calls execve or exits.
SyscallResult sys_vfork(SyscallArguments&) { return create_process({ CLONE_VM | CLONE_VFORK, SIGCHLD, 0, 0, 0, 0 }); }

} // namespace linux
