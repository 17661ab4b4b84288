// The scheduler: tasks (saved program contexts) taking turns on one CPU, all served by the
// kernel's one stack. A trap hands the kernel the trapped registers; when the kernel leaves
// the trap (leave_trap) the scheduler may swap them for another task's. A context switch is a
// copy of the register frame, the extended (FPU/SSE/AVX) state and the FS/GS bases: no kernel
// stack per task, so a syscall that must wait returns BLOCKED and finishes later — either
// with a value a waker hands over, or by running again from the start (restart).
#pragma once

#include <kernel/traps.h>
#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace sched {

inline constexpr int64_t NO_DEADLINE = INT64_MAX;
// Returned by a syscall handler that put the current task to sleep. Never seen by programs
// (Linux's ERESTARTSYS number, which no program can observe either).
inline constexpr lib::Error BLOCKED { 512 };

// A callback at a CLOCK_MONOTONIC deadline, run by the scheduler in kernel context.
struct Timer {
    int64_t deadline { NO_DEADLINE };
    void (*fire)(Timer&) { nullptr };
    void* context { nullptr }; // for `fire`
    Timer* next { nullptr };
    bool armed { false };
};
void arm(Timer&, int64_t deadline);
void disarm(Timer&);

struct Task;

// Tasks waiting for the same thing, woken in FIFO order.
class WaitQueue {
public:
    // Wakes up to `count` tasks; each one's syscall returns `value` (or runs again, if it
    // blocked with restart). Returns how many woke.
    size_t wake(size_t count, int64_t value = 0);
    size_t wake_all(int64_t value = 0) { return wake(SIZE_MAX, value); }
    bool empty() const { return !m_head; }

    // Wakes up to `count` tasks for which `match(task)` holds, returning how many woke.
    template<typename Match>
    size_t wake_matching(size_t count, int64_t value, Match match);
    // Moves up to `count` matching tasks, still blocked, to the end of `other`.
    template<typename Match>
    size_t move_matching(WaitQueue& other, size_t count, Match match);

private:
    void unlink(Task& task, Task* previous);
    void append(Task& task);
    friend struct Task;
    friend void remove_from_queue(Task&);
    friend lib::Error block_current(WaitQueue*, int64_t, int64_t, bool);
    Task* m_head { nullptr };
    Task* m_tail { nullptr };
};

enum class TaskState : uint8_t { Runnable, Blocked, Dead };

struct ExtendedState {
    uint8_t* data { nullptr }; // an XSAVE image as the platform saves it
    size_t size { 0 };
};

struct Task {
    Task();
    ~Task();

    kernel::TrapFrame frame {};
    ExtendedState extended;
    uint64_t fs_base { 0 };
    uint64_t gs_base { 0 };
    TaskState state { TaskState::Runnable };

    // While blocked: the queue (if any), the timeout, and how the syscall finishes.
    WaitQueue* queue { nullptr };
    Task* queue_next { nullptr };
    Timer timeout;
    int64_t timeout_result { 0 };
    bool restart { false };
    // Set by the syscall after it blocks (block_current clears it): what to do if a signal
    // ends the wait, e.g. nanosleep writing the time left.
    void (*on_interrupt)(Task&) { nullptr };
    // Set by the syscall after it blocks with restart (block_current clears it): a signal
    // handler ends the call with EINTR even under SA_RESTART (poll, select).
    bool eintr_after_handler { false };
    // How the last wait ended; applied to the frame when the task next resumes.
    enum class Wake : uint8_t { None, Value, Restart } wake_kind { Wake::None };
    int64_t wake_value { 0 };
    // A restarted syscall keeps its first deadline (see deadline_after).
    bool restarted { false };
    int64_t restart_deadline { NO_DEADLINE };

    // The host (platform.h) whose machine context the task's address space lives in.
    int host { 0 };

    Task* run_next { nullptr };
    int64_t cpu_ns { 0 };
    int64_t running_since { 0 };
};

// The task whose trap the kernel is serving.
Task& current();
// The same, or null while the scheduler idles or switches (timers fire then).
Task* current_or_null();
// Called by the platform when a trap begins: the live registers and extended state of the
// current task (the ones leave_trap gets), for clone to copy.
void enter_trap(kernel::TrapFrame&, ExtendedState);
kernel::TrapFrame& live_frame();
ExtendedState live_extended_state();

// The task running at boot; it becomes current().
void start_first(Task&);
// Makes `task` runnable for the first time. Its frame and extended state must be set.
void start(Task&);
// The current task never runs again; the scheduler forgets it when it leaves the trap.
void exit_current();
// Another task never runs again (its process was killed): taken off whatever queue holds it
// and released at once.
void kill(Task&);

