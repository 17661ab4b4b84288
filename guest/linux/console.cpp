// The console vnodes (see linux/console.h): reads and writes become Console hypercalls,
// staged in the bounce buffer.
#include <hv/hypercall.h>
#include <lib/errno_codes.h>
#include <linux/console.h>

namespace linux {

namespace {

class ConsoleFs final : public vfs::FileSystem {
public:
    lib::RefPtr<vfs::Vnode> root() override { return nullptr; }
    const char* name() const override { return "devpts"; }
    uint64_t magic() const override { return 0x1cd1; }
};

ConsoleFs g_console_fs;

class ConsoleVnode final : public vfs::Vnode {
public:
    explicit ConsoleVnode(int stream) : m_stream(stream) {}

    bool terminal() const { return hv::boot_info().flags & (uabi::BootStdinTty << m_stream); }

    lib::ErrorOr<vfs::Attributes> attributes() override
    {
        vfs::Attributes attributes {};
        attributes.device = terminal() ? 0x16 : 0xc;
        attributes.inode = 3 + static_cast<uint64_t>(m_stream);
        attributes.mode = terminal() ? (vfs::TypeCharacterDevice | 0620) : (vfs::TypeFifo | 0600);
        attributes.link_count = 1;
        attributes.rdev = terminal() ? 0x8800 : 0;
        attributes.block_size = 4096;
        return attributes;
    }

    lib::ErrorOr<size_t> read(uint64_t, void* buffer, size_t length) override
    {
        if (m_stream != 0)
            return EBADF;
        size_t got = TRY(hv::console_read(buffer, length, false));
        return got;
    }

    lib::ErrorOr<size_t> write(uint64_t, const void* buffer, size_t length) override
    {
        if (m_stream == 0)
            return EBADF;
        int64_t written = TRY(hv::console_write(m_stream, buffer, length));
        return static_cast<size_t>(written);
    }

    vfs::FileSystem& file_system() override { return g_console_fs; }

private:
    int m_stream;
};

} // namespace

lib::RefPtr<vfs::Vnode> console_vnode(int stream) { return lib::make_ref<ConsoleVnode>(stream); }

bool is_console(vfs::Vnode& vnode) { return &vnode.file_system() == &g_console_fs; }

bool is_terminal(vfs::Vnode& vnode)
{
    if (&vnode.file_system() != &g_console_fs)
        return false;
    return static_cast<ConsoleVnode&>(vnode).terminal();
}

} // namespace linux
