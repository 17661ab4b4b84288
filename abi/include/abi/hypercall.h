// The hypercall ABI between the guest kernel and the monitor: numbers, request structs, boot info.
// Namespace `uabi` (unikit ABI): `abi` itself is taken by <cxxabi.h>.
// Freestanding and shared by both sides; every layout is pinned by static_assert. Bump
// UNIKIT_ABI_VERSION on any change.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uabi {

inline constexpr uint32_t UNIKIT_ABI_VERSION = 7;

// Guest-physical address: an offset into guest RAM. Never dereferenced directly by the
// monitor; host/guest_memory.h is the one checked translator.
using Gpa = uint64_t;

enum class Hypercall : uint64_t {
    Console = 1,   // write bytes to the monitor's stdout/stderr, or read stdin
    Exit = 2,      // the program ended; the monitor tears the VM down
    Panic = 3,     // the guest kernel crashed; registers attached
    // 4-7 and 10 were path-based ROOTFS reads before hostfs (ABI 3); retired in ABI 4.
    Random = 8,    // fill a guest buffer with host randomness
    BootPhase = 9, // timestamp a boot phase (only with --stats)
    // hostfs: host directories (ROOTFS and -v volumes) by handle; see "hostfs" below.
    HostRoot = 11,          // handle of a mount's root directory
    HostLookup = 12,        // child of a directory handle, never following a symlink
    HostGetAttributes = 13,
    HostReadLink = 14,
    HostRead = 15,
    HostReadDirectory = 16,
    HostRelease = 17,
    HostCreate = 18,        // read-write mounts only, from here on
    HostWrite = 19,
    HostTruncate = 20,
    HostMakeDirectory = 21,
    HostMakeSymlink = 22,
    HostLink = 23,
    HostUnlink = 24,
    HostRemoveDirectory = 25,
    HostRename = 26,
    HostSetAttributes = 27,
    Wait = 28, // nothing to run: sleep until an event source is ready or a deadline (HLT)
    // The packet device (abi/net_device.h): rings in guest RAM; these only notify.
    NetNotify = 29, // one way: the guest writes the message and does not wait for an answer
    NetSync = 30,
    Count
};

// Transport for the process platform: the guest writes one HypercallMessage to its channel
// and reads one int64_t result back (none for NetNotify). Under KVM the same numbers become `out` ports.
struct HypercallMessage {
    uint64_t number; // Hypercall
    Gpa request;     // guest-physical address of the request struct
};
static_assert(sizeof(HypercallMessage) == 16);

inline constexpr uint32_t CONSOLE_NONBLOCKING = 1; // a read with no input ready gives -EAGAIN

struct ConsoleRequest {
    // IN
    uint32_t fd;     // 0 = read stdin, 1 = stdout, 2 = stderr
    uint32_t flags;  // CONSOLE_NONBLOCKING
    Gpa buffer;
    uint64_t length;
    // Result (the hypercall's return value): bytes moved, or -errno.
};
static_assert(sizeof(ConsoleRequest) == 24 && offsetof(ConsoleRequest, buffer) == 8);

// Wait: the guest has nothing to run. The monitor returns when one of the watched event
// sources is ready, or at the deadline (CLOCK_MONOTONIC ns; INT64_MAX = none; 0 = just look).
inline constexpr uint32_t EVENT_STDIN = 1; // stdin has input (or end of file)
inline constexpr uint32_t EVENT_NET = 2;   // the packet device holds frames for the guest

struct WaitRequest {
    // IN
    int64_t deadline;
    uint32_t watch; // EVENT_*
    // OUT
    uint32_t ready; // EVENT_*
};
static_assert(sizeof(WaitRequest) == 16 && offsetof(WaitRequest, ready) == 12);

enum class ExitKind : uint32_t {
    Exited = 0,        // status = exit code
    Signaled = 1,      // status = signal number; fault_* describe a fault
    NotFound = 2,      // PROGRAM not found in the guest: exit 127
    NotExecutable = 3, // PROGRAM exists but cannot run: exit 126
    OutOfMemory = 4,   // guest memory exhausted
    KernelFailed = 5,  // the guest kernel could not start on this host: exit 125
};

