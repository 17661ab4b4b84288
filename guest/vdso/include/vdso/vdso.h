// The kernel's side of the vDSO: the program-visible CLOCK_MONOTONIC and CLOCK_REALTIME
// (from the TSC, calibrated against the host's clocks, when the TSC is invariant), the
// TimeData page that publishes them, and mapping the vDSO into a program.
#pragma once

#include <lib/error_or.h>
#include <mm/address_space.h>
#include <stdint.h>

namespace vdso {

// At boot, before anything reads the clocks: checks the TSC and takes the first sample.
void start_clock();
// The clocks as programs see them, ns. The syscalls and the vDSO agree exactly.
int64_t monotonic_ns();
int64_t realtime_ns();
// Whether the vDSO reads the TSC itself (false: it makes the syscall).
bool tsc_clock_usable();

// Maps the TimeData page (read-only) and the vDSO (read+exec) just after it into `space`.
// Returns the vDSO's address, for AT_SYSINFO_EHDR.
lib::ErrorOr<uint64_t> map_into(mm::AddressSpace&);
// Where the last map_into put them (0 if it has not run): for /proc/PID/maps.
uint64_t vvar_address();
uint64_t vdso_address();

} // namespace vdso
