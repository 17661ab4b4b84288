// VmConfig: everything the CLI decided about one run, handed to a guest platform.
#pragma once

#include <abi/boot_info.h>
#include <abi/net_device.h>
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

// A -p [HOST_IP:]HOST_PORT:GUEST_PORT[/tcp|/udp] published port.
struct PortForward {
    std::string spec;     // as the user wrote it, for messages
    bool udp = false;
    uint32_t host_address = 0; // IPv4, network byte order; 0 = every address
    uint16_t host_port = 0;
    uint16_t guest_port = 0;
    bool operator==(const PortForward&) const = default;
};

// --net: the guest's network (see abi/net_device.h).
struct NetworkConfig {
    uabi::NetMode mode = uabi::NetMode::Slirp;
    std::string tap_name;        // --net tap:NAME
    uint32_t address = 0;        // IPv4, network byte order
    uint8_t prefix_length = 0;
    uint32_t gateway = 0;
    uint32_t dns = 0;
    std::vector<PortForward> ports; // -p, slirp only
    bool operator==(const NetworkConfig&) const = default;
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
    NetworkConfig network;              // --net, -p
    bool seccomp = true;                // the monitor's allow-list (--no-seccomp turns it off)
    std::string kernel_path;            // empty: $UNIKIT_KERNEL, else next to the unikit binary
    timespec monitor_start {};          // CLOCK_MONOTONIC when the monitor started, for --stats
};

} // namespace host
