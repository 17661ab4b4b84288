// The scheduler (guest/sched) with a fake platform: switches swap registers, extended state
// and FS base; blocked tasks finish with the waker's value, their timeout, or a restart;
// timers fire in deadline order; a task that used its time slice is preempted.
#include "test_platform.h"

#include <cstring>
#include <gtest/gtest.h>
#include <lib/allocator.h>
#include <sched/scheduler.h>

namespace {

using sched::Task;

constexpr int64_t SLICE = 10'000'000;

// The task that is current between tests; every test leaves it current and alone.
Task& main_task()
{
    static Task task;
    static bool started = false;
    if (!started) {
        sched::start_first(task);
        started = true;
    }
    return task;
}

struct Scheduler : testing::Test {
    kernel::TrapFrame live {};
    void SetUp() override
    {
        main_task();
        ASSERT_EQ(&sched::current(), &main_task());
        ASSERT_EQ(sched::live_task_count(), 1u);
        live = {};
        live.rip = 0x1000;
    }
    // Ends the current task (not main) and returns to whichever task runs next.
    void exit_current()
    {
        sched::exit_current();
        sched::leave_trap(live, {});
    }
};

TEST_F(Scheduler, YieldSwitchesRegistersAndFsBase)
{
    Task other;
    other.frame.rip = 0x2000;
    other.frame.rax = 7;
    other.fs_base = 0xabc000;
    sched::start(other);
    sched::yield();
    sched::leave_trap(live, {});
    EXPECT_EQ(&sched::current(), &other);
    EXPECT_EQ(live.rip, 0x2000u);
    EXPECT_EQ(live.rax, 7u);
    EXPECT_EQ(fake_platform::fs_base, 0xabc000u);
    exit_current();
    EXPECT_EQ(&sched::current(), &main_task());
    EXPECT_EQ(live.rip, 0x1000u);
}

TEST_F(Scheduler, NoSwitchWithoutAReason)
{
    Task other;
    sched::start(other);
    sched::leave_trap(live, {}); // no yield, no timer: the current task keeps the CPU
    EXPECT_EQ(&sched::current(), &main_task());
    sched::yield();
    sched::leave_trap(live, {});
    EXPECT_EQ(&sched::current(), &other);
    exit_current();
}

TEST_F(Scheduler, ExtendedStateFollowsTheTask)
{
    uint8_t image[64];
    std::memset(image, 'M', sizeof(image));
    Task other;
    other.extended = { static_cast<uint8_t*>(lib::allocate(sizeof(image))), sizeof(image) };
    std::memset(other.extended.data, 'O', sizeof(image));
    sched::start(other);
    sched::yield();
    sched::leave_trap(live, { image, sizeof(image) });
    EXPECT_EQ(image[0], 'O');
    EXPECT_EQ(image[63], 'O');
    sched::exit_current();
    sched::leave_trap(live, { image, sizeof(image) });
    EXPECT_EQ(image[0], 'M');
    EXPECT_EQ(image[63], 'M');
}

TEST_F(Scheduler, BlockedTaskFinishesWithTheWakersValue)
{
    sched::WaitQueue queue;
    Task other;
    sched::start(other);
    EXPECT_EQ(sched::block_current(&queue, sched::NO_DEADLINE, 0, false).code, sched::BLOCKED.code);
    sched::leave_trap(live, {});
    ASSERT_EQ(&sched::current(), &other);
    EXPECT_TRUE(sched::is_blocked(main_task()));
    EXPECT_EQ(queue.wake(1, 42), 1u);
    EXPECT_TRUE(queue.empty());
    exit_current();
    EXPECT_EQ(&sched::current(), &main_task());
    EXPECT_EQ(live.rax, 42u);
    EXPECT_EQ(live.rip, 0x1000u);
}

TEST_F(Scheduler, TimeoutEndsTheWaitWhenNothingElseRuns)
{
    sched::WaitQueue queue;
    int64_t start = fake_platform::now;
    int64_t slept = fake_platform::slept;
    sched::block_current(&queue, start + 5'000'000, -110, false);
    sched::leave_trap(live, {}); // idles until the deadline
    EXPECT_EQ(&sched::current(), &main_task());
    EXPECT_EQ(static_cast<int64_t>(live.rax), -110);
    EXPECT_EQ(fake_platform::now, start + 5'000'000);
    EXPECT_EQ(fake_platform::slept - slept, 5'000'000);
    EXPECT_TRUE(queue.empty()); // the timeout took it off the queue
}

TEST_F(Scheduler, RestartRunsTheSyscallAgain)
{
    sched::WaitQueue queue;
    Task other;
    sched::start(other);
    live.rax = 0; // the syscall number stays in rax
    sched::block_current(&queue, sched::NO_DEADLINE, 0, true);
    sched::leave_trap(live, {});
    queue.wake_all(99);
    exit_current();
    EXPECT_EQ(live.rip, 0x1000u - 2);
    EXPECT_EQ(live.rax, 0u);
    EXPECT_TRUE(main_task().restarted);
    main_task().restarted = false;
}

TEST_F(Scheduler, WokenInTheSameTrapKeepsRunning)
{
    sched::WaitQueue queue;
    sched::block_current(&queue, sched::NO_DEADLINE, 0, false);
    sched::wake(main_task(), 5);
    sched::leave_trap(live, {});
    EXPECT_EQ(&sched::current(), &main_task());
    EXPECT_EQ(live.rax, 5u);
}

int g_fired[3];
int g_fire_count;

TEST_F(Scheduler, TimersFireInDeadlineOrder)
{
    sched::Timer timers[3];
    int64_t start = fake_platform::now;
    int64_t offsets[3] = { 3'000'000, 1'000'000, 2'000'000 };
    g_fire_count = 0;
    for (int i = 0; i < 3; ++i) {
        timers[i].context = reinterpret_cast<void*>(static_cast<intptr_t>(i));
        timers[i].fire = [](sched::Timer& timer) { g_fired[g_fire_count++] = static_cast<int>(reinterpret_cast<intptr_t>(timer.context)); };
        sched::arm(timers[i], start + offsets[i]);
    }
    sched::disarm(timers[0]);
    sched::arm(timers[0], start + offsets[0]); // re-arming keeps one entry
    sched::block_current(nullptr, start + 4'000'000, 0, false);
    sched::leave_trap(live, {});
    ASSERT_EQ(g_fire_count, 3);
    EXPECT_EQ(g_fired[0], 1);
    EXPECT_EQ(g_fired[1], 2);
    EXPECT_EQ(g_fired[2], 0);
}

TEST_F(Scheduler, SpentTimeSliceIsPreemptedOnlyWhenAnotherTaskWaits)
{
    sched::timer_interrupt();
    fake_platform::armed = sched::NO_DEADLINE; // it went off: one-shot
    fake_platform::now += 2 * SLICE;
    sched::leave_trap(live, {});
    EXPECT_EQ(&sched::current(), &main_task()); // alone: keeps running
    EXPECT_EQ(fake_platform::armed, sched::NO_DEADLINE);

    Task other;
    sched::start(other);
    sched::leave_trap(live, {});
    // Someone is waiting: the timer is armed for the end of the slice.
    EXPECT_NE(fake_platform::armed, sched::NO_DEADLINE);
    fake_platform::now = fake_platform::armed;
    sched::timer_interrupt();
    fake_platform::armed = sched::NO_DEADLINE;
    sched::leave_trap(live, {});
    EXPECT_EQ(&sched::current(), &other);
    exit_current();
}

TEST_F(Scheduler, RequeuedWaitersKeepTheirOrder)
{
    sched::WaitQueue from, to;
    Task first, second, third;
    for (Task* task : { &first, &second, &third })
        sched::start(*task);
    // Main yields to `first`, which blocks; `second` runs and blocks; main runs again.
    sched::yield();
    sched::leave_trap(live, {});
    ASSERT_EQ(&sched::current(), &first);
    sched::block_current(&from, sched::NO_DEADLINE, 0, false);
    sched::leave_trap(live, {});
    ASSERT_EQ(&sched::current(), &second);
    sched::block_current(&from, sched::NO_DEADLINE, 0, false);
    sched::leave_trap(live, {});
    ASSERT_EQ(&sched::current(), &third);
    sched::block_current(&from, sched::NO_DEADLINE, 0, false);
    sched::leave_trap(live, {});
    ASSERT_EQ(&sched::current(), &main_task());
    // from = [first, second, third]: the first two move, in order.
    EXPECT_EQ(from.move_matching(to, 2, [](Task&) { return true; }), 2u);
    EXPECT_EQ(to.wake(1, 1), 1u);
    EXPECT_FALSE(sched::is_blocked(first));
    EXPECT_TRUE(sched::is_blocked(second));
    EXPECT_EQ(to.wake_all(2), 1u);
    EXPECT_EQ(from.wake_all(3), 1u);
    // They run in the order they woke, each with its own waker's value.
    Task* expected[3] = { &first, &second, &third };
    sched::yield();
    sched::leave_trap(live, {});
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(&sched::current(), expected[i]);
        EXPECT_EQ(live.rax, static_cast<uint64_t>(i + 1));
        exit_current();
    }
}

} // namespace
