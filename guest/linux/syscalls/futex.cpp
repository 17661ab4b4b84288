// futex: WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET, with timeouts,
// private and shared (one address space today, so both are keyed by the virtual address).
// Waiters sleep on one of a few hashed queues and are told apart by address and bitset.
#include <linux/futex.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <platform/platform.h>

namespace linux {

namespace {

enum : int {
    FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5,
    FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10,
};
constexpr int FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
constexpr uint32_t BITSET_ANY = 0xffffffff;
constexpr int64_t NANOSECONDS = 1'000'000'000;
constexpr size_t BUCKETS = 64;

sched::WaitQueue g_buckets[BUCKETS];

sched::WaitQueue& bucket(UserAddress address) { return g_buckets[(address >> 2) % BUCKETS]; }

size_t wake_bitset(UserAddress address, size_t count, uint32_t bitset)
{
    return bucket(address).wake_matching(count, 0, [&](sched::Task& task) {
        auto& thread = static_cast<Thread&>(task);
        return thread.futex_address == address && (thread.futex_bitset & bitset);
    });
}

// The CLOCK_MONOTONIC deadline of a wait: `timeout` is relative for FUTEX_WAIT, absolute on
// the chosen clock for FUTEX_WAIT_BITSET.
lib::ErrorOr<int64_t> wait_deadline(UserAddress timeout, bool absolute, bool realtime)
{
    if (!timeout)
        return sched::NO_DEADLINE;
    int64_t value[2];
    TRY(copy_from_user(value, timeout, sizeof(value)));
    if (value[0] < 0 || value[1] < 0 || value[1] >= NANOSECONDS)
        return EINVAL;
    int64_t nanoseconds = value[0] > INT64_MAX / NANOSECONDS - 1 ? sched::NO_DEADLINE : value[0] * NANOSECONDS + value[1];
    if (!absolute)
        return sched::deadline_after(nanoseconds);
    if (realtime)
        nanoseconds -= platform::clock_ns(0) - platform::clock_ns(1);
    return nanoseconds;
}

SyscallResult wait(UserAddress address, uint32_t expected, UserAddress timeout, uint32_t bitset, bool absolute, bool realtime)
{
    if (bitset == 0)
        return EINVAL;
    int64_t deadline = TRY(wait_deadline(timeout, absolute, realtime));
    auto value = TRY(read_user<uint32_t>(address));
    if (value != expected)
        return EAGAIN;
    if (sched::deadline_passed(deadline))
        return ETIMEDOUT;
    Thread& thread = current_thread();
    thread.futex_address = address;
    thread.futex_bitset = bitset;
    return sched::block_current(&bucket(address), deadline, -static_cast<int64_t>(ETIMEDOUT.code), false);
}

SyscallResult requeue(UserAddress from, UserAddress to, size_t wake_count, size_t move_count)
{
    size_t woken = wake_bitset(from, wake_count, BITSET_ANY);
    // Re-keyed through a queue of our own, so that `from` and `to` may share a bucket.
    sched::WaitQueue moving;
    size_t moved = bucket(from).move_matching(moving, move_count, [&](sched::Task& task) {
        auto& thread = static_cast<Thread&>(task);
        if (thread.futex_address != from)
            return false;
        thread.futex_address = to;
        return true;
    });
    moving.move_matching(bucket(to), moved, [](sched::Task&) { return true; });
    return static_cast<int64_t>(woken + moved);
}

// FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); wake uaddr; if cmp(old, cmparg) wake uaddr2.
SyscallResult wake_op(UserAddress first, UserAddress second, size_t first_count, size_t second_count, uint32_t encoded)
{
    uint32_t operation = (encoded >> 28) & 7, comparison = (encoded >> 24) & 15;
    int32_t argument = static_cast<int32_t>(encoded << 8) >> 20;
    int32_t compare_to = static_cast<int32_t>(encoded << 20) >> 20;
    if (encoded & (8u << 28)) // FUTEX_OP_OPARG_SHIFT
        argument = argument < 0 || argument > 31 ? 0 : 1 << argument;
    auto old = TRY(read_user<int32_t>(second));
    int32_t updated;
    switch (operation) {
    case 0: updated = argument; break;       // SET
    case 1: updated = old + argument; break; // ADD
    case 2: updated = old | argument; break; // OR
    case 3: updated = old & ~argument; break; // ANDN
    case 4: updated = old ^ argument; break; // XOR
    default: return ENOSYS;
    }
    bool wake_second;
    switch (comparison) {
    case 0: wake_second = old == compare_to; break;
    case 1: wake_second = old != compare_to; break;
    case 2: wake_second = old < compare_to; break;
    case 3: wake_second = old <= compare_to; break;
    case 4: wake_second = old > compare_to; break;
    case 5: wake_second = old >= compare_to; break;
    default: return ENOSYS;
    }
    TRY(write_user(second, updated));
    size_t woken = wake_bitset(first, first_count, BITSET_ANY);
    if (wake_second)
        woken += wake_bitset(second, second_count, BITSET_ANY);
    return static_cast<int64_t>(woken);
}

} // namespace

size_t futex_wake(UserAddress address, size_t count) { return wake_bitset(address, count, BITSET_ANY); }

// long futex(uint32_t *uaddr, int futex_op, uint32_t val, const struct timespec *timeout,
//            uint32_t *uaddr2, uint32_t val3);
SyscallResult sys_futex(SyscallArguments& a)
{
    UserAddress address = a[0];
    int operation = static_cast<int>(a[1]) & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    bool realtime = a[1] & FUTEX_CLOCK_REALTIME;
    uint32_t value = static_cast<uint32_t>(a[2]);
    // For the requeue and wake-op forms, the timeout argument is a count.
    size_t value2 = static_cast<uint32_t>(a[3]);
    if (address & 3)
        return EINVAL;
    if (realtime && operation != FUTEX_WAIT_BITSET && operation != FUTEX_WAIT)
        return ENOSYS;
    switch (operation) {
    case FUTEX_WAIT:
        return wait(address, value, a[3], BITSET_ANY, false, false);
    case FUTEX_WAIT_BITSET:
        return wait(address, value, a[3], static_cast<uint32_t>(a[5]), true, realtime);
    case FUTEX_WAKE:
        return static_cast<int64_t>(wake_bitset(address, value, BITSET_ANY));
    case FUTEX_WAKE_BITSET:
        if (static_cast<uint32_t>(a[5]) == 0)
            return EINVAL;
        return static_cast<int64_t>(wake_bitset(address, value, static_cast<uint32_t>(a[5])));
    case FUTEX_REQUEUE:
        return requeue(address, a[4], value, value2);
    case FUTEX_CMP_REQUEUE: {
        if (a[4] & 3)
            return EINVAL;
        auto current = TRY(read_user<uint32_t>(address));
        if (current != static_cast<uint32_t>(a[5]))
            return EAGAIN;
        return requeue(address, a[4], value, value2);
    }
    case FUTEX_WAKE_OP:
        if (a[4] & 3)
            return EINVAL;
        return wake_op(address, a[4], value, value2, static_cast<uint32_t>(a[5]));
    default:
        return ENOSYS;
    }
}

} // namespace linux