inline constexpr size_t EXIT_MESSAGE_MAX = 200;

struct ExitRequest {
    // IN
    uint32_t kind;   // ExitKind
    int32_t status;
    uint64_t fault_address;
    uint64_t fault_rip;
    uint64_t syscall_traps; // program syscalls the kernel handled (ring-0 entries under KVM)
    char message[EXIT_MESSAGE_MAX]; // NUL-terminated detail for NotFound/NotExecutable
};
static_assert(sizeof(ExitRequest) == 232 && offsetof(ExitRequest, message) == 32);

// General registers in the order Linux's ucontext keeps them (REG_R8 ... REG_CR2).
struct Registers {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
    uint64_t cs_gs_fs, err, trapno, oldmask, cr2;
};
static_assert(sizeof(Registers) == 23 * 8);

struct PanicRequest {
    // IN
    uint32_t signal;
    uint32_t pad;
    Registers registers;
    char message[128];
};
static_assert(sizeof(PanicRequest) == 8 + 184 + 128);

inline constexpr size_t PATH_MAX_BYTES = 4096;

struct RandomRequest {
    Gpa buffer;
    uint64_t length;
};
static_assert(sizeof(RandomRequest) == 16);

enum class BootPhase : uint32_t { KernelReady = 0, ProgramLoaded = 1 };

struct BootPhaseRequest {
    uint32_t phase;
    uint32_t pad;
};

// --- hostfs ---------------------------------------------------------------------------------
// A handle (>= 0) names one file, directory or symlink of one mount (see boot_info.h's
// MountTable): the monitor holds an O_PATH descriptor for it, and opens it for I/O on first
// use. Handles come from HostRoot, HostLookup, HostCreate, HostMakeDirectory and
// HostMakeSymlink, and live until HostRelease. Nothing reached through a handle lies outside
// its mount's host directory: names are single components, and the monitor never follows a
// symlink (the guest resolves them itself). Every call that modifies anything answers
// -EROFS on a read-only mount (ROOTFS always is). Results are 0 (or a byte count) or -errno.

// Names are single components, NUL-terminated inside the array: 1..255 bytes, no '/', not
// "." or "..". Anything else is -EINVAL (or -ENAMETOOLONG without a NUL in the array).
inline constexpr size_t HOST_NAME_BYTES = 256;

// What the monitor reports about a file: the fields of struct stat the guest uses.
struct HostAttributes {
    uint64_t dev, ino, nlink;
    uint32_t mode, uid, gid, pad;
    uint64_t rdev;
    int64_t size, blksize, blocks;
    int64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};
static_assert(sizeof(HostAttributes) == 120 && offsetof(HostAttributes, rdev) == 40 && offsetof(HostAttributes, atime_sec) == 72);

struct HostRootRequest {
    // IN
    uint32_t mount; // index into the mount table
    uint32_t pad;
    // OUT
    int64_t handle;
    HostAttributes attributes;
};
static_assert(sizeof(HostRootRequest) == 136 && offsetof(HostRootRequest, attributes) == 16);

struct HostLookupRequest {
    // IN
    int64_t directory;
    char name[HOST_NAME_BYTES];
    // OUT: a new handle for the child (a symlink is returned as itself)
    int64_t handle;
    HostAttributes attributes;
};
static_assert(sizeof(HostLookupRequest) == 392 && offsetof(HostLookupRequest, handle) == 264);

// HostGetAttributes; also the answer's shape for HostTruncate's and HostSetAttributes'.
struct HostGetAttributesRequest {
    // IN
    int64_t handle;
    // OUT
    HostAttributes attributes;
};
static_assert(sizeof(HostGetAttributesRequest) == 128);

struct HostReadLinkRequest {
    // IN: the target (no NUL) goes to [buffer, buffer + length)
    int64_t handle;
    Gpa buffer;
    uint64_t length;
    // Result: the target's full length (only `length` bytes of it are copied), or -errno
    // (-EINVAL when the handle is not a symlink).
};
static_assert(sizeof(HostReadLinkRequest) == 24);

