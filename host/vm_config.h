// VmConfig: everything the CLI decided about one run, handed to a guest platform.
#pragma once

#include <abi/boot_info.h>
#include <stdint.h>
#include <string>
#include <time.h>
#include <vector>

namespace host {

struct VmConfig {
    std::string rootfs;                 // host directory the guest sees as /
    std::vector<std::string> argv;      // argv[0] is PROGRAM as the user typed it
    std::vector<std::string> envp;      // the guest's complete environment, NAME=VALUE
    uint64_t memory_bytes = 512ull << 20;
    bool trace = false;                 // --trace
    bool stats = false;                 // --stats
    uabi::LogLevel log_level = uabi::LogLevel::Error;
    std::string kernel_path;            // empty: $UNIKIT_KERNEL, else next to the unikit binary
    timespec monitor_start {};          // CLOCK_MONOTONIC when the monitor started, for --stats
};

} // namespace host
