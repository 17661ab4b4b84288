// devfs: the fixed /dev of a unikit guest: null, zero, full, random, urandom, tty, the
// standard-stream links and the shm and pts directories. Nothing can be created in it.
#pragma once

#include <lib/ref_ptr.h>
#include <stddef.h>
#include <stdint.h>
#include <vfs/vnode.h>

namespace fs {

class DevFs final : public vfs::FileSystem {
public:
    static constexpr uint64_t MAGIC = 0x1373;
    static constexpr uint64_t DEVICE_NUMBER = 0x5; // st_dev 0:5, as Linux's devtmpfs

    // Null when out of memory.
    static lib::RefPtr<DevFs> create();
    ~DevFs() override;

    lib::RefPtr<vfs::Vnode> root() override { return m_root; }
    const char* name() const override { return "devtmpfs"; }
    uint64_t magic() const override { return MAGIC; }

    vfs::Timestamp mount_time() const { return m_mount_time; }

private:
    DevFs() = default;

    lib::RefPtr<vfs::Vnode> m_root;
    vfs::Timestamp m_mount_time {};
};

// Fills `buffer` from the kernel's ChaCha20 generator (what /dev/urandom reads), seeded from
// the boot seed and reseeded from the host now and then. Never fails.
void random_bytes(void* buffer, size_t length);

// Linux's st_rdev encoding of a device number.
constexpr uint64_t make_device(uint32_t major, uint32_t minor)
{
    return (uint64_t(minor) & 0xff) | ((uint64_t(major) & 0xfff) << 8) | ((uint64_t(minor) & ~uint64_t(0xff)) << 12)
        | ((uint64_t(major) & ~uint64_t(0xfff)) << 32);
}

} // namespace fs
