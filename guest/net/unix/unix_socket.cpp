// AF_UNIX sockets: creation, names, connections, shutdown and readiness (messages are in
// unix_messages.cpp). Semantics follow Linux's net/unix/af_unix.c as observed from programs.
#include "unix_socket.h"
#include <lib/errno_codes.h>
#include <vfs/wait.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" int memcmp(const void*, const void*, size_t);

namespace net {

namespace {

UnixPathOperations g_paths {};

} // namespace

void set_unix_path_operations(const UnixPathOperations& operations) { g_paths = operations; }

lib::ErrorOr<lib::RefPtr<Socket>> create_unix_socket(int type, int protocol)
{
    if (protocol != 0 && protocol != FamilyUnix)
        return EPROTONOSUPPORT;
    if (type == TypeRaw)
        type = TypeDatagram; // as Linux
    if (type != TypeStream && type != TypeDatagram && type != TypeSequentialPacket)
        return ESOCKTNOSUPPORT;
    auto socket = lib::make_ref<unix_sockets::UnixSocket>(type);
    if (!socket)
        return ENOMEM;
    return lib::RefPtr<Socket>(socket);
}

lib::ErrorOr<SocketPair> create_unix_socket_pair(int type, int protocol)
{
    auto first = TRY(create_unix_socket(type, protocol));
    auto second = TRY(create_unix_socket(type, protocol));
    unix_sockets::UnixSocket::connect_pair(static_cast<unix_sockets::UnixSocket&>(*first), static_cast<unix_sockets::UnixSocket&>(*second));
    return SocketPair { first, second };
}

namespace unix_sockets {

namespace {

constexpr size_t PATH_OFFSET = 2; // offsetof(struct sockaddr_un, sun_path)
constexpr size_t ADDRESS_MAX = PATH_OFFSET + UNIX_PATH_MAX;
constexpr int BACKLOG_MAX = 4096; // /proc/sys/net/core/somaxconn

UnixSocket* g_bound;
uint32_t g_next_autobind = 0;

bool same_name(const UnixName& a, const UnixName& b)
{
    if (a.is_path != b.is_path)
        return false;
    if (a.is_path)
        return a.node == b.node;
    return a.length == b.length && memcmp(a.bytes, b.bytes, a.length) == 0;
}

// A sockaddr_un as bind and connect read it (unix_validate_addr, unix_mkname_bsd). `path` gets
// the NUL-terminated path of a path name.
lib::ErrorOr<UnixName> parse_name(const SocketAddress& address, char (&path)[UNIX_PATH_MAX + 1])
{
    if (address.length <= PATH_OFFSET || address.length > ADDRESS_MAX || address.family() != FamilyUnix)
        return EINVAL;
    UnixName name;
    memcpy(name.bytes, address.bytes, address.length);
    if (address.bytes[PATH_OFFSET] != 0) {
        size_t length = 0;
        while (PATH_OFFSET + length < address.length && address.bytes[PATH_OFFSET + length])
            ++length;
        memcpy(path, address.bytes + PATH_OFFSET, length);
        path[length] = '\0';
        name.bytes[PATH_OFFSET + length] = 0;
        name.length = static_cast<uint32_t>(PATH_OFFSET + length + 1);
        name.is_path = true;
    } else {
        name.length = address.length;
    }
    return name;
}

SocketAddress address_of(const UnixName& name)
{
    SocketAddress address;
    address.bytes[0] = FamilyUnix;
    address.bytes[1] = 0;
    address.length = PATH_OFFSET;
    if (name.length) {
        memcpy(address.bytes, name.bytes, name.length);
        address.length = name.length;
    }
    return address;
}

} // namespace

UnixSocket* find_bound(const UnixName& name)
{
    for (UnixSocket* socket = g_bound; socket; socket = socket->next_bound)
        if (same_name(socket->name(), name))
            return socket;
    return nullptr;
}

void add_bound(UnixSocket& socket)
{
    socket.next_bound = g_bound;
    g_bound = &socket;
}

void remove_bound(UnixSocket& socket)
{
    for (UnixSocket** link = &g_bound; *link; link = &(*link)->next_bound) {
        if (*link == &socket) {
            *link = socket.next_bound;
            socket.next_bound = nullptr;
            return;
        }
    }
}

// The socket bound to `address`, for connect and sendto.
lib::ErrorOr<lib::RefPtr<UnixSocket>> find_peer(const SocketAddress& address, int type)
{
    char path[UNIX_PATH_MAX + 1];
    UnixName name = TRY(parse_name(address, path));
    if (name.is_path) {
        if (!g_paths.find)
            return EOPNOTSUPP;
        name.node = TRY(g_paths.find(path));
    }
    UnixSocket* socket = find_bound(name);
    if (!socket || socket->is_released())
        return ECONNREFUSED;
    if (socket->socket_type() != type)
        return EPROTOTYPE;
    return lib::RefPtr<UnixSocket>(socket);
}

UnixSocket::UnixSocket(int type) : Socket(FamilyUnix, type, 0) {}

UnixSocket::~UnixSocket()
{
    release();
    purge_queue();
}

void UnixSocket::connect_pair(UnixSocket& a, UnixSocket& b)
{
    Credentials credentials = current_credentials();
    a.m_peer = &b;
    b.m_peer = &a;
    a.m_state = b.m_state = State::Connected;
    a.m_own_credentials = b.m_own_credentials = credentials;
    a.m_peer_credentials = b.m_peer_credentials = credentials;
}

lib::ErrorOr<void> UnixSocket::bind_name(const UnixName& name)
{
    if (find_bound(name))
        return EADDRINUSE;
    m_name = name;
    add_bound(*this);
    return {};
}

lib::ErrorOr<void> UnixSocket::autobind()
{
    if (m_name.length)
        return {};
    static const char digits[] = "0123456789abcdef";
    for (uint32_t attempt = 0; attempt < 0x100000; ++attempt) {
        uint32_t number = g_next_autobind++ & 0xfffff;
        UnixName name;
        name.bytes[0] = FamilyUnix;
        name.bytes[1] = 0;
        name.bytes[2] = 0;
        for (int i = 0; i < 5; ++i)
            name.bytes[3 + i] = static_cast<uint8_t>(digits[(number >> (4 * (4 - i))) & 0xf]);
        name.length = PATH_OFFSET + 6;
        if (!find_bound(name))
            return bind_name(name);
    }
    return ENOSPC;
}

lib::ErrorOr<void> UnixSocket::bind(const SocketAddress& address)
{
    if (address.length < PATH_OFFSET || address.family() != FamilyUnix)
        return EINVAL;
    if (address.length == PATH_OFFSET) {
        if (m_name.length)
            return EINVAL;
        return autobind();
    }
    char path[UNIX_PATH_MAX + 1];
    UnixName name = TRY(parse_name(address, path));
    if (!name.is_path) {
        if (m_name.length)
            return EINVAL;
        return bind_name(name);
    }
    if (!g_paths.create || !g_paths.find)
        return EOPNOTSUPP;
    // Linux makes the node before it looks whether this socket has a name: a name that is
    // taken says EADDRINUSE even then.
    auto existing = g_paths.find(path);
    if (!existing.is_error() || existing.error() != ENOENT.code)
        return EADDRINUSE;
    if (m_name.length)
        return EINVAL;
    name.node = TRY(g_paths.create(path, 0777));
    return bind_name(name);
}

lib::ErrorOr<void> UnixSocket::listen(int backlog)
{
    if (socket_type() == TypeDatagram)
        return EOPNOTSUPP;
    if (!m_name.length || m_state == State::Connected)
        return EINVAL;
    if (static_cast<unsigned>(backlog) > BACKLOG_MAX)
        backlog = BACKLOG_MAX;
    m_backlog = backlog;
    if (m_state != State::Listening) {
        m_own_credentials = current_credentials();
        m_state = State::Listening;
    }
    vfs::notify_state_change(); // connectors waiting for a larger backlog
    return {};
}

lib::ErrorOr<lib::RefPtr<Socket>> UnixSocket::accept(SocketAddress* peer)
{
    if (socket_type() == TypeDatagram)
        return EOPNOTSUPP;
    if (m_state != State::Listening)
        return EINVAL;
    if (!m_pending_head)
        return EAGAIN;
    lib::RefPtr<UnixSocket> connection = m_pending_head;
    m_pending_head = connection->m_next_pending;
    connection->m_next_pending = nullptr;
    if (!m_pending_head)
        m_pending_tail = nullptr;
    --m_pending_count;
    connection->m_embryo = false;
    if (peer) {
        UnixName none;
        *peer = address_of(connection->m_peer ? connection->m_peer->m_name : none);
    }
    vfs::notify_state_change();
    return lib::RefPtr<Socket>(connection);
}

lib::ErrorOr<void> UnixSocket::connect(const SocketAddress& address, bool)
{
    if (socket_type() == TypeDatagram) {
        // AF_UNSPEC undoes a datagram socket's connection (1003.1g).
        if (address.length < PATH_OFFSET)
            return EINVAL;
        if (address.family() == FamilyUnspecified) {
            m_peer = nullptr;
            m_state = State::Unconnected;
            vfs::notify_state_change();
            return {};
        }
        auto peer = TRY(find_peer(address, socket_type()));
        if (options().pass_credentials)
            TRY(autobind());
        m_peer = peer;
        m_state = State::Connected;
        vfs::notify_state_change();
        return {};
    }
    if (address.length < PATH_OFFSET || (address.length > PATH_OFFSET && address.family() != FamilyUnix))
        return EINVAL;
    if (m_state == State::Listening)
        return EINVAL;
    // Linux looks at the listener before at this socket: a full backlog makes even a
    // connected socket wait.
    auto listener = TRY(find_peer(address, socket_type()));
    if (listener->m_state != State::Listening)
        return ECONNREFUSED;
    if (listener->m_pending_count > static_cast<uint32_t>(listener->m_backlog))
        return EAGAIN;
    if (m_state == State::Connected)
        return EISCONN;
    if (options().pass_credentials)
        TRY(autobind());
    auto connection = lib::make_ref<UnixSocket>(socket_type());
    if (!connection)
        return ENOMEM;
    connection->m_name = listener->m_name; // getsockname of an accepted socket: the listener's name
    connection->m_name.is_path = false;    // ... but it is not in the table of names
    connection->options() = listener->options();
    connection->m_embryo = true;
    connection->m_own_credentials = listener->m_own_credentials;
    m_own_credentials = current_credentials();
    connection->m_peer_credentials = m_own_credentials;
    m_peer_credentials = listener->m_own_credentials;
    connection->m_peer = this;
    connection->m_state = State::Connected;
    m_peer = connection;
    m_state = State::Connected;
    if (listener->m_pending_tail)
        listener->m_pending_tail->m_next_pending = connection;
    else
        listener->m_pending_head = connection;
    listener->m_pending_tail = connection.ptr();
    ++listener->m_pending_count;
    listener->announce(Readable);
    announce(Writable);
    return {};
}

lib::ErrorOr<void> UnixSocket::shutdown(int how)
{
    if (how < ShutdownRead || how > ShutdownBoth)
        return EINVAL;
    uint8_t mode = static_cast<uint8_t>(how + 1); // RCV_SHUTDOWN 1, SEND_SHUTDOWN 2
    m_shutdown |= mode;
    if (m_peer && is_connection_based()) {
        uint8_t peer_mode = static_cast<uint8_t>(((mode & RECEIVE_SHUT) ? SEND_SHUT : 0) | ((mode & SEND_SHUT) ? RECEIVE_SHUT : 0));
        m_peer->m_shutdown |= peer_mode;
        m_peer->announce(Readable | Writable);
    }
    announce(Readable | Writable);
    return {};
}

lib::ErrorOr<SocketAddress> UnixSocket::local_address() { return address_of(m_name); }

lib::ErrorOr<SocketAddress> UnixSocket::peer_address()
{
    if (!m_peer || m_state != State::Connected)
        return ENOTCONN;
    return address_of(m_peer->m_name);
}

bool UnixSocket::is_listening() const { return m_state == State::Listening; }

int UnixSocket::take_error()
{
    int error = m_error;
    m_error = 0;
    return error;
}

lib::ErrorOr<Credentials> UnixSocket::peer_credentials()
{
    if (socket_type() != TypeDatagram && m_state == State::Listening)
        return m_own_credentials; // Linux reports the listener's own
    return m_peer_credentials;
}

void UnixSocket::release()
{
    if (m_released)
        return;
    m_released = true;
    remove_bound(*this);
    // Connections nobody accepted are reset.
    while (m_pending_head) {
        lib::RefPtr<UnixSocket> connection = m_pending_head;
        m_pending_head = connection->m_next_pending;
        connection->m_next_pending = nullptr;
        connection->release();
    }
    m_pending_tail = nullptr;
    m_pending_count = 0;
    lib::RefPtr<UnixSocket> peer = m_peer;
    m_peer = nullptr;
    if (peer && is_connection_based()) {
        peer->m_shutdown = RECEIVE_SHUT | SEND_SHUT;
        if (m_head || m_embryo)
            peer->m_error = ECONNRESET.code;
    }
    purge_queue();
    if (peer)
        peer->announce(Readable | Writable);
    else
        vfs::notify_state_change();
}

bool UnixSocket::writable() const
{
    return m_state != State::Listening && m_send_charge * 4 <= options().send_buffer;
}

uint32_t UnixSocket::poll_events()
{
    uint32_t events = 0;
    if (m_error)
        events |= POLL_ERROR;
    if (m_shutdown == (RECEIVE_SHUT | SEND_SHUT))
        events |= POLL_HANGUP;
    if (m_shutdown & RECEIVE_SHUT)
        events |= POLL_READ_HANGUP | POLL_IN;
    if (m_head || m_pending_head)
        events |= POLL_IN;
    if (is_connection_based() && m_state == State::Unconnected)
        events |= POLL_HANGUP;
    bool can_write = writable();
    // A datagram socket connected to a peer with a full queue that is not connected back.
    if (can_write && !is_connection_based() && m_peer && m_peer->m_peer.ptr() != this && m_peer->queue_length() > DATAGRAM_QUEUE_MAX)
        can_write = false;
    if (can_write)
        events |= POLL_OUT;
    return events;
}

lib::ErrorOr<int64_t> UnixSocket::readable_bytes()
{
    if (m_state == State::Listening)
        return EINVAL;
    if (socket_type() == TypeDatagram)
        return static_cast<int64_t>(m_head ? m_head->length : 0);
    int64_t total = 0;
    for (Message* message = m_head; message; message = message->next)
        total += static_cast<int64_t>(message->remaining());
    return total;
}

} // namespace unix_sockets

} // namespace net
