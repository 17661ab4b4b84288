// Waiting for file state changes (see linux/io_wait.h).
#include <lib/errno_codes.h>
#include <linux/io_wait.h>
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

bool should_wait(const vfs::OpenFile& file, lib::Error error)
{
    return error.code == EAGAIN.code && !(file.flags() & vfs::NonBlocking);
}

bool is_waiting_for_state_change(const sched::Task& task) { return task.queue == &g_waiters; }

} // namespace linux
