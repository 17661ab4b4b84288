// Running lwIP inside the kernel (NO_SYS: no threads). lwIP does nothing on its own: packets
// looped back to the guest's own addresses wait on the loopback interface until something
// polls it, and lwIP's timers (TCP's 250 ms timer, ARP, reassembly, ...) run only when
// sys_check_timeouts() is called. run_stack() does both, and is called
// * after every socket operation that may have queued packets or opened a window (so a send
//   on loopback is delivered, acknowledged and reported to the receiver before send returns),
// * when a frame arrives on an Ethernet interface,
// * from a kernel timer (sched::Timer) armed for lwIP's next timeout, so the stack keeps time
//   while every task sleeps: the scheduler fires due timers at the end of each trap and while
//   idle, and arms the platform timer only for the next deadline (tickless).
// The kernel is single-CPU and never preempted inside, so nothing else runs in lwIP meanwhile.
#pragma once

struct netif;

namespace net::inet {

// Starts lwIP (loopback 127.0.0.1 and ::1) the first time; then does nothing.
void start_stack();
// Delivers looped-back packets, runs lwIP's due timers and re-arms the kernel timer. Does
// nothing when called from inside lwIP (a callback), which must never re-enter it.
void run_stack();

} // namespace net::inet
