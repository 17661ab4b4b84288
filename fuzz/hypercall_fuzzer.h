// The hypercall fuzz harness: a monitor without a guest (guest RAM, a VmContext over a scratch
// ROOTFS and volumes) that runs the real handlers on requests and RAM contents libFuzzer makes.
//
// An input is a list of steps, read with FuzzedDataProvider:
//   * poke: copy bytes into guest RAM at an offset (requests, names without NULs, buffers);
//   * poke a word: a 64-bit value (a handle, a gpa, a length) at an 8-byte-aligned offset;
//   * call: one of the target's hypercall numbers on a gpa that is usually a request slot, and
//     sometimes anything at all (the last bytes of RAM, past its end, near 2^64).
// The run ends when a handler stops the VM, as the real exit loop does.
#pragma once

#include "host/guest_memory.h"
#include "host/guest_platform.h"
#include "host/hostfs_handle_table.h"
#include "host/vm_context.h"

#include <abi/hypercall.h>
#include <memory>
#include <span>
#include <stddef.h>
#include <stdint.h>
#include <string>

namespace fuzz {

// Small RAM so that random offsets land on the requests and buffers: the real ABI addresses
// (HYPERCALL_PAGE_GPA, BOUNCE_BUFFER_GPA) fit in it.
inline constexpr uint64_t RAM_SIZE = 0x20000;

class NoPlatform final : public host::GuestPlatform {
public:
    int run() override { return 0; }
    void terminate() override { }
};

// What a target says about itself: its hypercalls, and whether it needs the scratch ROOTFS.
struct TargetSpec {
    std::span<const uabi::Hypercall> hypercalls;
    bool needs_hostfs = false;
    // Called before each dispatch, for the one target whose handler may legitimately sleep (Wait).
    void (*before_call)(const host::GuestMemory&, uabi::Gpa) = nullptr;
};

// The scratch tree: base/root is ROOTFS (read-only), base/volume a read-write volume at /data,
// base/readonly a read-only volume at /ro, base/outside a secret nobody may reach. Symlinks
// inside point at "..", absolute paths and /proc magic links.
class ScratchTree {
public:
    ScratchTree();
    ~ScratchTree();

    const std::string& base() const { return m_base; }
    std::string path(const std::string& relative) const { return m_base + "/" + relative; }

    // A digest of the tree (names, types, modes, owners, link counts, sizes, contents, symlink
    // targets, mtimes, ctimes); without base/volume, it is what no hypercall may change.
    std::string fingerprint(bool with_volume) const;
    // Puts base/volume back as it was created (the guest may write there).
    void reset_volume();
    host::VmConfig config() const;

private:
    std::string m_base;
};

// Once, from LLVMFuzzerInitialize: stdin and stdout to /dev/null, stderr kept for reports.
void initialize();

// Runs one input against spec; aborts (a libFuzzer crash) when a hypercall changed the tree
// outside the writable volume, leaked a descriptor, or a handler answered nonsense.
void run_input(const TargetSpec& spec, const uint8_t* data, size_t size);

} // namespace fuzz

// libFuzzer's two entry points for a hypercall target, whose TargetSpec is built from the
// macro's arguments: UNIKIT_HYPERCALL_FUZZ_TARGET(s_hypercalls, needs_hostfs[, before_call]).
#define UNIKIT_HYPERCALL_FUZZ_TARGET(...)                                        \
    extern "C" int LLVMFuzzerInitialize(int*, char***)                           \
    {                                                                            \
        fuzz::initialize();                                                      \
        return 0;                                                                \
    }                                                                            \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)      \
    {                                                                            \
        static const fuzz::TargetSpec spec { __VA_ARGS__ };                      \
        fuzz::run_input(spec, data, size);                                       \
        return 0;                                                                \
    }
