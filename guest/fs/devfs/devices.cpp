// The character devices of /dev: null, zero, full, random, urandom and tty.
#include "devfs_nodes.h"

#include <hv/hypercall.h>
#include <linux/console.h>

extern "C" void* memset(void*, int, size_t);

namespace fs {

DevDevice::DevDevice(DevFs& fs, uint64_t inode, DeviceKind kind, uint64_t rdev)
    : DevNode(fs, inode, vfs::TypeCharacterDevice | 0666, rdev)
    , m_kind(kind)
{
}

lib::ErrorOr<size_t> DevDevice::read(uint64_t, void* buffer, size_t length)
{
    switch (m_kind) {
    case DeviceKind::Null:
        return 0;
    case DeviceKind::Zero:
    case DeviceKind::Full:
        memset(buffer, 0, length);
        return length;
    case DeviceKind::Random:
        random_bytes(buffer, length);
        return length;
    }
    return EINVAL;
}

lib::ErrorOr<size_t> DevDevice::write(uint64_t, const void*, size_t length)
{
    // Writes to random and urandom would stir the pool on Linux; ours is fed by the host.
    if (m_kind == DeviceKind::Full)
        return ENOSPC;
    return length;
}

bool stdin_is_terminal() { return hv::boot_info().flags & uabi::BootStdinTty; }

namespace {

// /dev/tty reads the console's stdin and writes its stdout, as the console vnodes of fds 0
// and 1 do. FIXME: linux::is_terminal() does not know this vnode, so terminal ioctls on an
// open /dev/tty fail with ENOTTY until the console offers a read-write terminal vnode.
class DevTty final : public DevNode {
public:
    DevTty(DevFs& fs, uint64_t inode, lib::RefPtr<vfs::Vnode> input, lib::RefPtr<vfs::Vnode> output)
        : DevNode(fs, inode, vfs::TypeCharacterDevice | 0666, make_device(5, 0))
        , m_input(input)
        , m_output(output)
    {
    }

    lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length) override { return m_input->read(offset, buffer, length); }
    lib::ErrorOr<size_t> write(uint64_t offset, const void* buffer, size_t length) override { return m_output->write(offset, buffer, length); }

private:
    lib::RefPtr<vfs::Vnode> m_input;
    lib::RefPtr<vfs::Vnode> m_output;
};

} // namespace

lib::RefPtr<DevNode> make_tty(DevFs& fs, uint64_t inode)
{
    auto input = linux::console_vnode(0);
    auto output = linux::console_vnode(1);
    if (!input || !output)
        return nullptr;
    return lib::make_ref<DevTty>(fs, inode, input, output);
}

} // namespace fs
