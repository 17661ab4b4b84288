// UDP sockets over lwIP's raw API (see udp_socket.h).
#include "udp_socket.h"

#include "stack.h"

#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <net/socket_options.h>
#include <vfs/wait.h>

#include <lwip/pbuf.h>
#include <lwip/udp.h>

namespace net::inet {

namespace {

// The largest UDP payload in one IPv4 datagram (65535 - 20 - 8); IPv6 allows 65527 (no
// jumbograms), but lwIP's pbufs stop at 65535 bytes with the headers.
constexpr size_t UDP_MAX_PAYLOAD = 65507;
// What a queued datagram costs against SO_RCVBUF besides its bytes (Linux counts its skb).
constexpr size_t DATAGRAM_OVERHEAD = 256;

} // namespace

lib::ErrorOr<lib::RefPtr<Socket>> UdpSocket::create(int family, int protocol)
{
    auto socket = lib::make_ref<UdpSocket>(family, protocol);
    if (!socket)
        return ENOMEM;
    TRY(socket->make_pcb());
    return lib::RefPtr<Socket>(socket);
}

UdpSocket::UdpSocket(int family, int protocol)
    : Socket(family, TypeDatagram, protocol)
{
}

UdpSocket::~UdpSocket() { release(); }

lib::ErrorOr<void> UdpSocket::make_pcb()
{
    m_pcb = udp_new_ip_type(address_type(family(), m_ip.v6_only));
    if (!m_pcb)
        return ENOMEM;
    udp_recv(m_pcb, on_receive, this);
    apply_settings();
    return {};
}

void UdpSocket::apply_settings()
{
    if (!m_pcb)
        return;
    apply_ip_settings(m_pcb, *this, m_ip, m_bound);
    if (options().broadcast)
        ip_set_option(m_pcb, SOF_BROADCAST);
    else
        ip_reset_option(m_pcb, SOF_BROADCAST);
}

void UdpSocket::release()
{
    if (m_pcb) {
        udp_remove(m_pcb);
        m_pcb = nullptr;
    }
    drop_queue();
}

void UdpSocket::drop_queue()
{
    while (Datagram* datagram = m_head) {
        m_head = datagram->next;
        pbuf_free(datagram->data);
        lib::destroy(datagram);
    }
    m_tail = nullptr;
    m_queued_bytes = 0;
}

void UdpSocket::on_receive(void* argument, udp_pcb*, pbuf* data, const ip_addr_t* address, uint16_t port)
{
    auto* socket = static_cast<UdpSocket*>(argument);
    size_t cost = data->tot_len + DATAGRAM_OVERHEAD;
    Datagram* datagram = nullptr;
    if (socket && !socket->m_read_shut && socket->m_queued_bytes + cost <= socket->options().receive_buffer)
        datagram = lib::make<Datagram>();
    if (!datagram) {
        pbuf_free(data);
        return;
    }
    datagram->data = data;
    ip_addr_copy(datagram->source.address, *address);
    datagram->source.port = port;
    if (socket->m_tail)
        socket->m_tail->next = datagram;
    else
        socket->m_head = datagram;
    socket->m_tail = datagram;
    socket->m_queued_bytes += cost;
    socket->announce(Readable);
}

lib::ErrorOr<void> UdpSocket::bind(const SocketAddress& address)
{
    Endpoint endpoint = TRY(read_endpoint(family(), address, AddressUse::Bind, m_ip.v6_only));
    if (m_bound || !m_pcb)
        return EINVAL;
    if (!is_local_address(endpoint.address))
        return EADDRNOTAVAIL;
    apply_settings();
    err_t error = udp_bind(m_pcb, &endpoint.address, endpoint.port);
    if (error != ERR_OK)
        return error == ERR_USE ? EADDRINUSE : error_from_lwip(error);
    m_bound = true;
    return {};
}

lib::ErrorOr<void> UdpSocket::connect(const SocketAddress& address, bool)
{
    if (!m_pcb)
        return EINVAL;
    if (address.length >= 2 && address.family() == FamilyUnspecified) {
        udp_disconnect(m_pcb);
        m_connected = false;
        return {};
    }
    Endpoint endpoint = TRY(read_endpoint(family(), address, AddressUse::Connect, m_ip.v6_only));
    err_t error = udp_connect(m_pcb, &endpoint.address, endpoint.port);
    if (error != ERR_OK)
        return error_from_lwip(error);
    m_connected = true;
    m_bound = true;
    return {};
}

lib::ErrorOr<size_t> UdpSocket::send(const SendRequest& request)
{
    if (!m_pcb)
        return EPIPE;
    if (m_write_shut)
        return EPIPE;
    Endpoint destination {};
    if (request.destination && request.destination->length) {
        destination = TRY(read_endpoint(family(), *request.destination, AddressUse::Connect, m_ip.v6_only));
    } else if (m_connected) {
        ip_addr_copy(destination.address, m_pcb->remote_ip);
        destination.port = m_pcb->remote_port;
    } else {
        return EDESTADDRREQ;
    }
    if (request.length > UDP_MAX_PAYLOAD)
        return EMSGSIZE;
    pbuf* packet = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(request.length), PBUF_RAM);
    if (!packet)
        return ENOBUFS;
    if (request.length)
        __builtin_memcpy(packet->payload, request.data, request.length);
    err_t error = udp_sendto(m_pcb, packet, &destination.address, destination.port);
    pbuf_free(packet);
    if (error != ERR_OK)
        return error == ERR_RTE ? ENETUNREACH : error_from_lwip(error);
    m_bound = true;
    run_stack();
    return request.length;
}

