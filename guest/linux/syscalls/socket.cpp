// socket, socketpair, bind, listen, accept, accept4, connect, shutdown, getsockname,
// getpeername, getsockopt, setsockopt. The calls find the socket behind a descriptor, move
// addresses and option values between the program and the kernel, and leave the rest to the
// socket's family (net/socket.h); a call that cannot go on sleeps and runs again.
#include "socket_calls.h"
#include <kernel/format.h>
#include <linux/file_syscalls.h>
#include <linux/io_wait.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <net/socket_options.h>
#include <net/unix_socket.h>
#include <vfs/path_walk.h>

namespace linux {

namespace socket_calls {

namespace {

net::Credentials process_credentials()
{
    Process& process = current_process();
    return { process.pid, process.credentials.uid, process.credentials.gid };
}

// bind() of an AF_UNIX path: a socket node, as mknod makes one.
lib::ErrorOr<net::NodeIdentity> create_socket_node(const char* path, uint32_t mode)
{
    vfs::WalkOptions options;
    options.want_parent = true;
    options.follow_last_symlink = false;
    vfs::WalkResult walk;
    TRY(resolve_kernel_path(path, options, walk));
    if (walk.node || walk.name[0] == '\0')
        return EADDRINUSE;
    uint32_t permissions = mode & 0777 & ~current_process().umask;
    auto node = TRY(walk.parent->make_node(lib::StringView(walk.name), vfs::TypeSocket | permissions, 0));
    vfs::forget_entries_of(*walk.parent);
    auto attributes = TRY(node->attributes());
    return net::NodeIdentity { attributes.device, attributes.inode };
}

lib::ErrorOr<net::NodeIdentity> find_socket_node(const char* path)
{
    vfs::WalkOptions options;
    vfs::WalkResult walk;
    TRY(resolve_kernel_path(path, options, walk));
    auto attributes = TRY(walk.node->attributes());
    if ((attributes.mode & vfs::TypeMask) != vfs::TypeSocket)
        return ECONNREFUSED;
    return net::NodeIdentity { attributes.device, attributes.inode };
}

} // namespace

void install_socket_hooks()
{
    net::set_credentials_source(process_credentials);
    net::set_unix_path_operations({ create_socket_node, find_socket_node });
}

lib::ErrorOr<SocketFile> socket_for(uint64_t fd)
{
    auto file = TRY(file_for(fd));
    net::Socket* socket = net::as_socket(file->vnode());
    if (!socket)
        return ENOTSOCK;
    return SocketFile { file, socket };
}

lib::ErrorOr<void> read_address(UserAddress address, int64_t length, net::SocketAddress& out)
{
    if (length < 0 || length > static_cast<int64_t>(net::SocketAddress::CAPACITY))
        return EINVAL;
    out.length = static_cast<uint32_t>(length);
    if (length)
        TRY(copy_from_user(out.bytes, address, static_cast<size_t>(length)));
    return {};
}

lib::ErrorOr<void> write_address(UserAddress address, UserAddress length_pointer, const net::SocketAddress& in)
{
    int32_t length = TRY(read_user<int32_t>(length_pointer));
    if (length < 0)
        return EINVAL;
    if (static_cast<uint32_t>(length) > in.length)
        length = static_cast<int32_t>(in.length);
    if (length)
        TRY(copy_to_user(address, in.bytes, static_cast<size_t>(length)));
    return write_user(length_pointer, static_cast<int32_t>(in.length));
}

lib::ErrorOr<int64_t> install_socket(lib::RefPtr<net::Socket> socket, uint32_t flags)
{
    char name[48];
    kernel::format(name, sizeof(name), "socket:[%lu]", socket->inode());
    auto file = TRY(vfs::OpenFile::create(socket, vfs::ReadWrite | (flags & vfs::NonBlocking), name));
    return TRY(current_process().files.install(file, 0, flags & vfs::CloseOnExec));
}

lib::Error wait_or_fail(bool nonblocking, int64_t timeout_ns, lib::Error timeout_error)
{
    if (nonblocking || timeout_ns == 0)
        return timeout_error;
    int64_t deadline = timeout_ns < 0 ? sched::NO_DEADLINE : sched::deadline_after(timeout_ns);
    if (sched::deadline_passed(deadline))
        return timeout_error;
    lib::Error blocked = wait_for_state_change(deadline);
    // With a timeout, a signal handler ends the call with EINTR even under SA_RESTART.
    if (timeout_ns > 0)
        sched::current().eintr_after_handler = true;
    return blocked;
}

} // namespace socket_calls

using namespace socket_calls;

namespace {

constexpr uint32_t CREATION_FLAGS = net::SOCKET_NONBLOCK | net::SOCKET_CLOEXEC;

bool is_nonblocking(const SocketFile& socket) { return socket.file->flags() & vfs::NonBlocking; }

SyscallResult accept_connection(uint64_t fd, UserAddress address, UserAddress length_pointer, uint64_t flags)
{
    if (flags & ~static_cast<uint64_t>(CREATION_FLAGS))
        return EINVAL;
    auto socket = TRY(socket_for(fd));
    net::SocketAddress peer;
    auto accepted = socket.socket->accept(address ? &peer : nullptr);
    if (accepted.is_error()) {
        if (accepted.error() == EAGAIN.code)
            return wait_or_fail(is_nonblocking(socket), socket.socket->options().receive_timeout_ns, EAGAIN);
        return lib::Error(accepted.error());
    }
    if (address) {
        // Linux checks the length pointer before the connection leaves the queue; a bad one
        // loses the connection there too.
        TRY(write_address(address, length_pointer, peer));
    }
    return install_socket(accepted.release_value(), static_cast<uint32_t>(flags));
}

SyscallResult local_or_peer_name(uint64_t fd, UserAddress address, UserAddress length_pointer, bool peer)
{
    auto socket = TRY(socket_for(fd));
    int32_t length = TRY(read_user<int32_t>(length_pointer));
    if (length < 0)
        return EINVAL;
    auto name = TRY(peer ? socket.socket->peer_address() : socket.socket->local_address());
    TRY(write_address(address, length_pointer, name));
    return 0;
}

} // namespace

// int socket(int domain, int type, int protocol);
SyscallResult sys_socket(SyscallArguments& a)
{
    install_socket_hooks();
    int type = static_cast<int>(a[1]);
    uint32_t flags = static_cast<uint32_t>(type) & ~static_cast<uint32_t>(net::SocketTypeMask);
    if (flags & ~CREATION_FLAGS)
        return EINVAL;
    auto socket = TRY(net::create_socket(static_cast<int>(a[0]), type & net::SocketTypeMask, static_cast<int>(a[2])));
    return install_socket(socket, flags);
}

// int socketpair(int domain, int type, int protocol, int sv[2]);
SyscallResult sys_socketpair(SyscallArguments& a)
{
    install_socket_hooks();
    int type = static_cast<int>(a[1]);
    uint32_t flags = static_cast<uint32_t>(type) & ~static_cast<uint32_t>(net::SocketTypeMask);
    if (flags & ~CREATION_FLAGS)
        return EINVAL;
    auto pair = TRY(net::create_socket_pair(static_cast<int>(a[0]), type & net::SocketTypeMask, static_cast<int>(a[2])));
    FdTable& files = current_process().files;
    int first = static_cast<int>(TRY(install_socket(pair.first, flags)));
    auto second = install_socket(pair.second, flags);
    if (second.is_error()) {
        (void)files.close(first);
        return lib::Error(second.error());
    }
    int fds[2] = { first, static_cast<int>(second.value()) };
    if (copy_to_user(a[3], fds, sizeof(fds)).is_error()) {
        (void)files.close(fds[0]);
        (void)files.close(fds[1]);
        return EFAULT;
    }
    return 0;
}

// int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
SyscallResult sys_bind(SyscallArguments& a)
{
    auto socket = TRY(socket_for(a[0]));
    net::SocketAddress address;
    TRY(read_address(a[1], static_cast<int32_t>(a[2]), address));
    TRY(socket.socket->bind(address));
    return 0;
}

// int listen(int sockfd, int backlog);
SyscallResult sys_listen(SyscallArguments& a)
{
    auto socket = TRY(socket_for(a[0]));
    TRY(socket.socket->listen(static_cast<int>(a[1])));
    return 0;
}

// int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
SyscallResult sys_accept(SyscallArguments& a) { return accept_connection(a[0], a[1], a[2], 0); }

// int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
SyscallResult sys_accept4(SyscallArguments& a) { return accept_connection(a[0], a[1], a[2], a[3]); }

// int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
SyscallResult sys_connect(SyscallArguments& a)
{
    auto socket = TRY(socket_for(a[0]));
    net::SocketAddress address;
    TRY(read_address(a[1], static_cast<int32_t>(a[2]), address));
    bool nonblocking = is_nonblocking(socket);
    auto connected = socket.socket->connect(address, nonblocking);
    if (connected.is_error()) {
        if (connected.error() == EAGAIN.code && !nonblocking)
            return wait_or_fail(false, socket.socket->options().send_timeout_ns, EINPROGRESS);
        return lib::Error(connected.error());
    }
    return 0;
}

// int shutdown(int sockfd, int how);
SyscallResult sys_shutdown(SyscallArguments& a)
{
    auto socket = TRY(socket_for(a[0]));
    TRY(socket.socket->shutdown(static_cast<int>(a[1])));
    return 0;
}

// int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
SyscallResult sys_getsockname(SyscallArguments& a) { return local_or_peer_name(a[0], a[1], a[2], false); }

// int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
SyscallResult sys_getpeername(SyscallArguments& a) { return local_or_peer_name(a[0], a[1], a[2], true); }

// int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);
SyscallResult sys_setsockopt(SyscallArguments& a)
{
    auto socket = TRY(socket_for(a[0]));
    int32_t length = static_cast<int32_t>(a[4]);
    if (length < 0)
        return EINVAL;
    static uint8_t value[256];
    size_t copied = static_cast<size_t>(length) < sizeof(value) ? static_cast<size_t>(length) : sizeof(value);
    if (copied)
        TRY(copy_from_user(value, a[3], copied));
    TRY(net::set_socket_option(*socket.socket, static_cast<int>(a[1]), static_cast<int>(a[2]), value, copied));
    return 0;
}

// int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
SyscallResult sys_getsockopt(SyscallArguments& a)
{
    auto socket = TRY(socket_for(a[0]));
    int32_t length = TRY(read_user<int32_t>(a[4]));
    if (length < 0)
        return EINVAL;
    static uint8_t value[256];
    size_t room = static_cast<size_t>(length) < sizeof(value) ? static_cast<size_t>(length) : sizeof(value);
    size_t written = TRY(net::get_socket_option(*socket.socket, static_cast<int>(a[1]), static_cast<int>(a[2]), value, room));
    if (written)
        TRY(copy_to_user(a[3], value, written));
    TRY(write_user(a[4], static_cast<int32_t>(written)));
    return 0;
}

} // namespace linux
