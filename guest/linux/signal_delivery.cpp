// Signal generation and delivery (see linux/signals.h): pending sets per thread and per
// process, default actions, stop and continue, and the scheduler's resume hook, which runs
// handlers just before a thread returns to the program.
//
// Interrupted calls: a signal for a thread blocked in a syscall wakes it with -EINTR. A call
// that blocked with restart (sched::block_current) runs again under SA_RESTART and ends with
// EINTR otherwise; a call that blocked without restart always ends with EINTR when a handler
// runs (as Linux does for nanosleep, poll, select, sigsuspend, sigtimedwait). So a syscall
// chooses Linux's restart behaviour by how it blocks.
#include <lib/errno_codes.h>
#include <linux/signals.h>

namespace linux {

namespace {

enum class DefaultAction { Terminate, Core, Ignore, Stop, Continue };

DefaultAction default_action(int signal)
{
    switch (signal) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
        return DefaultAction::Ignore;
    case SIGCONT:
        return DefaultAction::Continue;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return DefaultAction::Stop;
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
        return DefaultAction::Core;
    default:
        return DefaultAction::Terminate;
    }
}

constexpr uint64_t STOP_SIGNALS = signal_bit(SIGSTOP) | signal_bit(SIGTSTP) | signal_bit(SIGTTIN) | signal_bit(SIGTTOU);
// Taken before any other pending signal, as Linux does.
constexpr uint64_t SYNCHRONOUS = signal_bit(SIGSEGV) | signal_bit(SIGBUS) | signal_bit(SIGILL) | signal_bit(SIGTRAP) | signal_bit(SIGFPE) | signal_bit(SIGSYS);

// A stopped thread resumes at this address, which faults at once (nothing is mapped at 0);
// deliver_fault then puts it to sleep on g_stopped until SIGCONT.
constexpr uint64_t PARK_ADDRESS = 0;
sched::WaitQueue g_stopped;
bool g_hook_installed;

void on_resume(sched::Task&, kernel::TrapFrame&, sched::ExtendedState);

void install_hook()
{
    if (!g_hook_installed) {
        sched::set_resume_hook(on_resume);
        g_hook_installed = true;
    }
}

bool default_is(const SignalAction& action, int signal, DefaultAction what) { return action.handler == SIG_DFL && default_action(signal) == what; }

bool is_fatal(const Process& process, int signal)
{
    const SignalAction& action = process.signal_actions[signal];
    return default_is(action, signal, DefaultAction::Terminate) || default_is(action, signal, DefaultAction::Core);
}

bool wants(const Thread& thread, int signal)
{
    if (thread.state == sched::TaskState::Dead)
        return false;
    return !(thread.signal_mask & signal_bit(signal)) || (thread.waited_signals & signal_bit(signal));
}

void drop_queued(const void* owner, uint64_t signals);

void discard(Process& process, uint64_t signals)
{
    process.pending_signals &= ~signals;
    drop_queued(&process, signals);
    for (Thread* thread = process.threads; thread; thread = thread->next_in_process) {
        thread->pending_signals &= ~signals;
        drop_queued(thread, signals);
    }
}

// Real-time signals sent again while pending are queued, each instance delivered once in the
// order sent (standard signals coalesce). The first instance lives in the owner's
// pending_info; later ones here, in one table for the whole kernel (RLIMIT_SIGPENDING-like).
struct QueuedSignal {
    const void* owner; // the Thread or Process it is pending for; null: a free slot
    uint64_t sequence;
    SignalInfo info;
};
constexpr size_t QUEUED_SIGNALS_MAX = 1024;
constexpr int FIRST_REALTIME_SIGNAL = 32;
QueuedSignal g_queued[QUEUED_SIGNALS_MAX];
size_t g_queued_count;
uint64_t g_next_sequence;

void add_pending(const void* owner, uint64_t& pending, SignalInfo* infos, const SignalInfo& info)
{
    if (!(pending & signal_bit(info.signal))) {
        pending |= signal_bit(info.signal);
        infos[info.signal] = info;
        return;
    }
    if (info.signal < FIRST_REALTIME_SIGNAL || g_queued_count == QUEUED_SIGNALS_MAX)
        return;
    for (auto& slot : g_queued) {
        if (!slot.owner) {
            slot = { owner, g_next_sequence++, info };
            ++g_queued_count;
            return;
        }
    }
}

// After the pending instance of `signal` was taken: the next queued one (if any) becomes
// pending. Returns whether there was one.
bool promote_queued(const void* owner, int signal, uint64_t& pending, SignalInfo* infos)
{
    if (!g_queued_count || signal < FIRST_REALTIME_SIGNAL)
        return false;
    QueuedSignal* first = nullptr;
    for (auto& slot : g_queued) {
        if (slot.owner == owner && slot.info.signal == signal && (!first || slot.sequence < first->sequence))
            first = &slot;
    }
    if (!first)
        return false;
    pending |= signal_bit(signal);
    infos[signal] = first->info;
    first->owner = nullptr;
    --g_queued_count;
    return true;
}

void drop_queued(const void* owner, uint64_t signals)
{
    if (!g_queued_count)
        return;
    for (auto& slot : g_queued) {
        if (slot.owner == owner && (signals & signal_bit(slot.info.signal))) {
            slot.owner = nullptr;
            --g_queued_count;
        }
    }
}

// Wakes `thread` from a blocking call (see the top of this file).
void interrupt(Thread& thread)
{
    if (!thread.parked && sched::is_blocked(thread)) {
        // The hook may write the thread's memory, which is the machine's only in its own
        // process: from another process it runs when the thread resumes.
        auto* current = static_cast<Thread*>(sched::current_or_null());
        if (thread.on_interrupt && current && thread.process == current->process)
            thread.on_interrupt(thread);
        else if (thread.on_interrupt)
            thread.deferred_interrupt = thread.on_interrupt;
        sched::wake(thread, -static_cast<int64_t>(EINTR.code));
    }
}

// What every new signal does first: SIGKILL kills (false: the process is gone), SIGCONT
// continues, a stop cancels a pending SIGCONT and a SIGCONT the pending stops.
bool generate(Process& process, int signal)
{
    install_hook();
    if (signal == SIGKILL) {
        kill_process(process, SIGKILL);
        return false;
    }
    if (signal == SIGCONT) {
        discard(process, STOP_SIGNALS);
        if (process.stopped) {
            process.stopped = false;
            g_stopped.wake_all(0);
            notify_parent_continued(process);
        }
    } else if (STOP_SIGNALS & signal_bit(signal)) {
        discard(process, signal_bit(SIGCONT));
    }
    return true;
}

// The process stops (every thread parks when it next resumes); its parent hears of it.
void stop(Process& process, int signal)
{
    if (process.stopped)
        return;
    process.stopped = true;
    notify_parent_stopped(process, signal);
}

// Where a thread with the registers `frame` goes while the process is stopped.
void park(Thread& thread, kernel::TrapFrame& frame)
{
    thread.parked_frame = frame;
    thread.parked = true;
    frame.rip = PARK_ADDRESS;
}

int lowest(uint64_t signals)
{
    uint64_t synchronous = signals & SYNCHRONOUS;
    return __builtin_ctzll(synchronous ? synchronous : signals) + 1;
}

// Runs every deliverable signal's handler (each frame on top of the last, the way Linux
// nests them) or its default action. Called with the registers the thread resumes with.
void on_resume(sched::Task& task, kernel::TrapFrame& frame, sched::ExtendedState fpu)
{
    auto& thread = static_cast<Thread&>(task);
    Process& process = *thread.process;
    if (thread.set_child_tid) {
        // CLONE_CHILD_SETTID of a new process, written now that its memory is the machine's.
        (void)write_user(thread.set_child_tid, static_cast<uint32_t>(thread.tid));
        thread.set_child_tid = 0;
    }
    if (thread.deferred_interrupt) {
        thread.deferred_interrupt(thread);
        thread.deferred_interrupt = nullptr;
    }
    if (thread.parked) {
        // FIXME: a wait that was to restart restarts even if the handler lacks SA_RESTART.
        frame = thread.parked_frame;
        thread.parked = false;
    }
    if (process.stopped) {
        park(thread, frame);
        return;
    }
    bool restarting = task.wake_kind == sched::Task::Wake::Restart;
    // A thread restarting rt_sigtimedwait takes the signals it waits for there.
    uint64_t waited = restarting ? thread.waited_signals : 0;
    thread.waited_signals = 0;
    for (int round = 0; round <= SIGNAL_COUNT; ++round) {
        uint64_t deliverable = pending_signals(thread) & ~thread.signal_mask & ~waited;
        if (!deliverable && thread.restore_signal_mask && task.wake_kind != sched::Task::Wake::Restart) {
            // The call's temporary mask (sigsuspend, epoll_pwait) let nothing through and the
            // call is over: the thread's own comes back, and what it lets through is delivered
            // now. (A call that runs again sets its mask again.)
            thread.signal_mask = thread.saved_signal_mask;
            thread.restore_signal_mask = false;
            continue;
        }
        if (!deliverable)
            break;
        SignalInfo info = take_pending(thread, deliverable);
        int signal = info.signal;
        SignalAction& action = process.signal_actions[signal];
        if (action.handler == SIG_IGN)
            continue;
        if (action.handler == SIG_DFL) {
            switch (default_action(signal)) {
            case DefaultAction::Ignore:
            case DefaultAction::Continue:
                continue;
            case DefaultAction::Stop:
                stop(process, signal);
                park(thread, frame);
                return;
            case DefaultAction::Terminate:
            case DefaultAction::Core:
                kill_process(process, signal);
                return;
            }
        }
        if (restarting) {
            restarting = false;
            if (waited || !(action.flags & SA_RESTART) || task.eintr_after_handler) {
                frame.rip += 2; // past the `syscall` again
                frame.rax = static_cast<uint64_t>(-static_cast<int64_t>(EINTR.code));
            }
        }
        uint64_t old_mask = thread.restore_signal_mask ? thread.saved_signal_mask : thread.signal_mask;
        thread.restore_signal_mask = false;
        SignalAction taken = action;
        if (action.flags & SA_RESETHAND)
            action.handler = SIG_DFL;
        // As Linux: a frame that does not fit on the stack kills the program with SIGSEGV
        // (a fault's address still named, e.g. a stack overflow with no alternate stack).
        if (!push_signal_frame(thread, frame, fpu, info, taken, old_mask)) {
            kill_process(process, SIGSEGV, info.address, (SYNCHRONOUS & signal_bit(signal)) && info.code > 0 ? frame.rip : 0);
            return;
        }
        uint64_t blocked = thread.signal_mask | taken.mask | ((taken.flags & SA_NODEFER) ? 0 : signal_bit(signal));
        thread.signal_mask = blocked & ~UNBLOCKABLE;
        task.restarted = false;
    }
    if (thread.restore_signal_mask) {
        thread.signal_mask = thread.saved_signal_mask;
        thread.restore_signal_mask = false;
    }
}

} // namespace