lib::ErrorOr<ReceiveResult> UdpSocket::receive(const ReceiveRequest& request)
{
    if (request.flags & MessageOutOfBand)
        return EOPNOTSUPP;
    Datagram* datagram = m_head;
    if (!datagram) {
        if (m_read_shut)
            return ReceiveResult { 0, 0, 0 };
        return EAGAIN;
    }
    size_t full = datagram->data->tot_len;
    size_t length = request.length < full ? request.length : full;
    if (length)
        pbuf_copy_partial(datagram->data, request.buffer, static_cast<u16_t>(length), 0);
    if (request.source)
        *request.source = write_endpoint(family(), datagram->source.address, datagram->source.port);
    ReceiveResult result { length, full, length < full ? static_cast<uint32_t>(MessageTruncated) : 0 };
    if (!(request.flags & MessagePeek)) {
        m_head = datagram->next;
        if (!m_head)
            m_tail = nullptr;
        m_queued_bytes -= full + DATAGRAM_OVERHEAD;
        pbuf_free(datagram->data);
        lib::destroy(datagram);
    }
    return result;
}

lib::ErrorOr<void> UdpSocket::shutdown(int how)
{
    if (how < ShutdownRead || how > ShutdownBoth)
        return EINVAL;
    if (!m_connected)
        return ENOTCONN;
    if (how != ShutdownWrite)
        m_read_shut = true;
    if (how != ShutdownRead)
        m_write_shut = true;
    announce(Readable | Writable);
    return {};
}

lib::ErrorOr<SocketAddress> UdpSocket::local_address()
{
    if (!m_pcb)
        return write_endpoint(family(), *IP4_ADDR_ANY, 0);
    return write_endpoint(family(), m_pcb->local_ip, m_pcb->local_port);
}

lib::ErrorOr<SocketAddress> UdpSocket::peer_address()
{
    if (!m_connected || !m_pcb)
        return ENOTCONN;
    return write_endpoint(family(), m_pcb->remote_ip, m_pcb->remote_port);
}

lib::ErrorOr<void> UdpSocket::set_option(int level, int name, const void* value, size_t length)
{
    TRY(set_ip_option(m_ip, family(), m_bound, level, name, value, length));
    apply_settings();
    return {};
}

lib::ErrorOr<size_t> UdpSocket::get_option(int level, int name, void* value, size_t length)
{
    return get_ip_option(m_ip, family(), level, name, value, length);
}

void UdpSocket::option_changed(int name)
{
    if (name == OptionReuseAddress || name == OptionReusePort || name == OptionBroadcast)
        apply_settings();
}

uint32_t UdpSocket::poll_events()
{
    uint32_t events = POLL_OUT;
    if (m_head || m_read_shut)
        events |= POLL_IN;
    if (m_read_shut)
        events |= POLL_READ_HANGUP;
    if (m_read_shut && m_write_shut)
        events |= POLL_HANGUP;
    return events;
}

} // namespace net::inet
