// timerfd_create, timerfd_settime, timerfd_gettime: a timer as a file. Each expiration adds
// one to a count that read() returns (8 bytes) and resets; reads wait while it is zero unless
// O_NONBLOCK (EAGAIN), and poll() sees POLLIN once it is not.
#include <linux/anonymous_file.h>
#include <linux/file_syscalls.h>
#include <linux/interval_timer.h>
#include <linux/syscalls.h>
#include <platform/platform.h>
#include <vfs/open_file.h>
#include <vfs/wait.h>

namespace linux {

namespace {

constexpr uint32_t TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
AnonymousFileSystem g_timerfd_fs;

class TimerFd final : public vfs::Vnode {
public:
    explicit TimerFd(int clock) : m_clock(clock)
    {
        m_timer.fire = on_fire;
        m_timer.context = this;
    }
    ~TimerFd() override { sched::disarm(m_timer); }

    lib::ErrorOr<vfs::Attributes> attributes() override { return anonymous_file_attributes(m_inode); }
    vfs::FileSystem& file_system() override { return g_timerfd_fs; }

    lib::ErrorOr<size_t> read(uint64_t, void* buffer, size_t length) override
    {
        if (length < sizeof(uint64_t))
            return EINVAL;
        if (m_expirations == 0)
            return EAGAIN;
        *static_cast<uint64_t*>(buffer) = m_expirations;
        m_expirations = 0;
        return sizeof(uint64_t);
    }

    uint32_t poll_events() override { return m_expirations ? 1 : 0; }
    uint64_t state_changes(uint32_t) override { return m_fires; }

    // Arms (value > 0) or disarms the timer; the count starts again from zero.
    lib::ErrorOr<void> set(int64_t value, int64_t interval, bool absolute)
    {
        sched::disarm(m_timer);
        m_expirations = 0;
        m_interval = interval;
        m_deadline = sched::NO_DEADLINE;
        if (value == 0) // disarms, absolute or not
            return {};
        m_deadline = TRY(monotonic_deadline(m_clock, value, absolute));
        sched::arm(m_timer, m_deadline);
        return {};
    }

    int64_t value_left() const { return time_left(m_deadline); }
    int64_t interval() const { return m_deadline == sched::NO_DEADLINE ? 0 : m_interval; }

private:
    static void on_fire(sched::Timer& timer)
    {
        auto& self = *static_cast<TimerFd*>(timer.context);
        // As Linux, which arms an interval timer again only once its count is read: only the
        // first expiration since then counts as a change.
        self.m_fires += self.m_expirations == 0;
        self.m_expirations += expirations_until(platform::clock_ns(CLOCK_MONOTONIC), self.m_deadline, self.m_interval);
        if (self.m_deadline != sched::NO_DEADLINE)
            sched::arm(self.m_timer, self.m_deadline);
        vfs::notify_state_change();
    }

    int m_clock;
    sched::Timer m_timer;
    int64_t m_deadline { sched::NO_DEADLINE };
    int64_t m_interval { 0 };
    uint64_t m_expirations { 0 };
    uint64_t m_fires { 0 }; // expirations from zero, for edge-triggered epoll
    uint64_t m_inode { allocate_anonymous_inode() };
};

// The timerfd behind a file descriptor: EBADF if none, EINVAL if not a timerfd.
lib::ErrorOr<TimerFd*> timerfd_for(uint64_t fd)
{
    auto file = TRY(file_for(fd));
    if (&file->vnode().file_system() != &g_timerfd_fs)
        return EINVAL;
    return static_cast<TimerFd*>(&file->vnode());
}

bool is_timer_clock(int clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME || clock == CLOCK_REALTIME_ALARM
        || clock == CLOCK_BOOTTIME_ALARM;
}

} // namespace

// int timerfd_create(int clockid, int flags);
SyscallResult sys_timerfd_create(SyscallArguments& a)
{
    int clock = static_cast<int>(a[0]);
    uint32_t flags = static_cast<uint32_t>(a[1]);
    if (!is_timer_clock(clock) || (flags & ~(vfs::NonBlocking | vfs::CloseOnExec)))
        return EINVAL;
    auto timer = lib::make_ref<TimerFd>(clock);
    if (!timer)
        return ENOMEM;
    return install_anonymous_file(timer, flags, "timerfd");
}

// int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value);
SyscallResult sys_timerfd_settime(SyscallArguments& a)
{
    if (a[1] & ~uint64_t(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return EINVAL;
    TimerFd* timer = TRY(timerfd_for(a[0]));
    int64_t value, interval;
    TRY(read_itimerspec(a[2], value, interval));
    if (a[3])
        TRY(write_itimerspec(a[3], timer->value_left(), timer->interval()));
    TRY(timer->set(value, interval, a[1] & TFD_TIMER_ABSTIME));
    return 0;
}

// int timerfd_gettime(int fd, struct itimerspec *curr_value);
SyscallResult sys_timerfd_gettime(SyscallArguments& a)
{
    TimerFd* timer = TRY(timerfd_for(a[0]));
    TRY(write_itimerspec(a[1], timer->value_left(), timer->interval()));
    return 0;
}

} // namespace linux