void forget_queued_signals(const void* owner) { drop_queued(owner, ~0ull); }

bool is_ignored(const Process& process, int signal)
{
    const SignalAction& action = process.signal_actions[signal];
    return action.handler == SIG_IGN || default_is(action, signal, DefaultAction::Ignore) || default_is(action, signal, DefaultAction::Continue);
}

uint64_t pending_signals(const Thread& thread) { return thread.pending_signals | thread.process->pending_signals; }

SignalInfo take_pending(Thread& thread, uint64_t set)
{
    uint64_t* pending = &thread.pending_signals;
    SignalInfo* infos = thread.pending_info;
    if (!(*pending & set)) {
        pending = &thread.process->pending_signals;
        infos = thread.process->pending_info;
    }
    if (!(*pending & set))
        return {};
    int signal = lowest(*pending & set);
    *pending &= ~signal_bit(signal);
    SignalInfo taken = infos[signal];
    const void* owner = pending == &thread.pending_signals ? static_cast<const void*>(&thread) : static_cast<const void*>(thread.process);
    promote_queued(owner, signal, *pending, infos);
    return taken;
}

void discard_ignored(Process& process, int signal)
{
    if (is_ignored(process, signal))
        discard(process, signal_bit(signal));
}

void send_signal(Thread& thread, const SignalInfo& info)
{
    Process& process = *thread.process;
    int signal = info.signal;
    if (!generate(process, signal))
        return;
    // As Linux: rt_sigtimedwait wakes for a signal it waits for even if blocked; a blocked
    // signal is neither discarded as ignored nor fatal yet.
    bool blocked = thread.signal_mask & signal_bit(signal);
    bool waited = thread.waited_signals & signal_bit(signal);
    if (!blocked && !waited && is_ignored(process, signal))
        return;
    if (!blocked && is_fatal(process, signal)) {
        kill_process(process, signal);
        return;
    }
    if (!blocked && !waited && default_is(process.signal_actions[signal], signal, DefaultAction::Stop)) {
        stop(process, signal);
        return;
    }
    add_pending(&thread, thread.pending_signals, thread.pending_info, info);
    if (!blocked || waited)
        interrupt(thread);
}

