// Socket addresses of AF_INET (struct sockaddr_in) and AF_INET6 (struct sockaddr_in6) sockets
// and lwIP's ip_addr_t. An AF_INET6 socket is dual-stack as on Linux (IPV6_V6ONLY off): it
// reaches IPv4 peers through v4-mapped addresses (::ffff:a.b.c.d), which lwIP sees as IPv4.
#pragma once

#include <lib/error_or.h>
#include <net/socket.h>
#include <stdint.h>

#include <lwip/ip_addr.h>

namespace net::inet {

inline constexpr int PROTOCOL_IP = 0, PROTOCOL_TCP = 6, PROTOCOL_UDP = 17, PROTOCOL_IPV6 = 41;

struct Endpoint {
    ip_addr_t address;
    uint16_t port; // host byte order
};

enum class AddressUse { Bind, Connect };

// The endpoint a program names for a socket of `family`: EINVAL when too short,
// EAFNOSUPPORT for another family (but AF_UNSPEC with INADDR_ANY binds an AF_INET socket, as
// on Linux). The unspecified address becomes lwIP's "any" (of both versions for a dual-stack
// AF_INET6 socket unless `v6_only`).
lib::ErrorOr<Endpoint> read_endpoint(int family, const SocketAddress&, AddressUse, bool v6_only);
// The sockaddr a socket of `family` shows for `address`:`port`.
SocketAddress write_endpoint(int family, const ip_addr_t& address, uint16_t port);
// Whether `address` is one of the guest's (or "any"), so a socket may bind it.
bool is_local_address(const ip_addr_t& address);
// lwIP's address type for a new socket of `family`: IPv4, or both for a dual-stack AF_INET6.
uint8_t address_type(int family, bool v6_only);
// lwIP's error as the errno Linux gives for the same failure.
lib::Error error_from_lwip(int8_t error);

} // namespace net::inet
