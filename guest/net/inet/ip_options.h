// The IPPROTO_IP and IPPROTO_IPV6 socket options TCP and UDP sockets share (IP_TOS, IP_TTL,
// IPV6_V6ONLY, ...). Int option values are read and written as net/socket_options.h does.
#pragma once

#include "address.h"

#include <lib/error_or.h>
#include <net/socket.h>
#include <net/socket_options.h>
#include <stddef.h>
#include <stdint.h>

#include <lwip/ip.h>

namespace net::inet {

struct IpSettings {
    uint8_t tos { 0 };
    uint8_t ttl { 64 };
    bool v6_only { false };
};

// ENOPROTOOPT for options (or levels) these are not. `bound`: IPV6_V6ONLY no longer changes.
lib::ErrorOr<void> set_ip_option(IpSettings&, int family, bool bound, int level, int name, const void* value, size_t length);
lib::ErrorOr<size_t> get_ip_option(const IpSettings&, int family, int level, int name, void* value, size_t length);

// What TCP and UDP pcbs (both start with lwIP's IP_PCB fields) take from their socket:
// SO_REUSEADDR (SO_REUSEPORT too: lwIP has one flag), TOS, TTL, and for an unbound AF_INET6
// socket whether it also takes IPv4 (IPV6_V6ONLY).
template<typename Pcb>
void apply_ip_settings(Pcb* pcb, Socket& socket, const IpSettings& settings, bool bound)
{
    if (socket.family() == FamilyInet6 && !bound) {
        IP_SET_TYPE_VAL(pcb->local_ip, address_type(socket.family(), settings.v6_only));
        IP_SET_TYPE_VAL(pcb->remote_ip, address_type(socket.family(), settings.v6_only));
    }
    if (socket.options().reuse_address || socket.options().reuse_port)
        ip_set_option(pcb, SOF_REUSEADDR);
    else
        ip_reset_option(pcb, SOF_REUSEADDR);
    pcb->tos = settings.tos;
    pcb->ttl = settings.ttl;
}

} // namespace net::inet
