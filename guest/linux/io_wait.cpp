// Waiting for file state changes (see linux/io_wait.h).
#include <lib/errno_codes.h>
#include <linux/io_wait.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <vfs/wait.h>

namespace linux {

namespace {

constexpr uint64_t SIGSET_SIZE = 8;

sched::WaitQueue g_waiters;

void wake_waiters() { g_waiters.wake_all(0); }

struct CallProgress {
    const sched::Task* task;
    uint64_t fd;
    UserAddress address;
    size_t length;
    size_t done;
};

constexpr size_t MAX_SLEEPING_CALLS = 128;
CallProgress g_progress[MAX_SLEEPING_CALLS];

} // namespace

lib::Error wait_for_state_change(int64_t deadline)
{
    // Nobody can wait before the first call, so the listener is installed here.
    vfs::set_state_change_listener(wake_waiters);
    return sched::block_current(&g_waiters, deadline, 0, true);
}

lib::ErrorOr<void> apply_wait_signal_mask(const uint64_t* signal_mask)
{
    if (!signal_mask)
        return {};
    Thread& thread = current_thread();
    if (!thread.restore_signal_mask)
        thread.saved_signal_mask = thread.signal_mask;
    thread.restore_signal_mask = true;
    thread.signal_mask = *signal_mask & ~UNBLOCKABLE;
    // A signal the mask lets through was not delivered before: it ends the call now
    // (delivered as the call returns), unless it would be ignored anyway.
    uint64_t let_through = pending_signals(thread) & ~thread.signal_mask;
    for (; let_through; let_through &= let_through - 1)
        discard_ignored(*thread.process, __builtin_ctzll(let_through) + 1);
    if (pending_signals(thread) & ~thread.signal_mask)
        return EINTR;
    return {};
}

lib::Error wait_until_handler(int64_t deadline, const uint64_t* signal_mask)
{
    if (auto applied = apply_wait_signal_mask(signal_mask); applied.is_error())
        return lib::Error(applied.error());
    lib::Error blocked = wait_for_state_change(deadline);
    sched::current().eintr_after_handler = true;
    return blocked;
}

lib::ErrorOr<bool> read_wait_signal_mask(UserAddress address, uint64_t size, uint64_t& mask)
{
    if (!address)
        return false;
    if (size != SIGSET_SIZE)
        return EINVAL;
    mask = TRY(read_user<uint64_t>(address));
    return true;
}

size_t resume_progress(uint64_t fd, UserAddress address, size_t length)
{
    const sched::Task& task = sched::current();
    for (auto& progress : g_progress) {
        if (progress.task != &task)
            continue;
        bool same_call = task.restarted && progress.fd == fd && progress.address == address && progress.length == length;
        size_t done = same_call ? progress.done : 0;
        progress = {};
        return done;
    }
    return 0;
}

bool save_progress(uint64_t fd, UserAddress address, size_t length, size_t done)
{
    for (auto& progress : g_progress) {
        if (!progress.task) {
            progress = { &sched::current(), fd, address, length, done };
            return true;
        }
    }
    return false;
}

bool should_wait(const vfs::OpenFile& file, lib::Error error)
{
    return error.code == EAGAIN.code && !(file.flags() & vfs::NonBlocking);
}

bool is_waiting_for_state_change(const sched::Task& task) { return task.queue == &g_waiters; }

} // namespace linux
