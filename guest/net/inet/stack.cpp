// lwIP's start, its polling of the loopback interface and its timers (see stack.h).
#include "stack.h"

#include <sched/scheduler.h>

#include <lwip/init.h>
#include <lwip/netif.h>
#include <lwip/timeouts.h>

namespace net::inet {

namespace {

bool g_started;
bool g_running;
sched::Timer g_timer;

// Arms the kernel timer for lwIP's next timeout (ms on sys_now's clock), 1 ms late rather than
// early so that the timeout is due when it fires.
void arm_for_next_timeout()
{
    u32_t sleep = sys_timeouts_sleeptime();
    if (sleep == SYS_TIMEOUTS_SLEEPTIME_INFINITE) {
        sched::disarm(g_timer);
        return;
    }
    int64_t now_ms = sched::now() / 1'000'000;
    int64_t deadline = (now_ms + sleep + 1) * 1'000'000;
    if (g_timer.armed && g_timer.deadline == deadline)
        return;
    sched::arm(g_timer, deadline);
}

void timer_fired(sched::Timer&) { run_stack(); }

bool packets_pending()
{
    struct netif* interface;
    NETIF_FOREACH(interface)
    {
        if (interface->loop_first)
            return true;
    }
    return false;
}

} // namespace

void start_stack()
{
    if (g_started)
        return;
    g_started = true;
    lwip_init(); // loopback (lo: 127.0.0.1/8, ::1), without checksums since LWIP_CHECKSUM_CTRL_PER_NETIF
    g_timer.fire = timer_fired;
    arm_for_next_timeout();
}

void run_stack()
{
    if (!g_started || g_running)
        return;
    g_running = true;
    // Delivering a packet makes answers (ACKs, data); netif_poll delivers those too, but a
    // timer may queue more.
    do {
        netif_poll_all();
        sys_check_timeouts();
    } while (packets_pending());
    g_running = false;
    arm_for_next_timeout();
}

} // namespace net::inet
