// The Socket base class: a vnode of sockfs whose reads and writes are receives and sends.
#include <lib/errno_codes.h>
#include <net/socket.h>
#include <vfs/wait.h>

namespace net {

namespace {

// sockfs: where every socket's vnode says it lives; its address tells sockets from other vnodes.
class SocketFileSystem final : public vfs::FileSystem {
public:
    lib::RefPtr<vfs::Vnode> root() override { return nullptr; }
    const char* name() const override { return "sockfs"; }
    uint64_t magic() const override { return 0x534f434b; } // SOCKFS_MAGIC
};

SocketFileSystem g_socket_fs;
uint64_t g_next_inode = 1000;
constexpr uint64_t SOCKFS_DEVICE = 0x8;

Credentials no_credentials() { return { 0, 0, 0 }; }
CredentialsSource g_credentials_source = no_credentials;

} // namespace

Socket::Socket(int family, int type, int protocol)
    : m_family(family)
    , m_type(type)
    , m_protocol(protocol)
    , m_inode(g_next_inode++)
{
}

Socket::~Socket() = default;

lib::ErrorOr<void> Socket::set_option(int, int, const void*, size_t) { return EOPNOTSUPP; }
lib::ErrorOr<size_t> Socket::get_option(int, int, void*, size_t) { return EOPNOTSUPP; }

lib::ErrorOr<vfs::Attributes> Socket::attributes()
{
    vfs::Attributes attributes {};
    attributes.device = SOCKFS_DEVICE;
    attributes.inode = m_inode;
    attributes.mode = vfs::TypeSocket | 0777;
    attributes.link_count = 1;
    attributes.block_size = 4096;
    return attributes;
}

lib::ErrorOr<size_t> Socket::read(uint64_t, void* buffer, size_t length)
{
    ReceiveRequest request { buffer, length, 0, nullptr, nullptr };
    return TRY(receive(request)).length;
}

lib::ErrorOr<size_t> Socket::write(uint64_t, const void* buffer, size_t length)
{
    SendRequest request { buffer, length, 0, nullptr, nullptr };
    return send(request);
}

lib::ErrorOr<void> Socket::open(uint32_t)
{
    ++m_open_count;
    return {};
}

void Socket::close()
{
    if (m_open_count && --m_open_count == 0)
        release();
}

vfs::FileSystem& Socket::file_system() { return g_socket_fs; }

uint64_t Socket::state_changes(uint32_t events)
{
    constexpr uint32_t POLLIN = 1, POLLOUT = 4;
    return (events & POLLIN ? m_input_changes : 0) + (events & POLLOUT ? m_output_changes : 0);
}

void Socket::announce(uint32_t events)
{
    constexpr uint32_t POLLIN = 1, POLLOUT = 4;
    m_input_changes += (events & POLLIN) != 0;
    m_output_changes += (events & POLLOUT) != 0;
    vfs::notify_state_change();
}

Socket* as_socket(vfs::Vnode& vnode) { return &vnode.file_system() == &g_socket_fs ? static_cast<Socket*>(&vnode) : nullptr; }

void set_credentials_source(CredentialsSource source) { g_credentials_source = source ? source : no_credentials; }

Credentials current_credentials() { return g_credentials_source(); }

} // namespace net