void send_signal(Process& process, const SignalInfo& info)
{
    int signal = info.signal;
    // As Linux: the main thread takes it if it can, else the first thread that can; only a
    // signal every thread blocks stays pending for the process.
    if (process.state == ProcessState::Zombie)
        return;
    Thread* target = nullptr;
    for (Thread* thread = process.threads; thread; thread = thread->next_in_process) {
        if (thread->tid == process.pid && thread->state != sched::TaskState::Dead)
            target = thread;
    }
    if (!target || !wants(*target, signal)) {
        target = nullptr;
        for (Thread* thread = process.threads; thread && !target; thread = thread->next_in_process) {
            if (wants(*thread, signal))
                target = thread;
        }
    }
    if (target) {
        send_signal(*target, info);
        return;
    }
    if (generate(process, signal))
        add_pending(&process, process.pending_signals, process.pending_info, info);
}

void deliver_fault(const kernel::Fault& fault, kernel::TrapFrame& frame)
{
    Thread& thread = current_thread();
    Process& process = *thread.process;
    if (thread.parked && frame.rip == PARK_ADDRESS) {
        if (process.stopped) {
            (void)sched::block_current(&g_stopped, sched::NO_DEADLINE, 0, false);
        } else {
            frame = thread.parked_frame;
            thread.parked = false;
        }
        return;
    }
    // A fault the program blocks or does not handle kills it, as on Linux.
    const SignalAction& action = process.signal_actions[fault.signal];
    if ((thread.signal_mask & signal_bit(fault.signal)) || action.handler == SIG_DFL || action.handler == SIG_IGN) {
        kill_process(process, fault.signal, fault.address, frame.rip);
        return;
    }
    install_hook();
    thread.pending_signals |= signal_bit(fault.signal);
    thread.pending_info[fault.signal] = { fault.signal, fault.code, 0, 0, fault.address };
}

} // namespace linux
