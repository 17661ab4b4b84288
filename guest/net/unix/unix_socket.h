// AF_UNIX sockets inside the unix library: the socket object, its queue of messages, and the
// table of bound names (see net/unix_socket.h for the public face).
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <net/socket.h>
#include <net/unix_socket.h>

namespace net::unix_sockets {

class UnixSocket;

// How many datagrams a receive queue holds (/proc/sys/net/unix/max_dgram_qlen).
inline constexpr size_t DATAGRAM_QUEUE_MAX = 10;

// One send's worth of data in a receive queue (a datagram, or part of a stream), with the
// control messages that came with it.
struct Message {
    Message* next { nullptr };
    uint8_t* data { nullptr };
    size_t length { 0 };
    size_t consumed { 0 }; // streams: bytes already read
    lib::RefPtr<UnixSocket> sender;
    size_t charge { 0 }; // what it counts against the sender's SO_SNDBUF
    Credentials credentials {};
    lib::RefPtr<vfs::OpenFile>* files { nullptr };
    uint32_t file_count { 0 };

    size_t remaining() const { return length - consumed; }
};

// A socket's name: none, a path (kept with its NUL, as getsockname reports it) or an
// abstract name (a leading NUL; all `length` bytes count).
struct UnixName {
    uint8_t bytes[SocketAddress::CAPACITY];
    uint32_t length { 0 }; // of the whole sockaddr_un, family included; 0: unbound
    bool is_path { false };
    NodeIdentity node {};  // for a path: the node bind() made
};

class UnixSocket final : public Socket {
public:
    UnixSocket(int type);
    ~UnixSocket() override;

    UNIKIT_SOCKET_OPERATIONS;
    UNIKIT_SOCKET_CONNECTION_OPERATIONS;
    lib::ErrorOr<Credentials> peer_credentials() override;
    lib::ErrorOr<int64_t> readable_bytes() override;

    // Joins two new sockets (socketpair).
    static void connect_pair(UnixSocket&, UnixSocket&);

    const UnixName& name() const { return m_name; }
    bool is_released() const { return m_released; }
    UnixSocket* next_bound { nullptr }; // the table of names

private:
    enum class State : uint8_t { Unconnected, Listening, Connected };
    static constexpr uint8_t RECEIVE_SHUT = 1, SEND_SHUT = 2;

    bool is_connection_based() const { return socket_type() != TypeDatagram; }
    lib::ErrorOr<void> autobind();
    lib::ErrorOr<void> bind_name(const UnixName&);
    lib::ErrorOr<size_t> send_stream(const SendRequest&);
    lib::ErrorOr<size_t> send_datagram(const SendRequest&);
    lib::ErrorOr<ReceiveResult> receive_stream(const ReceiveRequest&);
    lib::ErrorOr<ReceiveResult> receive_datagram(const ReceiveRequest&);
    lib::ErrorOr<ReceiveResult> nothing_to_receive();
    // Queues `length` bytes for `receiver` as one message; null when out of memory.
    lib::ErrorOr<void> enqueue(UnixSocket& receiver, const void* data, size_t length, Ancillary* ancillary);
    void give_sender_address(Message&, SocketAddress*);
    void hand_over_controls(Message&, const ReceiveRequest&, bool peek, ReceiveResult&);
    Message* pop();
    void free_message(Message*);
    void purge_queue();
    bool writable() const;
    size_t queue_length() const;

    State m_state { State::Unconnected };
    uint8_t m_shutdown { 0 };
    int m_error { 0 };
    UnixName m_name;
    lib::RefPtr<UnixSocket> m_peer; // connected peer; a datagram socket's default destination
    Credentials m_peer_credentials { 0, 65534, 65534 };
    Credentials m_own_credentials {};
    Message* m_head { nullptr };
    Message* m_tail { nullptr };
    size_t m_send_charge { 0 }; // bytes of ours queued at receivers, against SO_SNDBUF
    // A listener's connections waiting for accept(); a connection's place in that queue.
    lib::RefPtr<UnixSocket> m_pending_head;
    UnixSocket* m_pending_tail { nullptr };
    lib::RefPtr<UnixSocket> m_next_pending;
    uint32_t m_pending_count { 0 };
    int m_backlog { 0 };
    bool m_embryo { false }; // a connection not yet accepted
    bool m_released { false };
};

// The table of bound names.
UnixSocket* find_bound(const UnixName&);
void add_bound(UnixSocket&);
void remove_bound(UnixSocket&);
// The socket bound to `address` (a sockaddr_un), for connect and sendto: ECONNREFUSED when
// nobody is, EPROTOTYPE when it is of another type.
lib::ErrorOr<lib::RefPtr<UnixSocket>> find_peer(const SocketAddress& address, int type);

} // namespace net::unix_sockets
