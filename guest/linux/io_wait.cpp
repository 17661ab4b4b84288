// Waiting for file state changes (see linux/io_wait.h).
#include <lib/errno_codes.h>
#include <linux/io_wait.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <vfs/wait.h>

namespace linux {

namespace {

sched::WaitQueue g_waiters;

void wake_waiters() { g_waiters.wake_all(0); }

} // namespace

lib::Error wait_for_state_change(int64_t deadline)
{
    // Nobody can wait before the first call, so the listener is installed here.
    vfs::set_state_change_listener(wake_waiters);
    return sched::block_current(&g_waiters, deadline, 0, true);
}

lib::Error wait_until_handler(int64_t deadline, const uint64_t* signal_mask)
{
    if (signal_mask) {
        Thread& thread = current_thread();
        if (!thread.restore_signal_mask)
            thread.saved_signal_mask = thread.signal_mask;
        thread.restore_signal_mask = true;
        thread.signal_mask = *signal_mask & ~UNBLOCKABLE;
        // A signal the mask lets through was not delivered before: it ends the wait now
        // (delivered as the call returns), unless it would be ignored anyway.
        uint64_t let_through = pending_signals(thread) & ~thread.signal_mask;
        for (; let_through; let_through &= let_through - 1)
            discard_ignored(*thread.process, __builtin_ctzll(let_through) + 1);
        if (pending_signals(thread) & ~thread.signal_mask)
            return EINTR;
    }
    lib::Error blocked = wait_for_state_change(deadline);
    sched::current().eintr_after_handler = true;
    return blocked;
}

bool should_wait(const vfs::OpenFile& file, lib::Error error)
{
    return error.code == EAGAIN.code && !(file.flags() & vfs::NonBlocking);
}

bool is_waiting_for_state_change(const sched::Task& task) { return task.queue == &g_waiters; }

} // namespace linux
