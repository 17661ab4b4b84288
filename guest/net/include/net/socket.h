// The socket layer's seam: a Socket is a Vnode (so read, write, close, poll, fstat and fcntl work
// through the fd table) with the operations of the Linux socket API. Each address family
// (guest/net/unix, guest/net/inet) subclasses it; the syscall layer (linux/syscalls/socket*.cpp)
// copies addresses, data and control messages between the program and kernel memory, handles
// the SOL_SOCKET options every family shares (net/socket_options.h), and decides whether to
// sleep.
//
// Rules every family follows:
// * Buffers and addresses are kernel memory.
// * An operation that cannot go on now returns EAGAIN, with no side effect, and the family calls
//   announce() on the sockets concerned after anything that may let it go on (data queued or
//   taken, a connection made, an end closed). The syscall layer then sleeps, unless the file is
//   O_NONBLOCK or the call says MSG_DONTWAIT, and runs the whole syscall again: operations must
//   be restartable. Timeouts (SO_RCVTIMEO, SO_SNDTIMEO) and signals are the layer's business.
// * A stream send may take part of its data (returns the count); the layer keeps what went in
//   and sends the rest on the next run. A datagram send takes all or nothing.
// * Errors are Linux's for the same call on the same kind of socket.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <stddef.h>
#include <stdint.h>
#include <vfs/open_file.h>
#include <vfs/vnode.h>

namespace net {

// Address families, socket types and levels, as Linux numbers them.
enum AddressFamily : int {
    FamilyUnspecified = 0,
    FamilyUnix = 1,
    FamilyInet = 2,
    FamilyInet6 = 10,
    FamilyNetlink = 16,
    FamilyCount = 46, // AF_MAX
};

enum SocketType : int {
    TypeStream = 1,
    TypeDatagram = 2,
    TypeRaw = 3,
    TypeReliableDatagram = 4,
    TypeSequentialPacket = 5,
    TypeCount = 11, // SOCK_MAX
    SocketTypeMask = 0xf,
};

// socket()'s and accept4()'s flags: O_NONBLOCK and O_CLOEXEC.
inline constexpr uint32_t SOCKET_NONBLOCK = 04000;
inline constexpr uint32_t SOCKET_CLOEXEC = 02000000;

// The MSG_* flags of send and receive calls, and of recvmsg's msg_flags.
enum MessageFlags : uint32_t {
    MessageOutOfBand = 0x1,
    MessagePeek = 0x2,
    MessageDontRoute = 0x4,
    MessageControlTruncated = 0x8, // MSG_CTRUNC
    MessageTruncated = 0x20,       // MSG_TRUNC
    MessageDontWait = 0x40,
    MessageEndOfRecord = 0x80,
    MessageWaitAll = 0x100,
    MessageConfirm = 0x800,
    MessageErrorQueue = 0x2000,
    MessageNoSignal = 0x4000,
    MessageMore = 0x8000,
    MessageWaitForOne = 0x10000,
    MessageZeroCopy = 0x4000000,
    MessageFastOpen = 0x20000000,
    MessageCloseOnExec = 0x40000000, // MSG_CMSG_CLOEXEC
};

// shutdown()'s `how`.
enum ShutdownHow : int { ShutdownRead = 0, ShutdownWrite = 1, ShutdownBoth = 2 };

// Poll bits a socket may report besides POLLIN (1) and POLLOUT (4).
inline constexpr uint32_t POLL_IN = 0x1, POLL_PRIORITY = 0x2, POLL_OUT = 0x4, POLL_ERROR = 0x8, POLL_HANGUP = 0x10;
inline constexpr uint32_t POLL_READ_HANGUP = 0x2000; // POLLRDHUP

// A socket address as the program gave it or will get it (struct sockaddr_*): the bytes and
// their length. Families check the length and the family field themselves.
struct SocketAddress {
    static constexpr size_t CAPACITY = 128; // sizeof(struct sockaddr_storage)
    uint8_t bytes[CAPACITY];
    uint32_t length { 0 }; // 0: no address

    uint16_t family() const { return length >= 2 ? static_cast<uint16_t>(bytes[0] | bytes[1] << 8) : 0; }
};

// What SO_PEERCRED and SCM_CREDENTIALS carry (struct ucred).
struct Credentials {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};

// Control messages a send carries and a receive hands back, in kernel form: SCM_RIGHTS as open
// file descriptions (the layer turns descriptors into them and back), SCM_CREDENTIALS as values.
// FIXME: other control messages (IP_PKTINFO, SO_TIMESTAMP, ...) have no place here yet.
struct Ancillary {
    static constexpr size_t MAX_FILES = 253; // SCM_MAX_FD
    lib::RefPtr<vfs::OpenFile> files[MAX_FILES];
    uint32_t file_count { 0 };
    bool has_credentials { false };
    Credentials credentials {};

