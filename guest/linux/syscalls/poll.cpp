// poll, ppoll, select, pselect6. With nothing ready the thread sleeps until some file changes
// state, the timeout passes or a signal comes (EINTR), and each time it wakes the call runs
// again: it looks at its files afresh and keeps its first deadline.
// A signal handler ends the call with EINTR, SA_RESTART or not, as on Linux. ppoll's and
// pselect6's signal masks hold while they wait, as epoll_pwait's (wait_until_handler); a call
// that finds files ready returns them under the thread's own mask, and one that finds none and
// does not wait still ends with EINTR for a signal its mask lets through, as on Linux.
#include <linux/clock.h>
#include <linux/file_syscalls.h>
#include <linux/io_wait.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <platform/platform.h>

namespace linux {

namespace {

constexpr int16_t POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;
constexpr int16_t POLLRDNORM = 0x40, POLLWRNORM = 0x100;
constexpr size_t MAX_POLL = 1024;

struct PollFd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

PollFd g_poll[MAX_POLL];

int16_t ready_events(int fd, int16_t wanted)
{
    auto file = current_process().files.get(fd);
    if (!file)
        return POLLNVAL;
    uint32_t events = file->vnode().poll_events();
    if (events & POLLIN)
        events |= POLLRDNORM;
    if (events & POLLOUT)
        events |= POLLWRNORM;
    return static_cast<int16_t>(events & (static_cast<uint16_t>(wanted) | POLLERR | POLLHUP));
}

int scan(size_t count)
{
    int ready = 0;
    for (size_t i = 0; i < count; ++i) {
        g_poll[i].revents = g_poll[i].fd < 0 ? 0 : ready_events(g_poll[i].fd, g_poll[i].events);
        if (g_poll[i].revents)
            ++ready;
    }
    return ready;
}

// When a call with `timeout` (ns; < 0 forever) that found nothing ready gives up: its
// CLOCK_MONOTONIC deadline, kept across the runs of one call.
int64_t deadline_of(int64_t timeout)
{
    if (timeout < 0)
        return sched::NO_DEADLINE;
    return sched::deadline_after(timeout);
}

// Writes what is left of the timeout back as a struct timespec (divisor 1) or timeval (1000),
// as Linux does for ppoll, select and pselect6.
lib::ErrorOr<void> write_remaining(UserAddress address, int64_t deadline, int64_t divisor)
{
    if (!address || deadline == sched::NO_DEADLINE)
        return {};
    int64_t left = deadline - sched::now();
    if (left < 0)
        left = 0;
    int64_t value[2] = { left / NANOSECONDS, left % NANOSECONDS / divisor };
    TRY(copy_to_user(address, value, sizeof(value)));
    return {};
}

SyscallResult poll_fds(UserAddress fds, uint64_t count, int64_t timeout, UserAddress timeout_out = 0, const uint64_t* signal_mask = nullptr)
{
    if (count > MAX_POLL)
        return EINVAL;
    TRY(copy_from_user(g_poll, fds, count * sizeof(PollFd)));
    int ready = scan(count);
    int64_t deadline = ready || timeout == 0 ? sched::NO_DEADLINE : deadline_of(timeout);
    if (!ready && timeout != 0 && !sched::deadline_passed(deadline))
        return wait_until_handler(deadline, signal_mask);
    if (!ready)
        TRY(apply_wait_signal_mask(signal_mask));
    TRY(copy_to_user(fds, g_poll, count * sizeof(PollFd)));
    TRY(write_remaining(timeout_out, deadline, 1));
    return ready;
}

lib::ErrorOr<int64_t> timeout_from_timespec(UserAddress address)
{
    if (!address)
        return -1;
    int64_t value[2];
    TRY(copy_from_user(value, address, sizeof(value)));
    if (value[0] < 0 || value[1] < 0 || value[1] >= NANOSECONDS)
        return EINVAL;
    return value[0] * NANOSECONDS + value[1];
}

// select's three bitmaps become poll entries and back.
SyscallResult select_fds(int count, UserAddress read_set, UserAddress write_set, UserAddress except_set, int64_t timeout,
    UserAddress timeout_out, int64_t divisor, const uint64_t* signal_mask = nullptr)
{
    if (count < 0 || count > static_cast<int>(MAX_POLL))
        return EINVAL;
    uint64_t sets[3][MAX_POLL / 64] {};
    UserAddress addresses[3] = { read_set, write_set, except_set };
    size_t bytes = (static_cast<size_t>(count) + 63) / 64 * 8;
    for (int s = 0; s < 3; ++s)
        if (addresses[s])
            TRY(copy_from_user(sets[s], addresses[s], bytes));
    size_t entries = 0;
    for (int fd = 0; fd < count; ++fd) {
        int16_t events = 0;
        if (sets[0][fd / 64] >> (fd % 64) & 1)
            events |= POLLIN;
        if (sets[1][fd / 64] >> (fd % 64) & 1)
            events |= POLLOUT;
        if (sets[2][fd / 64] >> (fd % 64) & 1)
            events |= POLLPRI;
        if (events)
            g_poll[entries++] = { fd, events, 0 };
    }
    scan(entries);
    uint64_t results[3][MAX_POLL / 64] {};
    int ready = 0;
    for (size_t i = 0; i < entries; ++i) {
        int fd = g_poll[i].fd;
        int16_t r = g_poll[i].revents;
        if (r & POLLNVAL)
            return EBADF;
        bool in = (g_poll[i].events & POLLIN) && (r & (POLLIN | POLLHUP | POLLERR));
        bool out = (g_poll[i].events & POLLOUT) && (r & (POLLOUT | POLLERR));
        bool except = (g_poll[i].events & POLLPRI) && (r & POLLPRI);
        results[0][fd / 64] |= uint64_t(in) << (fd % 64);
        results[1][fd / 64] |= uint64_t(out) << (fd % 64);
        results[2][fd / 64] |= uint64_t(except) << (fd % 64);
        ready += in + out + except;
    }
    int64_t deadline = ready || timeout == 0 ? sched::NO_DEADLINE : deadline_of(timeout);
    if (!ready && timeout != 0 && !sched::deadline_passed(deadline))
        return wait_until_handler(deadline, signal_mask);
    if (!ready)
        TRY(apply_wait_signal_mask(signal_mask));
    TRY(write_remaining(timeout_out, deadline, divisor));
    for (int s = 0; s < 3; ++s)
        if (addresses[s])
            TRY(copy_to_user(addresses[s], results[s], bytes));
    return ready;
}

} // namespace

// int poll(struct pollfd *fds, nfds_t nfds, int timeout);
SyscallResult sys_poll(SyscallArguments& a)
{
    int timeout = static_cast<int>(a[2]);
    return poll_fds(a[0], a[1], timeout < 0 ? -1 : int64_t(timeout) * 1000000);
}

// int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo_p, const sigset_t *sigmask);
SyscallResult sys_ppoll(SyscallArguments& a)
{
    int64_t timeout = TRY(timeout_from_timespec(a[2]));
    uint64_t mask = 0;
    bool masked = TRY(read_wait_signal_mask(a[3], a[4], mask));
    return poll_fds(a[0], a[1], timeout, a[2], masked ? &mask : nullptr);
}

// int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout);
SyscallResult sys_select(SyscallArguments& a)
{
    int64_t timeout = -1;
    if (a[4]) {
        int64_t value[2];
        TRY(copy_from_user(value, a[4], sizeof(value)));
        if (value[0] < 0 || value[1] < 0 || value[1] >= 1000000)
            return EINVAL;
        timeout = value[0] * NANOSECONDS + value[1] * 1000;
    }
    return select_fds(static_cast<int>(a[0]), a[1], a[2], a[3], timeout, a[4], 1000);
}

// int pselect6(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timespec *timeout, void *sigmask);
// `sigmask` points to { const sigset_t *ss; size_t ss_len; }, as Linux's struct sigset_argpack.
SyscallResult sys_pselect6(SyscallArguments& a)
{
    uint64_t mask_argument[2] = { 0, 0 };
    if (a[5])
        TRY(copy_from_user(mask_argument, a[5], sizeof(mask_argument)));
    int64_t timeout = TRY(timeout_from_timespec(a[4]));
    uint64_t mask = 0;
    bool masked = TRY(read_wait_signal_mask(mask_argument[0], mask_argument[1], mask));
    return select_fds(static_cast<int>(a[0]), a[1], a[2], a[3], timeout, a[4], 1, masked ? &mask : nullptr);
}

} // namespace linux