// From a syscall handler: puts the current task to sleep on `queue` (may be null: wait for the
// deadline or an explicit wake) until woken or until `deadline` (CLOCK_MONOTONIC ns), when the
// syscall returns `timeout_result`. With `restart`, a wake runs the syscall again instead.
// Returns BLOCKED for the handler to return.
lib::Error block_current(WaitQueue* queue, int64_t deadline, int64_t timeout_result, bool restart);
// Ends `task`'s wait: its syscall returns `value`, or, if it blocked with restart, runs again
// (the resume hook sees wake_kind Restart with `value`, so a signal can turn it into EINTR).
// No effect if it is not blocked.
void wake(Task&, int64_t value);
bool is_blocked(const Task& task);
// The absolute deadline of a timed wait, `timeout` ns from now; a restarted syscall gets the
// deadline it computed the first time, so restarts do not extend the wait.
int64_t deadline_after(int64_t timeout);
// The scheduler's CLOCK_MONOTONIC, the clock deadline_after and timers use, and whether a
// deadline from it has passed (NO_DEADLINE never does).
int64_t now();
bool deadline_passed(int64_t deadline);

// The CPU time `task` has used, ns.
int64_t cpu_time(const Task&);
// Asks for a switch to another runnable task when the current trap ends.
void yield();
// The current task's FS and GS bases (arch_prctl), loaded now and at each switch to it.
void set_thread_pointers(uint64_t fs_base, uint64_t gs_base);

// Called by the platform at the end of every trap, with the live registers and extended
// state: fires due timers, switches tasks if needed (idling until one is runnable), and arms
// the platform timer for the next deadline or time slice.
void leave_trap(kernel::TrapFrame&, ExtendedState);
// Called by the platform in a host that was just handed the CPU without returning through
// leave_trap (a host made by fork_host that parked at once): the current task resumes
// through `frame`, the registers of this host's trap.
void resume_current(kernel::TrapFrame&, ExtendedState);
// Called by the platform when the current trap continues in another host (fork_host's new
// host keeping the CPU): that host's timer and thread pointers are not what the scheduler
// last set.
void host_changed();
// The platform's timer went off (any context).
void timer_interrupt();

// Set by the linux layer: runs just before `task` returns to the program (signal delivery),
// after the wake result is in the frame; wake_kind still tells how its wait ended.
using ResumeHook = void (*)(Task&, kernel::TrapFrame&, ExtendedState);
void set_resume_hook(ResumeHook);
// Set by the linux layer: called once the scheduler has left a dead task for good.
using ReleaseHook = void (*)(Task&);
void set_release_hook(ReleaseHook);
// Set by the linux layer: how to idle until `deadline` (NO_DEADLINE: until an event) when
// no task can run — e.g. waiting on the monitor for console input. It may wake tasks. By
// default the platform just sleeps.
using IdleWait = void (*)(int64_t deadline);
void set_idle_wait(IdleWait);
// Work that arrives without an interrupt (frames in the packet device's receive ring): run on
// the way out of every trap, before the next task is chosen, and before idling. It may wake
// tasks; it must be cheap when there is nothing to do. A program that computes without
// trapping still gets a trap (the timer) at least every `interval` ns while it runs, so the
// work waits no longer than that.
using TrapExitWork = void (*)();
void set_trap_exit_work(TrapExitWork, int64_t interval);
// The CLOCK_MONOTONIC the scheduler reads at switches and timer checks (default: the
// platform's; the kernel installs a cheaper one that needs no host call).
void set_clock(int64_t (*clock)());
// How many tasks are runnable or blocked (not dead).
size_t live_task_count();

template<typename Match>
size_t WaitQueue::wake_matching(size_t count, int64_t value, Match match)
{
    size_t woken = 0;
    Task* task = m_head;
    while (task && woken < count) {
        Task* next = task->queue_next;
        if (match(*task)) {
            sched::wake(*task, value);
            ++woken;
        }
        task = next;
    }
    return woken;
}

template<typename Match>
size_t WaitQueue::move_matching(WaitQueue& other, size_t count, Match match)
{
    size_t moved = 0;
    Task* previous = nullptr;
    Task* task = m_head;
    while (task && moved < count) {
        Task* next = task->queue_next;
        if (match(*task)) {
            unlink(*task, previous);
            other.append(*task);
            ++moved;
        } else {
            previous = task;
        }
        task = next;
    }
    return moved;
}

} // namespace sched
