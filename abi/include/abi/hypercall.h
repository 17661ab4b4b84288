// The hypercall ABI between the guest kernel and the monitor: numbers, request structs, boot info.
// Namespace `uabi` (unikit ABI): `abi` itself is taken by <cxxabi.h>.
// Freestanding and shared by both sides; every layout is pinned by static_assert. Bump
// UNIKIT_ABI_VERSION on any change.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uabi {

inline constexpr uint32_t UNIKIT_ABI_VERSION = 2;

// Guest-physical address: an offset into guest RAM. Never dereferenced directly by the
// monitor; host/guest_memory.h is the one checked translator.
using Gpa = uint64_t;

enum class Hypercall : uint64_t {
    Console = 1,   // write bytes to the monitor's stdout/stderr, or read stdin
    Exit = 2,      // the program ended; the monitor tears the VM down
    Panic = 3,     // the guest kernel crashed; registers attached
    FileOpen = 4,  // open a path under ROOTFS, read-only, confined
    FileRead = 5,  // pread from an open host file into guest RAM
    FileStat = 6,  // fstat an open host file
    FileClose = 7,
    Random = 8,    // fill a guest buffer with host randomness
    BootPhase = 9, // timestamp a boot phase (only with --stats)
    FileReadDirectory = 10, // linux_dirent64 records of an open host directory
    Count
};

// Transport for the process platform: the guest writes one HypercallMessage to its channel
// and reads one int64_t result back. Under KVM the same numbers become `out` ports.
struct HypercallMessage {
    uint64_t number; // Hypercall
    Gpa request;     // guest-physical address of the request struct
};
static_assert(sizeof(HypercallMessage) == 16);

struct ConsoleRequest {
    // IN
    uint32_t fd;     // 0 = read stdin, 1 = stdout, 2 = stderr
    uint32_t pad;
    Gpa buffer;
    uint64_t length;
    // Result (the hypercall's return value): bytes moved, or -errno.
};
static_assert(sizeof(ConsoleRequest) == 24 && offsetof(ConsoleRequest, buffer) == 8);

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

struct FileOpenRequest {
    // IN: a NUL-terminated absolute guest path, resolved beneath ROOTFS
    Gpa path;
    uint64_t path_length; // bytes available at path, including the NUL
    // Result: a host file handle >= 0, or -errno
};
static_assert(sizeof(FileOpenRequest) == 16);

struct FileReadRequest {
    // IN
    int64_t handle;
    Gpa buffer;
    uint64_t length;
    uint64_t offset;
    // Result: bytes read, or -errno
};
static_assert(sizeof(FileReadRequest) == 32);

// A subset of struct stat that the guest rebuilds Linux's layouts from.
// FileReadDirectory takes a FileReadRequest: `offset` is the position to continue from (0, or
// the d_off of the last record seen); the result is the bytes of whole linux_dirent64 records
// written to `buffer`, 0 at the end, or -errno.

struct FileStatRequest {
    // IN
    int64_t handle;
    // OUT
    uint64_t dev, ino, nlink;
    uint32_t mode, uid, gid, pad;
    uint64_t rdev;
    int64_t size, blksize, blocks;
    int64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};
static_assert(sizeof(FileStatRequest) == 8 + 24 + 16 + 8 + 24 + 48);

struct FileCloseRequest {
    int64_t handle;
};

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

} // namespace uabi
