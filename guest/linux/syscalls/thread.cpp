// Threads: clone and clone3 with the flags pthreads use, exit, set_tid_address, the robust list,
// gettid, and the scheduler calls (sched_yield, the policy and priority queries, getcpu).
// A clone that makes a process rather than a thread goes to syscalls/fork.cpp.
#include <lib/allocator.h>
#include <linux/clone.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace linux {

namespace {

constexpr uint64_t THREAD_FLAGS = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
// Flags that change nothing here: one set of files, one file-system context, no ptrace.
constexpr uint64_t ACCEPTED_FLAGS = THREAD_FLAGS | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS |
                                    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED |
                                    CLONE_PTRACE | CLONE_IO | CLONE_PARENT;
constexpr int ROBUST_LIST_HEAD_SIZE = 24;
constexpr int SCHED_OTHER = 0;

SyscallResult create_thread(const CloneRequest& request)
{
    uint64_t flags = request.flags;
    if ((flags & THREAD_FLAGS) != THREAD_FLAGS) {
        // A new process (fork, vfork, or a clone that shares less than a thread would).
        if (flags & CLONE_THREAD)
            return EINVAL;
        return create_process(request);
    }
    if (flags & ~ACCEPTED_FLAGS)
        return EINVAL;
    Thread& parent = current_thread();
    if (!may_create_task(*parent.process))
        return EAGAIN;
    Thread* thread = copy_current_thread(request);
    if (!thread)
        return EAGAIN;
    thread->tid = allocate_tid();
    uint32_t tid = static_cast<uint32_t>(thread->tid);
    if (((flags & CLONE_PARENT_SETTID) && write_user(request.parent_tid, tid).is_error()) ||
        ((flags & CLONE_CHILD_SETTID) && write_user(request.child_tid, tid).is_error())) {
        lib::destroy(thread);
        return EFAULT;
    }
    if (flags & CLONE_CHILD_CLEARTID)
        thread->clear_child_tid = request.child_tid;
    add_thread(*parent.process, *thread);
    sched::start(*thread);
    return thread->tid;
}

} // namespace

// long clone(unsigned long flags, void *stack, int *parent_tid, int *child_tid, unsigned long tls);
SyscallResult sys_clone(SyscallArguments& a)
{
    // CLONE_PIDFD puts the descriptor where CLONE_PARENT_SETTID would put the tid.
    if ((a[0] & CLONE_PIDFD) && (a[0] & CLONE_PARENT_SETTID))
        return EINVAL;
    return create_thread({ a[0] & ~0xffull, static_cast<int>(a[0] & 0xff), a[1], a[2], a[3], a[4], (a[0] & CLONE_PIDFD) ? a[2] : 0 });
}

// long clone3(struct clone_args *cl_args, size_t size);
SyscallResult sys_clone3(SyscallArguments& a)
{
    struct CloneArguments {
        uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    } arguments {};
    constexpr size_t SMALLEST = 64; // CLONE_ARGS_SIZE_VER0
    if (a[1] < SMALLEST || a[1] > 4096)
        return EINVAL;
    TRY(copy_from_user(&arguments, a[0], sizeof(arguments)));
    // Later fields (set_tid, cgroup) must be zero: we do not support them.
    for (uint64_t offset = sizeof(arguments); offset + 8 <= a[1]; offset += 8) {
        if (TRY(read_user<uint64_t>(a[0] + offset)) != 0)
            return E2BIG;
    }
    if ((arguments.stack == 0) != (arguments.stack_size == 0) || arguments.exit_signal > 64)
        return EINVAL;
    uint64_t stack = arguments.stack ? arguments.stack + arguments.stack_size : 0;
    return create_thread({ arguments.flags, static_cast<int>(arguments.exit_signal), stack, arguments.parent_tid, arguments.child_tid,
        arguments.tls, arguments.pidfd });
}

// void exit(int status);  Ends the calling thread; the last one ends the program.
SyscallResult sys_exit(SyscallArguments& a)
{
    exit_thread(static_cast<int>(a[0]));
    return sched::BLOCKED; // never resumes
}

SyscallResult sys_gettid(SyscallArguments&) { return current_thread().tid; }

// pid_t set_tid_address(int *tidptr);
SyscallResult sys_set_tid_address(SyscallArguments& a)
{
    current_thread().clear_child_tid = a[0];
    return current_thread().tid;
}

// long set_robust_list(struct robust_list_head *head, size_t len);  Walked at thread exit.
SyscallResult sys_set_robust_list(SyscallArguments& a)
{
    if (a[1] != ROBUST_LIST_HEAD_SIZE)
        return EINVAL;
    current_thread().robust_list = a[0];
    return 0;
}

// long get_robust_list(int pid, struct robust_list_head **head_ptr, size_t *len_ptr);
SyscallResult sys_get_robust_list(SyscallArguments& a)
{
    Thread* thread = a[0] ? find_thread(static_cast<int>(a[0])) : &current_thread();
    if (!thread)
        return ESRCH;
    TRY(write_user(a[1], thread->robust_list));
    TRY(write_user(a[2], static_cast<uint64_t>(ROBUST_LIST_HEAD_SIZE)));
    return 0;
}

// int sched_yield(void);
SyscallResult sys_sched_yield(SyscallArguments&)
{
    sched::yield();
    return 0;
}

// int sched_getscheduler(pid_t pid);  Every thread runs under SCHED_OTHER.
SyscallResult sys_sched_getscheduler(SyscallArguments& a)
{
    if (a[0] && !find_thread(static_cast<int>(a[0])))
        return ESRCH;
    return SCHED_OTHER;
}

// int sched_getparam(pid_t pid, struct sched_param *param);
SyscallResult sys_sched_getparam(SyscallArguments& a)
{
    if (a[0] && !find_thread(static_cast<int>(a[0])))
        return ESRCH;
    TRY(write_user(a[1], static_cast<int32_t>(0)));
    return 0;
}

// int sched_get_priority_max(int policy);  int sched_get_priority_min(int policy);
SyscallResult sys_sched_get_priority_max(SyscallArguments& a) { return a[0] == 1 || a[0] == 2 ? 99 : 0; }
SyscallResult sys_sched_get_priority_min(SyscallArguments& a) { return a[0] == 1 || a[0] == 2 ? 1 : 0; }

// int getcpu(unsigned *cpu, unsigned *node, void *tcache);  One vCPU, one node.
SyscallResult sys_getcpu(SyscallArguments& a)
{
    if (a[0])
        TRY(write_user(a[0], static_cast<uint32_t>(0)));
    if (a[1])
        TRY(write_user(a[1], static_cast<uint32_t>(0)));
    return 0;
}

// int membarrier(int cmd, unsigned int flags, int cpu_id);  One CPU: every barrier is a no-op.
SyscallResult sys_membarrier(SyscallArguments& a)
{
    constexpr int QUERY = 0;
    constexpr int64_t SUPPORTED = 1 | 8 | 16 | 32 | 64; // GLOBAL, PRIVATE_EXPEDITED(+REGISTER), SYNC_CORE...
    if (a[1] != 0)
        return EINVAL;
    if (a[0] == QUERY)
        return SUPPORTED;
    return (static_cast<int64_t>(a[0]) & ~SUPPORTED) || (a[0] & (a[0] - 1)) ? SyscallResult(EINVAL) : SyscallResult(0);
}

} // namespace linux
