// The fake platform of host unit tests (test_platform.cpp).
#pragma once

#include <cstdint>

namespace fake_platform {
extern int64_t now;   // CLOCK_MONOTONIC and CLOCK_REALTIME, ns
extern int64_t slept; // total ns the scheduler slept (idle)
extern int64_t armed; // the timer's deadline (INT64_MAX: off)
extern uint64_t fs_base;
extern uint64_t gs_base;
} // namespace fake_platform
