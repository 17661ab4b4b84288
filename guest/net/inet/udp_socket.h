// SOCK_DGRAM sockets of AF_INET and AF_INET6: UDP over lwIP's raw API. Datagrams lwIP hands
// the socket wait in a queue, bounded by SO_RCVBUF (what does not fit is dropped, as on Linux);
// a send hands one datagram to lwIP at once, so it never blocks.
#pragma once

#include "address.h"
#include "ip_options.h"

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <net/socket.h>

struct udp_pcb;
struct pbuf;

namespace net::inet {

class UdpSocket final : public Socket {
public:
    static lib::ErrorOr<lib::RefPtr<Socket>> create(int family, int protocol);
    UdpSocket(int family, int protocol);
    ~UdpSocket() override;

    lib::ErrorOr<void> bind(const SocketAddress&) override;
    lib::ErrorOr<void> connect(const SocketAddress&, bool nonblocking) override;
    lib::ErrorOr<size_t> send(const SendRequest&) override;
    lib::ErrorOr<ReceiveResult> receive(const ReceiveRequest&) override;
    lib::ErrorOr<void> shutdown(int how) override;
    lib::ErrorOr<SocketAddress> local_address() override;
    lib::ErrorOr<SocketAddress> peer_address() override;
    lib::ErrorOr<void> set_option(int level, int name, const void* value, size_t length) override;
    lib::ErrorOr<size_t> get_option(int level, int name, void* value, size_t length) override;
    void option_changed(int name) override;
    void release() override;
    uint32_t poll_events() override;

private:
    struct Datagram {
        pbuf* data;
        Endpoint source;
        Datagram* next;
    };

    lib::ErrorOr<void> make_pcb();
    void apply_settings();
    void drop_queue();
    static void on_receive(void* argument, udp_pcb* pcb, pbuf* data, const ip_addr_t* address, uint16_t port);

    udp_pcb* m_pcb { nullptr };
    bool m_connected { false };
    bool m_bound { false };
    bool m_read_shut { false };
    bool m_write_shut { false };
    IpSettings m_ip;
    Datagram* m_head { nullptr };
    Datagram* m_tail { nullptr };
    size_t m_queued_bytes { 0 };
};

} // namespace net::inet
