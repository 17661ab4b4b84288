// AF_INET and AF_INET6: socket() for TCP and UDP, registered with the socket layer at boot.
// lwIP starts with the first such socket (at once with --log-level debug, for a self-test).
#include "self_test.h"
#include "stack.h"
#include "tcp_socket.h"
#include "udp_socket.h"

#include <kernel/log.h>
#include <lib/errno_codes.h>
#include <net/inet.h>

namespace net {

namespace {

lib::ErrorOr<lib::RefPtr<Socket>> create_inet_socket(int family, int type, int protocol)
{
    if (type == TypeStream) {
        if (protocol != inet::PROTOCOL_IP && protocol != inet::PROTOCOL_TCP)
            return EPROTONOSUPPORT;
        inet::start_stack();
        return inet::TcpSocket::create(family, inet::PROTOCOL_TCP);
    }
    if (type == TypeDatagram) {
        if (protocol != inet::PROTOCOL_IP && protocol != inet::PROTOCOL_UDP)
            return EPROTONOSUPPORT;
        inet::start_stack();
        return inet::UdpSocket::create(family, inet::PROTOCOL_UDP);
    }
    // FIXME: SOCK_RAW (ping) needs lwIP's raw API and root's CAP_NET_RAW.
    return type == TypeRaw ? EPERM : ESOCKTNOSUPPORT;
}

lib::ErrorOr<lib::RefPtr<Socket>> create_inet4_socket(int type, int protocol) { return create_inet_socket(FamilyInet, type, protocol); }
lib::ErrorOr<lib::RefPtr<Socket>> create_inet6_socket(int type, int protocol) { return create_inet_socket(FamilyInet6, type, protocol); }

} // namespace

void register_inet_families()
{
    register_socket_family(FamilyInet, create_inet4_socket, nullptr);
    register_socket_family(FamilyInet6, create_inet6_socket, nullptr);
    if (kernel::log_enabled(uabi::LogLevel::Debug))
        inet::self_test();
}

} // namespace net
