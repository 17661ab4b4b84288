// SOCK_STREAM sockets of AF_INET and AF_INET6: TCP over lwIP's raw API. The socket owns one
// lwIP pcb at a time (a connection's, or a listener's) and hears of it through lwIP's
// callbacks, which queue received data and connections and record errors; every callback that
// may let a blocked call go on calls vfs::notify_state_change(). When the last file closes,
// the connection is closed gracefully (FIN) or, with unread data or SO_LINGER 0, reset.
#pragma once

#include "address.h"
#include "ip_options.h"

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <net/socket.h>

struct tcp_pcb;
struct pbuf;

namespace net::inet {

class TcpSocket final : public Socket {
public:
    static lib::ErrorOr<lib::RefPtr<Socket>> create(int family, int protocol);
    TcpSocket(int family, int protocol);
    ~TcpSocket() override;

    UNIKIT_SOCKET_OPERATIONS;
    UNIKIT_SOCKET_CONNECTION_OPERATIONS;
    UNIKIT_SOCKET_OPTION_OPERATIONS;

private:
    enum class State : uint8_t {
        Unconnected, // never connected (or a failed connect was reported)
        Listening,
        Connecting,
        Connected,  // established; may be half closed either way
        Failed,     // a connect attempt failed; its error not yet reported by connect
        Closed,     // the connection is gone (reset, timed out, or closed by both ends)
    };

    lib::ErrorOr<void> make_pcb();
    void attach(tcp_pcb*);
    void detach();
    void close_connection(bool reset);
    void drop_received();
    void consume(size_t length);
    void apply_settings();
    void remember_local_endpoint();

    static signed char on_accept(void* argument, tcp_pcb* pcb, signed char error);
    static signed char on_connected(void* argument, tcp_pcb* pcb, signed char error);
    static signed char on_receive(void* argument, tcp_pcb* pcb, pbuf* data, signed char error);
    static signed char on_sent(void* argument, tcp_pcb* pcb, uint16_t length);
    static void on_error(void* argument, signed char error);
    static void on_destroyed(uint8_t id, void* argument);

    tcp_pcb* m_pcb { nullptr };
    State m_state { State::Unconnected };
    int m_error { 0 };                   // pending, for SO_ERROR and the next call
    bool m_connect_reported { true };    // a connect's success was returned by connect
    bool m_peer_closed { false };        // FIN received: reads give EOF once the data is read
    bool m_read_shut { false };
    bool m_write_shut { false };
    bool m_no_delay { false };
    bool m_was_bound { false };
    IpSettings m_ip;
    int m_keep_idle { 7200 }, m_keep_interval { 75 }, m_keep_count { 9 }; // seconds, as Linux
    int m_backlog { 0 };

    // Received data not yet read: lwIP pbufs linked through their `next`, the first one read
    // from `m_receive_offset` on.
    pbuf* m_receive_head { nullptr };
    pbuf* m_receive_tail { nullptr };
    size_t m_receive_offset { 0 };
    size_t m_received_bytes { 0 };

    // Listening: connections lwIP accepted that accept() has not taken, oldest first.
    TcpSocket* m_pending_head { nullptr };
    TcpSocket* m_pending_tail { nullptr };
    TcpSocket* m_pending_next { nullptr };

    // Where the socket was bound or connected, for getsockname after the pcb has gone.
    Endpoint m_local {};
};

} // namespace net::inet
