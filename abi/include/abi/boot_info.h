// The one struct the monitor hands the guest kernel at boot, at a fixed guest-physical address.
#pragma once

#include <abi/hypercall.h>
#include <abi/net_device.h>

namespace uabi {

inline constexpr Gpa BOOT_INFO_GPA = 0x1000;
inline constexpr Gpa HYPERCALL_PAGE_GPA = 0x2000; // request structs live here
inline constexpr Gpa MOUNTS_GPA = 0x4000;         // the MountTable
inline constexpr Gpa BOUNCE_BUFFER_GPA = 0x10000; // data staged for hypercalls
inline constexpr uint64_t BOUNCE_BUFFER_SIZE = 0x10000;
inline constexpr Gpa ARGS_GPA = 0x20000;         // argv and envp strings
inline constexpr uint64_t ARGS_MAX = 0x10000;
// NET_TX_RING_GPA and NET_RX_RING_GPA (abi/net_device.h): the packet device's rings.
inline constexpr Gpa FIRST_FREE_GPA = 0x220000;  // the frame allocator owns RAM from here up
static_assert(NET_TX_RING_GPA >= ARGS_GPA + ARGS_MAX && NET_TX_RING_GPA + NET_RING_SIZE <= NET_RX_RING_GPA
    && NET_RX_RING_GPA + NET_RING_SIZE <= FIRST_FREE_GPA);
inline constexpr uint32_t BOOT_MAGIC = 0x756e696b; // "unik"

enum BootFlags : uint32_t {
    BootTrace = 1u << 0,      // --trace: one line per syscall on stderr
    BootStats = 1u << 1,      // --stats: report boot phases
    BootStdinTty = 1u << 2,
    BootStdoutTty = 1u << 3,
    BootStderrTty = 1u << 4,
};

enum class LogLevel : uint32_t { Error = 0, Warn = 1, Info = 2, Debug = 3 };

struct BootInfo {
    uint32_t magic;
    uint32_t abi_version;
    uint64_t ram_size;        // bytes of guest RAM
    uint32_t flags;           // BootFlags
    uint32_t log_level;       // LogLevel
    int64_t wall_clock_sec;   // CLOCK_REALTIME at boot
    int64_t wall_clock_nsec;
    uint64_t tsc_khz;         // 0 when unknown
    uint8_t random_seed[32];  // AT_RANDOM and the kernel's PRNG
    // argv then envp, each a sequence of NUL-terminated strings, at args_gpa (= ARGS_GPA).
    // argv[0] is PROGRAM as the user typed it; the guest resolves it with PATH.
    uint32_t argc;
    uint32_t envc;
    Gpa args_gpa;
    uint64_t args_length;
    char kernel_release[64]; // uname -r inside the guest: the host's release, as in a container
    NetConfig net;           // the packet device and the guest's address (mode None: no network)
    uint32_t pad;
};
static_assert(sizeof(BootInfo) == 200 && offsetof(BootInfo, args_gpa) == 88 && offsetof(BootInfo, net) == 168);

// The host directories the guest may mount through hostfs (HostRoot's `mount` index), at
// MOUNTS_GPA. Entry 0 is ROOTFS at "/" (always read-only); then the -v volumes in command-line
// order.
inline constexpr uint32_t MOUNTS_MAX = 32;
inline constexpr size_t MOUNT_PATH_BYTES = 256;

enum MountFlags : uint32_t {
    MountReadOnly = 1u << 0,
};

struct MountEntry {
    char guest_path[MOUNT_PATH_BYTES]; // absolute, NUL-terminated
    uint32_t flags;                    // MountFlags
    uint32_t pad;
};
static_assert(sizeof(MountEntry) == 264);

struct MountTable {
    uint32_t count;
    uint32_t pad;
    MountEntry entries[MOUNTS_MAX];
};
static_assert(sizeof(MountTable) == 8 + 32 * 264);
static_assert(MOUNTS_GPA >= HYPERCALL_PAGE_GPA + 0x1000 && MOUNTS_GPA + sizeof(MountTable) <= BOUNCE_BUFFER_GPA);

} // namespace uabi
