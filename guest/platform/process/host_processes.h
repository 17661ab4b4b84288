// Host processes of the process platform (see platform.h, "Hosts"): what each host keeps to
// itself, and the start-up steps that make the kernel's data shared between hosts.
#pragma once

#include <kernel/traps.h>
#include <sched/scheduler.h>
#include <stdint.h>

namespace platform::process {

// Each host's private page: its identity, its trap stack and its timer. It sits at the same
// address in every host, mapped privately, so a pointer to it means "this host's".
struct HostLocal {
    int index;                  // slot in the shared host table
    int timer_id;               // this host process's preemption timer
    bool retiring;              // exits at its next hand_over
    void* trap_context;         // the host signal frame of the trap in progress (a UContext)
    alignas(16) char signal_stack[256 * 1024];
};

HostLocal& local();

// Start-up, in the first host: maps the private page and makes the kernel's writable data a
// shared mapping, so that every host forked from this one sees the same kernel.
bool set_up_first_host();
// In a host made by fork_host, before it runs anything else: what fork does not inherit.
bool set_up_new_host();
// From platform_process.cpp: the pieces of a trap's host signal frame, and the per-host
// start-up steps that fork does not inherit.
kernel::TrapFrame& trap_frame_of(void* context);
sched::ExtendedState extended_state_of(void* context);
bool create_host_timer();
bool enable_syscall_dispatch();

// The platform's trap handler calls this at each trap from program code.
inline void record_trap(void* context) { local().trap_context = context; }

} // namespace platform::process
