// The guest's side of the hypercall ABI: request structs are staged in the hypercall page in
// guest RAM and their guest-physical address is handed to the monitor.
#pragma once

#include <abi/boot_info.h>
#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace hv {

// The kernel's view of a guest-physical address.
uint8_t* physical(uabi::Gpa);

// Sends `request` and copies the monitor's answer back into it. Returns the raw result.
template<typename Request>
int64_t call(uabi::Hypercall number, Request& request);

int64_t call_raw(uabi::Hypercall number, const void* request, size_t size, void* answer);

template<typename Request>
int64_t call(uabi::Hypercall number, Request& request)
{
    static_assert(sizeof(Request) <= 4096);
    return call_raw(number, &request, sizeof(Request), &request);
}

// Turns a raw hypercall result into a value or an errno.
lib::ErrorOr<int64_t> result_of(int64_t raw);

// Console output through the bounce buffer; returns bytes written or an errno.
lib::ErrorOr<int64_t> console_write(int fd, const void* data, size_t length);
// A read of stdin; nonblocking: EAGAIN when no input is ready (the caller waits for
// uabi::EVENT_STDIN instead of blocking the whole VM in the monitor).
lib::ErrorOr<int64_t> console_read(void* data, size_t length, bool nonblocking);

// Idle: returns when one of the `watch` event sources (uabi::EVENT_*) is ready or at the
// CLOCK_MONOTONIC `deadline` (INT64_MAX: none; 0: just look); the ready ones.
uint32_t wait(int64_t deadline, uint32_t watch);

// Host event sources the idle kernel waits for in the monitor (stdin, the packet device):
// `ready` runs when the Wait hypercall reports `event` (a uabi::EVENT_* bit). watch_event
// replaces an earlier callback for the same event; unwatch_event stops watching it.
using EventReady = void (*)();
void watch_event(uint32_t event, EventReady ready);
void unwatch_event(uint32_t event);
bool watching_event(uint32_t event);
// The scheduler's idle wait (sched::set_idle_wait): a Wait hypercall for the watched events
// until `deadline` (INT64_MAX: none), then their callbacks; without any, a plain sleep.
void idle_wait(int64_t deadline);

[[noreturn]] void exit(uabi::ExitRequest& request);

const uabi::BootInfo& boot_info();

} // namespace hv
