// The scheduler (see sched/scheduler.h): a FIFO run queue, time slices enforced by the
// platform timer, and an idle loop that sleeps until the next deadline.
#include <lib/allocator.h>
#include <platform/platform.h>
#include <sched/scheduler.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace sched {

namespace {

constexpr int64_t TIME_SLICE = 10'000'000; // ns
constexpr int MONOTONIC = 1;

Task* g_current;
Task* g_run_head;
Task* g_run_tail;
Timer* g_timers; // sorted by deadline
size_t g_live_tasks;
int64_t g_slice_end;
int64_t g_armed = NO_DEADLINE; // what the platform timer is set to
bool g_timer_pending;
uint64_t g_loaded_fs_base, g_loaded_gs_base; // what the CPU has now
bool g_yield;
bool g_idled; // the last idle_until_runnable slept

int64_t host_monotonic() { return platform::clock_ns(MONOTONIC); }
int64_t (*g_clock)() = host_monotonic;
ResumeHook g_resume_hook;
kernel::TrapFrame* g_live_frame;
ExtendedState g_live_extended;
ReleaseHook g_release_hook;
IdleWait g_idle_wait;
TrapExitWork g_trap_exit_work;
int64_t g_trap_exit_interval = NO_DEADLINE;

void enqueue(Task& task)
{
    task.run_next = nullptr;
    if (g_run_tail)
        g_run_tail->run_next = &task;
    else
        g_run_head = &task;
    g_run_tail = &task;
}

Task* dequeue()
{
    Task* task = g_run_head;
    if (task) {
        g_run_head = task->run_next;
        if (!g_run_head)
            g_run_tail = nullptr;
        task->run_next = nullptr;
    }
    return task;
}

// Timers this close to due fire now: the platform timer runs on the host's clock, which may
// be a few microseconds ahead of g_clock, and firing early beats another trap.
constexpr int64_t TIMER_SLACK = 20'000; // ns

void fire_due_timers(int64_t now)
{
    while (g_timers && g_timers->deadline <= now + TIMER_SLACK) {
        Timer* timer = g_timers;
        g_timers = timer->next;
        timer->next = nullptr;
        timer->armed = false;
        timer->fire(*timer);
    }
}

void on_timeout(Timer& timer)
{
    Task& task = *static_cast<Task*>(timer.context);
    wake(task, task.timeout_result);
}

void save(Task& task, const kernel::TrapFrame& frame, ExtendedState live)
{
    task.frame = frame;
    if (live.size && task.extended.size != live.size) {
        lib::deallocate(task.extended.data);
        task.extended = { static_cast<uint8_t*>(lib::allocate(live.size)), live.size };
        if (!task.extended.data)
            task.extended.size = 0; // out of memory: the task resumes with a fresh FPU state
    }
    if (task.extended.size)
        memcpy(task.extended.data, live.data, live.size);
}

void load(Task& task, kernel::TrapFrame& frame, ExtendedState live)
{
    frame = task.frame;
    if (task.extended.size == live.size && live.size)
        memcpy(live.data, task.extended.data, live.size);
}

// The CPU's FS and GS bases become the task's; each costs a host call, so only on change.
void load_thread_pointers(const Task& task)
{
    if (task.fs_base != g_loaded_fs_base)
        platform::set_fs_base(g_loaded_fs_base = task.fs_base);
    if (task.gs_base != g_loaded_gs_base)
        platform::set_gs_base(g_loaded_gs_base = task.gs_base);
}

// Puts the result of the task's last wait into the frame it resumes with.
void apply_wake(Task& task, kernel::TrapFrame& frame)
{
    if (task.wake_kind == Task::Wake::Value)
        frame.rax = static_cast<uint64_t>(task.wake_value);
    else if (task.wake_kind == Task::Wake::Restart)
        frame.rip -= 2; // back onto the `syscall` instruction; rax still holds the number
}

Task& idle_until_runnable()
{
    g_idled = false;
    for (;;) {
        if (Task* task = dequeue())
            return *task;
        g_idled = true;
        int64_t now = g_clock();
        fire_due_timers(now);
        if (g_trap_exit_work)
            g_trap_exit_work();
        if (g_run_head)
            continue;
        // Nothing to run: wait for the next deadline or an outside event. With neither,
        // every task waits for something that cannot come (as on Linux, the program hangs
        // until it is killed).
        int64_t next = g_timers ? g_timers->deadline : NO_DEADLINE;
        if (g_idle_wait)
            g_idle_wait(next);
        else
            platform::sleep_ns(next == NO_DEADLINE ? 1'000'000'000 : next - now);
    }
}

// The platform timer only ever moves earlier here: a timer that goes off with nothing due
// costs one spurious trap, while re-arming costs a host call at nearly every switch.
void arm_platform_timer()
{
    int64_t wanted = g_timers ? g_timers->deadline : NO_DEADLINE;
    if (g_run_head && g_slice_end < wanted)
        wanted = g_slice_end;
    // No later than an interval from now; since the timer only moves earlier, that is one
    // host call per interval at most.
    if (g_trap_exit_interval != NO_DEADLINE) {
        int64_t look = g_clock() + g_trap_exit_interval;
        wanted = look < wanted ? look : wanted;
    }
    if (wanted < g_armed) {
        platform::arm_timer(wanted);
        g_armed = wanted;
    }
}

} // namespace

void arm(Timer& timer, int64_t deadline)
{
    disarm(timer);
    timer.deadline = deadline;
    timer.armed = true;
    Timer** link = &g_timers;
    while (*link && (*link)->deadline <= deadline)
        link = &(*link)->next;
    timer.next = *link;
    *link = &timer;
}

void disarm(Timer& timer)
{
    if (!timer.armed)
        return;
    for (Timer** link = &g_timers; *link; link = &(*link)->next) {
        if (*link == &timer) {
            *link = timer.next;
            break;
        }
    }
    timer.next = nullptr;
    timer.armed = false;
}

size_t WaitQueue::wake(size_t count, int64_t value)
{
    size_t woken = 0;
    while (m_head && woken < count) {
        sched::wake(*m_head, value);
        ++woken;
    }
    return woken;
}

void WaitQueue::unlink(Task& task, Task* previous)
{
    if (previous)
        previous->queue_next = task.queue_next;
    else
        m_head = task.queue_next;
    if (m_tail == &task)
        m_tail = previous;
    task.queue = nullptr;
    task.queue_next = nullptr;
}

void WaitQueue::append(Task& task)
{
    task.queue = this;
    task.queue_next = nullptr;
    if (m_tail)
        m_tail->queue_next = &task;
    else
        m_head = &task;
    m_tail = &task;
}

void remove_from_queue(Task& task)
{
    WaitQueue* queue = task.queue;
    if (!queue)
        return;
    Task* previous = nullptr;
    for (Task* cursor = queue->m_head; cursor; previous = cursor, cursor = cursor->queue_next) {
        if (cursor == &task) {
            queue->unlink(task, previous);
            return;
        }
    }
}

Task::Task()
{
    timeout.fire = on_timeout;
    timeout.context = this;
}

Task::~Task()
{
    disarm(timeout);
    remove_from_queue(*this);
    lib::deallocate(extended.data);
}

Task& current() { return *g_current; }
Task* current_or_null() { return g_current; }

void enter_trap(kernel::TrapFrame& frame, ExtendedState live)
{
    g_live_frame = &frame;
    g_live_extended = live;
}

kernel::TrapFrame& live_frame() { return *g_live_frame; }
ExtendedState live_extended_state() { return g_live_extended; }

void start_first(Task& task)
{
    task.state = TaskState::Runnable;
    task.running_since = g_clock();
    g_current = &task;
    g_slice_end = task.running_since + TIME_SLICE;
    ++g_live_tasks;
}

void start(Task& task)
{
    task.state = TaskState::Runnable;
    ++g_live_tasks;
    enqueue(task);
}

void exit_current()
{
    g_current->state = TaskState::Dead;
    disarm(g_current->timeout);
    remove_from_queue(*g_current);
    --g_live_tasks;
}

size_t live_task_count() { return g_live_tasks; }

lib::Error block_current(WaitQueue* queue, int64_t deadline, int64_t timeout_result, bool restart)
{
    Task& task = *g_current;
    task.state = TaskState::Blocked;
    task.restart = restart;
    task.on_interrupt = nullptr;
    task.eintr_after_handler = false;
    task.timeout_result = timeout_result;
    task.wake_kind = Task::Wake::None;
    task.queue = nullptr;
    if (queue)
        queue->append(task);
    if (deadline != NO_DEADLINE)
        arm(task.timeout, deadline);
    return BLOCKED;
}

void wake(Task& task, int64_t value)
{
    if (task.state != TaskState::Blocked)
        return;
    remove_from_queue(task);
    disarm(task.timeout);
    task.wake_kind = task.restart ? Task::Wake::Restart : Task::Wake::Value;
    task.wake_value = value;
    task.restarted = task.restart;
    task.state = TaskState::Runnable;
    // The current task may be woken before it has left the trap it blocked in.
    if (&task != g_current)
        enqueue(task);
}

bool is_blocked(const Task& task) { return task.state == TaskState::Blocked; }

int64_t deadline_after(int64_t timeout)
{
    Task& task = *g_current;
    if (task.restarted)
        return task.restart_deadline;
    int64_t now = g_clock();
    task.restart_deadline = timeout > NO_DEADLINE - now ? NO_DEADLINE : now + timeout;
    return task.restart_deadline;
}

int64_t now() { return g_clock(); }

bool deadline_passed(int64_t deadline) { return deadline != NO_DEADLINE && g_clock() >= deadline; }

int64_t cpu_time(const Task& task)
{
    if (&task == g_current)
        return task.cpu_ns + (g_clock() - task.running_since);
    return task.cpu_ns;
}

void yield() { g_yield = true; }

void set_thread_pointers(uint64_t fs_base, uint64_t gs_base)
{
    Task& task = *g_current;
    task.fs_base = fs_base;
    task.gs_base = gs_base;
    load_thread_pointers(task);
}

void timer_interrupt()
{
    g_timer_pending = true;
    g_armed = NO_DEADLINE; // the platform timer is one-shot
}

namespace {

// Leaves the current task (saving it unless it is dead) for the next runnable one, idling
// until there is one, on whatever host it lives.
void switch_away(kernel::TrapFrame& frame, ExtendedState live)
{
    Task* task = g_current;
    int64_t now = g_clock();
    task->cpu_ns += now - task->running_since;
    g_current = nullptr;
    if (task->state == TaskState::Dead) {
        if (g_release_hook)
            g_release_hook(*task);
    } else {
        save(*task, frame, live);
        if (task->state == TaskState::Runnable)
            enqueue(*task);
    }
    task = &idle_until_runnable();
    g_current = task;
    // Idle time is nobody's: read the clock again only if the scheduler idled.
    task->running_since = g_idled ? g_clock() : now;
    g_slice_end = task->running_since + TIME_SLICE;
    if (task->host != platform::current_host()) {
        platform::hand_over(task->host);
        // Handed back: the current task is one of this host's.
        enter_trap(frame, live);
        host_changed();
        task = g_current;
    }
    load(*task, frame, live);
    load_thread_pointers(*task);
}

// The last steps before the current task runs: its wait's result, signal delivery (which
// may end it, and then another task is chosen), the timer.
void finish_resume(kernel::TrapFrame& frame, ExtendedState live)
{
    for (;;) {
        Task& task = *g_current;
        apply_wake(task, frame);
        if (g_resume_hook)
            g_resume_hook(task, frame, live);
        task.wake_kind = Task::Wake::None;
        if (task.state != TaskState::Dead)
            break;
        switch_away(frame, live);
    }
    arm_platform_timer();
}

} // namespace

void leave_trap(kernel::TrapFrame& frame, ExtendedState live)
{
    if (g_trap_exit_work)
        g_trap_exit_work();
    Task* task = g_current;
    bool preempt = g_yield;
    g_yield = false;
    if (g_timer_pending) {
        g_timer_pending = false;
        int64_t now = g_clock();
        fire_due_timers(now);
        preempt = preempt || now >= g_slice_end;
    }
    if (task->state != TaskState::Runnable || (preempt && g_run_head))
        switch_away(frame, live);
    finish_resume(frame, live);
}

void host_changed()
{
    g_armed = NO_DEADLINE;
    g_loaded_fs_base = g_loaded_gs_base = ~0ull;
}

void resume_current(kernel::TrapFrame& frame, ExtendedState live)
{
    enter_trap(frame, live);
    host_changed();
    Task& task = *g_current;
    load(task, frame, live);
    load_thread_pointers(task);
    finish_resume(frame, live);
}

void kill(Task& task)
{
    if (&task == g_current) {
        exit_current();
        return;
    }
    if (task.state == TaskState::Dead)
        return;
    if (task.state == TaskState::Runnable) {
        Task* previous = nullptr;
        for (Task* cursor = g_run_head; cursor; previous = cursor, cursor = cursor->run_next) {
            if (cursor == &task) {
                (previous ? previous->run_next : g_run_head) = task.run_next;
                if (g_run_tail == &task)
                    g_run_tail = previous;
                task.run_next = nullptr;
                break;
            }
        }
    }
    task.state = TaskState::Dead;
    disarm(task.timeout);
    remove_from_queue(task);
    --g_live_tasks;
    if (g_release_hook)
        g_release_hook(task);
}

void set_resume_hook(ResumeHook hook) { g_resume_hook = hook; }
void set_release_hook(ReleaseHook hook) { g_release_hook = hook; }
void set_idle_wait(IdleWait wait) { g_idle_wait = wait; }
void set_trap_exit_work(TrapExitWork work, int64_t interval)
{
    g_trap_exit_work = work;
    g_trap_exit_interval = interval;
}
void set_clock(int64_t (*clock)()) { g_clock = clock; }

} // namespace sched