    bool is_empty() const { return file_count == 0 && !has_credentials; }
    void clear()
    {
        for (uint32_t i = 0; i < file_count; ++i)
            files[i].clear();
        file_count = 0;
        has_credentials = false;
    }
};

struct SendRequest {
    const void* data;
    size_t length;
    uint32_t flags;                      // MessageFlags
    const SocketAddress* destination;    // sendto/sendmsg's address, or null
    Ancillary* ancillary;                // or null; a family that takes the files moves them out
};

struct ReceiveRequest {
    void* buffer;
    size_t length;
    uint32_t flags;         // MessageFlags (the layer handles MSG_DONTWAIT and MSG_WAITALL's waiting)
    SocketAddress* source;  // filled in when not null and the family knows the sender (length 0 otherwise)
    Ancillary* ancillary;   // when null, received files are dropped (closed)
};

struct ReceiveResult {
    size_t length;        // bytes copied into the buffer
    size_t full_length;   // a datagram's whole length (MSG_TRUNC asks for it); = length for streams
    uint32_t flags;       // msg_flags: MessageTruncated, MessageControlTruncated, MessageEndOfRecord
};

// The SOL_SOCKET options every family shares, kept by the layer (net/socket_options.h); a
// family reads them (buffer sizes, SO_PASSCRED) and hears of changes through option_changed().
struct SocketOptions {
    int64_t receive_timeout_ns { -1 }; // SO_RCVTIMEO, < 0: none
    int64_t send_timeout_ns { -1 };    // SO_SNDTIMEO
    uint32_t receive_buffer { 212992 }; // SO_RCVBUF as getsockopt shows it (doubled)
    uint32_t send_buffer { 212992 };    // SO_SNDBUF
    uint32_t receive_low_water { 1 };   // SO_RCVLOWAT
    bool reuse_address { false };
    bool reuse_port { false };
    bool keep_alive { false };
    bool pass_credentials { false };
    bool broadcast { false };
    bool out_of_band_inline { false };
    bool no_check { false };
    bool linger_on { false };
    int32_t linger_seconds { 0 };
    int32_t priority { 0 };
    uint32_t mark { 0 };
};

class Socket : public vfs::Vnode {
public:
    Socket(int family, int type, int protocol);
    ~Socket() override;

    int family() const { return m_family; }
    int socket_type() const { return m_type; }
    int protocol() const { return m_protocol; }
    uint64_t inode() const { return m_inode; }
    SocketOptions& options() { return m_options; }
    const SocketOptions& options() const { return m_options; }

    // --- the socket API ---
    virtual lib::ErrorOr<void> bind(const SocketAddress&) = 0;
    virtual lib::ErrorOr<void> listen(int backlog) { return lib::Error(95); } // EOPNOTSUPP
    // A connection from the backlog (EAGAIN when none; EINVAL when not listening). `peer`, when
    // not null, gets the new socket's peer address.
    virtual lib::ErrorOr<lib::RefPtr<Socket>> accept(SocketAddress* peer) { return lib::Error(95); }
    // With `nonblocking` (O_NONBLOCK), a connection that cannot complete at once gives
    // EINPROGRESS (stream) and completes in the background; without it, EAGAIN, and the layer
    // sleeps and calls connect again with the same address, which must then answer how that
    // connection attempt went (0, or its error) rather than EALREADY/EISCONN.
    virtual lib::ErrorOr<void> connect(const SocketAddress&, bool nonblocking) = 0;
    virtual lib::ErrorOr<size_t> send(const SendRequest&) = 0;
    virtual lib::ErrorOr<ReceiveResult> receive(const ReceiveRequest&) = 0;
    virtual lib::ErrorOr<void> shutdown(int how) = 0;
    virtual lib::ErrorOr<SocketAddress> local_address() = 0;
    virtual lib::ErrorOr<SocketAddress> peer_address() = 0; // ENOTCONN when unconnected

    // Options the family handles itself (any level but the shared SOL_SOCKET ones):
    // ENOPROTOOPT for ones it does not know. get_option returns the length written.
    virtual lib::ErrorOr<void> set_option(int level, int name, const void* value, size_t length);
    virtual lib::ErrorOr<size_t> get_option(int level, int name, void* value, size_t length);
    // A shared SOL_SOCKET option changed (SO_RCVBUF, SO_KEEPALIVE, ...): apply it if it matters.
    virtual void option_changed(int name) {}
    // SO_ERROR: the pending error, which reading clears (0 when none).
    virtual int take_error() { return 0; }
    // SO_ACCEPTCONN.
    virtual bool is_listening() const { return false; }
    // SO_PEERCRED: the peer's credentials at connect time. Other families: {0, 65534, 65534}.
    virtual lib::ErrorOr<Credentials> peer_credentials() { return Credentials { 0, 65534, 65534 }; }