// HostRead, HostWrite and HostReadDirectory.
struct HostIoRequest {
    // IN
    int64_t handle;
    Gpa buffer;
    uint64_t length;
    uint64_t offset; // HostReadDirectory: 0 or the d_off of the last record seen
    // Result: bytes moved; HostReadDirectory: bytes of whole linux_dirent64 records, 0 at the
    // end. -EISDIR/-EINVAL for reads and writes of anything but a regular file.
};
static_assert(sizeof(HostIoRequest) == 32);

struct HostReleaseRequest {
    int64_t handle;
};
static_assert(sizeof(HostReleaseRequest) == 8);

enum HostCreateFlags : uint32_t {
    HostCreateExclusive = 1u << 0, // -EEXIST if the name exists (O_EXCL)
};

// HostCreate (a regular file; an existing one is returned as is unless exclusive; an existing
// non-regular file gives -EEXIST, a directory -EISDIR) and HostMakeDirectory (flags unused).
// Permission bits beyond 01777 (setuid, setgid) are dropped on the host.
struct HostCreateRequest {
    // IN
    int64_t directory;
    uint32_t mode;  // permission bits
    uint32_t flags; // HostCreateFlags
    char name[HOST_NAME_BYTES];
    // OUT
    int64_t handle;
    HostAttributes attributes;
};
static_assert(sizeof(HostCreateRequest) == 400 && offsetof(HostCreateRequest, handle) == 272);

struct HostMakeSymlinkRequest {
    // IN
    int64_t directory;
    Gpa target;            // NUL-terminated, 1..PATH_MAX_BYTES - 1 bytes
    uint64_t target_length; // bytes available at target, including the NUL
    char name[HOST_NAME_BYTES];
    // OUT
    int64_t handle;
    HostAttributes attributes;
};
static_assert(sizeof(HostMakeSymlinkRequest) == 408 && offsetof(HostMakeSymlinkRequest, handle) == 280);

struct HostLinkRequest {
    // IN: a new name in `directory` for `target` (same mount, not a directory)
    int64_t directory;
    int64_t target;
    char name[HOST_NAME_BYTES];
    // OUT: the target's attributes after linking
    HostAttributes attributes;
};
static_assert(sizeof(HostLinkRequest) == 392 && offsetof(HostLinkRequest, attributes) == 272);

// HostUnlink (not a directory: -EISDIR) and HostRemoveDirectory (empty directories only).
struct HostNameRequest {
    int64_t directory;
    char name[HOST_NAME_BYTES];
};
static_assert(sizeof(HostNameRequest) == 264);

enum HostRenameFlags : uint32_t {
    HostRenameNoReplace = 1u << 0, // RENAME_NOREPLACE
    HostRenameExchange = 1u << 1,  // RENAME_EXCHANGE
};

struct HostRenameRequest {
    // IN: both directories on the same mount (-EXDEV otherwise)
    int64_t directory;
    int64_t new_directory;
    uint32_t flags; // HostRenameFlags
    uint32_t pad;
    char name[HOST_NAME_BYTES];
    char new_name[HOST_NAME_BYTES];
};
static_assert(sizeof(HostRenameRequest) == 536 && offsetof(HostRenameRequest, new_name) == 280);

struct HostTruncateRequest {
    // IN
    int64_t handle;
    uint64_t size;
    // OUT
    HostAttributes attributes;
};
static_assert(sizeof(HostTruncateRequest) == 136);

enum HostSetAttributeFlags : uint32_t {
    HostSetMode = 1u << 0,
    HostSetOwner = 1u << 1,      // accepted, not applied: the host files keep their owner
    HostSetAccessTime = 1u << 2, // nsec may be UTIME_NOW
    HostSetModifyTime = 1u << 3,
};

struct HostSetAttributesRequest {
    // IN
    int64_t handle;
    uint32_t which; // HostSetAttributeFlags
    uint32_t mode;  // permission bits (setuid and setgid are dropped)
    uint32_t uid, gid;
    int64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
    // OUT
    HostAttributes attributes;
};
static_assert(sizeof(HostSetAttributesRequest) == 56 + 120 && offsetof(HostSetAttributesRequest, attributes) == 56);

} // namespace uabi
