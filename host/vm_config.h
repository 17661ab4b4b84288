// VmConfig: everything the CLI decided about one run, handed to a guest platform.
#pragma once

#include <abi/boot_info.h>
#include <stdint.h>
#include <string>
#include <time.h>
#include <vector>

namespace host {

// A -v HOST:GUEST[:ro|:rw] volume: a host directory the guest mounts through hostfs.
struct VolumeConfig {
    std::string host_path;  // an existing directory
    std::string guest_path; // absolute, not "/"
    bool read_only = false;
};

struct VmConfig {
    std::string rootfs;                 // host directory the guest sees as /
    std::vector<VolumeConfig> volumes;  // -v, in command-line order
    std::vector<std::string> argv;      // argv[0] is PROGRAM as the user typed it
    std::vector<std::string> envp;      // the guest's complete environment, NAME=VALUE
    uint64_t memory_bytes = 512ull << 20;
    bool trace = false;                 // --trace
    bool stats = false;                 // --stats
    uabi::LogLevel log_level = uabi::LogLevel::Error;
    uint64_t timeout_ns = 0;            // --timeout: wall-clock limit of the run; 0 = none
    bool seccomp = true;                // the monitor's allow-list (--no-seccomp turns it off)
    std::string kernel_path;            // empty: $UNIKIT_KERNEL, else next to the unikit binary
    timespec monitor_start {};          // CLOCK_MONOTONIC when the monitor started, for --stats
};

} // namespace host
