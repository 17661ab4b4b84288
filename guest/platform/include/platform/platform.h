// What the guest kernel needs from the machine it runs on. One implementation per platform:
// platform/process/ (a sandboxed host process, program syscalls trapped with Syscall User
// Dispatch) today; a KVM one (ring-0 core, page tables, `out` hypercalls) next.
#pragma once

#include <abi/hypercall.h>
#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace platform {

enum Protection : int { ProtNone = 0, ProtRead = 1, ProtWrite = 2, ProtExec = 4 };

// Maps guest-physical [pa, pa+length) at virtual [va, va+length); replaces what was there.
lib::ErrorOr<void> map(uint64_t va, uint64_t pa, uint64_t length, int protection);
lib::ErrorOr<void> unmap(uint64_t va, uint64_t length);
lib::ErrorOr<void> protect(uint64_t va, uint64_t length, int protection);
// Maps the pages of [va, va+length) now rather than on first touch: one call instead of a
// fault a page (a fault costs ~10 us on our hosts). Only a hint; errors are ignored.
void prefault(uint64_t va, uint64_t length, bool for_writing);
// Frames whose contents are no longer needed: they read as zero afterwards and the host may
// reclaim their memory.
void release_frames(uint64_t pa, uint64_t length);
// Guest RAM is mapped whole at kernel::PHYSICAL_MAP_BASE.
uint64_t ram_size();

int64_t hypercall(uabi::Hypercall number, uabi::Gpa request);
// A hypercall the monitor does not answer (uabi::Hypercall::NetNotify): returns at once.
void notify(uabi::Hypercall number);

// Nanoseconds on the host's CLOCK_REALTIME (0) or CLOCK_MONOTONIC (1) clocks.
int64_t clock_ns(int clock);
// The resolution of the host's CLOCK_REALTIME_COARSE (its tick), ns.
int64_t coarse_clock_resolution_ns();
void sleep_ns(int64_t nanoseconds);
// The timer interrupt: once, at `deadline` on CLOCK_MONOTONIC (INT64_MAX: never), the platform
// calls sched::timer_interrupt and leaves the trap through sched::leave_trap.
void arm_timer(int64_t deadline);
void set_fs_base(uint64_t base);
void set_gs_base(uint64_t base);

// CPU facts for the program's auxiliary vector.
uint64_t hwcap2();
uint64_t minimum_signal_stack_size();

// Hosts. One CPU runs the guest, but each address space may need a machine context of its own:
// on the process platform, each is a host process (a guest process's mappings live in its host
// process's page tables; the kernel's data is shared by all of them). Exactly one host runs at
// a time — the one holding the CPU — so the kernel stays single-threaded. Under KVM there
// is one host and these are trivial.
inline constexpr int MAX_HOSTS = 1024;
int current_host();
// Gives the CPU to `host` and sleeps until some host hands it back; then returns (the
// scheduler's current task is one of this host's). A retired host exits instead.
void hand_over(int host);
// A new host, a copy of this one (same mappings, so it suits an address-space copy-on-write
// copy, or a fresh image once the copy's mappings are dropped). One side keeps the CPU and
// returns; the other sleeps until it is handed the CPU and then resumes the scheduler's current
// task straight from its trap (see resume_trap). EAGAIN when no host slot or host process is
// left.
struct HostFork {
    int new_host;
    bool in_new_host; // which side this is
};
lib::ErrorOr<HostFork> fork_host(bool new_host_continues);
// The current host's address space is gone: it exits at its next hand_over.
void retire_current_host();
// A host other than the current one that no task will ever run on again: it exits.
void end_host(int host);
// Drops every user mapping of the current host (execve into a fresh image).
void unmap_user_range();

// Starts the program (the current task): jumps to `entry` with `stack` as its stack pointer. Never returns.
[[noreturn]] void enter_program(uint64_t entry, uint64_t stack);
[[noreturn]] void halt();

} // namespace platform