    // Called when the last open file description of this socket closes: drop connections and
    // names. The object itself lives on while references remain.
    virtual void release() {}

    // --- vnode ---
    lib::ErrorOr<vfs::Attributes> attributes() override;
    // read and write are receive and send with no flags.
    lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length) override;
    lib::ErrorOr<size_t> write(uint64_t offset, const void* buffer, size_t length) override;
    lib::ErrorOr<void> open(uint32_t flags) override;
    void close() override;
    uint32_t poll_events() override = 0;
    // For edge-triggered epoll: the changes announced for `events` (POLLIN, POLLOUT bits).
    uint64_t state_changes(uint32_t events) override;
    vfs::FileSystem& file_system() override;

protected:
    static constexpr uint32_t Readable = 1, Writable = 4; // POLLIN, POLLOUT
    // After a change that may let a call on this socket go on: counts it for edge-triggered
    // epoll (POLLIN: data or a connection to take, an end closed, an error; POLLOUT: room to
    // send, a connection made), so that more data reports again although the level never
    // dropped, and wakes every waiter (vfs::notify_state_change).
    void announce(uint32_t events);

private:
    uint64_t m_input_changes { 0 };
    uint64_t m_output_changes { 0 };
    int m_family;
    int m_type;
    int m_protocol;
    uint64_t m_inode;
    uint32_t m_open_count { 0 };
    SocketOptions m_options;
};

// A family's class declares the operations it implements with these, one line a group, rather
// than repeating the signatures above:
// UNIKIT_SOCKET_OPERATIONS: what every family implements (the pure virtual ones, and release).
#define UNIKIT_SOCKET_OPERATIONS                                                 \
    lib::ErrorOr<void> bind(const SocketAddress&) override;                      \
    lib::ErrorOr<void> connect(const SocketAddress&, bool nonblocking) override; \
    lib::ErrorOr<size_t> send(const SendRequest&) override;                      \
    lib::ErrorOr<ReceiveResult> receive(const ReceiveRequest&) override;         \
    lib::ErrorOr<void> shutdown(int how) override;                               \
    lib::ErrorOr<SocketAddress> local_address() override;                        \
    lib::ErrorOr<SocketAddress> peer_address() override;                         \
    void release() override;                                                     \
    uint32_t poll_events() override
// UNIKIT_SOCKET_CONNECTION_OPERATIONS: a family with connections (listen, accept, SO_ERROR,
// SO_ACCEPTCONN).
#define UNIKIT_SOCKET_CONNECTION_OPERATIONS                                 \
    lib::ErrorOr<void> listen(int backlog) override;                        \
    lib::ErrorOr<lib::RefPtr<Socket>> accept(SocketAddress* peer) override; \
    int take_error() override;                                              \
    bool is_listening() const override
// UNIKIT_SOCKET_OPTION_OPERATIONS: a family with options of its own.
#define UNIKIT_SOCKET_OPTION_OPERATIONS                                                            \
    lib::ErrorOr<void> set_option(int level, int name, const void* value, size_t length) override; \
    lib::ErrorOr<size_t> get_option(int level, int name, void* value, size_t length) override;     \
    void option_changed(int name) override

// The socket behind a vnode, or null when it is not one (ENOTSOCK).
Socket* as_socket(vfs::Vnode&);

// A new socket of `family`, `type` (SOCK_STREAM, ..., no flags) and `protocol`, from the
// family's factory: EAFNOSUPPORT for a family nobody registered, EINVAL for a type out of
// range, and the family's own EPROTONOSUPPORT / ESOCKTNOSUPPORT.
lib::ErrorOr<lib::RefPtr<Socket>> create_socket(int family, int type, int protocol);

struct SocketPair {
    lib::RefPtr<Socket> first;
    lib::RefPtr<Socket> second;
};
// socketpair(): EOPNOTSUPP for families that have no pairs (AF_INET).
lib::ErrorOr<SocketPair> create_socket_pair(int family, int type, int protocol);

// Families register a factory at boot (AF_UNIX is built in). `create_pair` may be null.
using SocketFactory = lib::ErrorOr<lib::RefPtr<Socket>> (*)(int type, int protocol);
using SocketPairFactory = lib::ErrorOr<SocketPair> (*)(int type, int protocol);
void register_socket_family(int family, SocketFactory create, SocketPairFactory create_pair);

// Who is calling, for SO_PEERCRED and SCM_CREDENTIALS: the kernel sets the source (the
// current process's pid, uid and gid); host tests see {0, 0, 0} unless they set one.
using CredentialsSource = Credentials (*)();
void set_credentials_source(CredentialsSource);
Credentials current_credentials();

} // namespace net
