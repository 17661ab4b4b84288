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

    UNIKIT_SOCKET_OPERATIONS;
    UNIKIT_SOCKET_OPTION_OPERATIONS;

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
