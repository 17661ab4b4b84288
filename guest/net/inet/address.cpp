// Converting socket addresses between the program's sockaddr and lwIP (see address.h).
#include "address.h"

#include <lib/errno_codes.h>

#include <lwip/err.h>
#include <lwip/netif.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);

namespace net::inet {

namespace {

constexpr uint32_t SOCKADDR_IN_SIZE = 16;
constexpr uint32_t SOCKADDR_IN6_SIZE = 28;
constexpr uint32_t SOCKADDR_IN6_MINIMUM = 24; // without sin6_scope_id (RFC 2133)

uint16_t read_be16(const uint8_t* bytes) { return static_cast<uint16_t>(bytes[0] << 8 | bytes[1]); }

void write_be16(uint8_t* bytes, uint16_t value)
{
    bytes[0] = static_cast<uint8_t>(value >> 8);
    bytes[1] = static_cast<uint8_t>(value);
}

uint32_t read_u32(const uint8_t* bytes)
{
    uint32_t value;
    memcpy(&value, bytes, sizeof(value));
    return value;
}

bool is_v4_mapped(const uint8_t* address)
{
    for (int i = 0; i < 10; ++i)
        if (address[i])
            return false;
    return address[10] == 0xff && address[11] == 0xff;
}

bool is_unspecified6(const uint8_t* address)
{
    for (int i = 0; i < 16; ++i)
        if (address[i])
            return false;
    return true;
}

} // namespace

lib::ErrorOr<Endpoint> read_endpoint(int family, const SocketAddress& socket_address, AddressUse use, bool v6_only)
{
    const uint8_t* bytes = socket_address.bytes;
    Endpoint endpoint {};
    if (family == FamilyInet) {
        if (socket_address.length < SOCKADDR_IN_SIZE)
            return EINVAL;
        uint16_t given = socket_address.family();
        uint32_t address = read_u32(bytes + 4);
        if (given != FamilyInet && !(use == AddressUse::Bind && given == FamilyUnspecified && address == 0))
            return EAFNOSUPPORT;
        endpoint.port = read_be16(bytes + 2);
        ip_addr_set_ip4_u32_val(endpoint.address, address);
        return endpoint;
    }
    if (socket_address.length < SOCKADDR_IN6_MINIMUM)
        return EINVAL;
    if (socket_address.family() != FamilyInet6)
        return EAFNOSUPPORT;
    endpoint.port = read_be16(bytes + 2);
    const uint8_t* address = bytes + 8;
    if (is_v4_mapped(address)) {
        if (v6_only)
            return use == AddressUse::Bind ? EINVAL : ENETUNREACH;
        ip_addr_set_ip4_u32_val(endpoint.address, read_u32(address + 12));
        return endpoint;
    }
    if (is_unspecified6(address) && use == AddressUse::Bind && !v6_only) {
        ip_addr_copy(endpoint.address, *IP_ANY_TYPE);
        return endpoint;
    }
    IP_ADDR6(&endpoint.address, read_u32(address), read_u32(address + 4), read_u32(address + 8), read_u32(address + 12));
    uint32_t scope = socket_address.length >= SOCKADDR_IN6_SIZE ? read_u32(bytes + 24) : 0;
    if (scope && ip6_addr_has_scope(ip_2_ip6(&endpoint.address), IP6_UNKNOWN))
        ip6_addr_set_zone(ip_2_ip6(&endpoint.address), static_cast<u8_t>(scope));
    return endpoint;
}

SocketAddress write_endpoint(int family, const ip_addr_t& address, uint16_t port)
{
    SocketAddress result;
    memset(result.bytes, 0, sizeof(result.bytes));
    result.bytes[0] = static_cast<uint8_t>(family);
    write_be16(result.bytes + 2, port);
    if (family == FamilyInet) {
        uint32_t value = IP_IS_V4_VAL(address) ? ip4_addr_get_u32(ip_2_ip4(&address)) : 0;
        memcpy(result.bytes + 4, &value, sizeof(value));
        result.length = SOCKADDR_IN_SIZE;
        return result;
    }
    uint8_t* out = result.bytes + 8;
    if (IP_IS_V4_VAL(address)) {
        uint32_t value = ip4_addr_get_u32(ip_2_ip4(&address));
        if (value != 0) { // 0.0.0.0 shows as ::, not ::ffff:0.0.0.0
            out[10] = out[11] = 0xff;
            memcpy(out + 12, &value, sizeof(value));
        }
    } else if (IP_IS_V6_VAL(address)) {
        const ip6_addr_t* ip6 = ip_2_ip6(&address);
        memcpy(out, ip6->addr, 16);
        uint32_t scope = ip6_addr_zone(ip6);
        memcpy(result.bytes + 24, &scope, sizeof(scope));
    }
    result.length = SOCKADDR_IN6_SIZE;
    return result;
}

bool is_local_address(const ip_addr_t& address)
{
    if (ip_addr_isany(&address))
        return true;
    if (IP_IS_V4_VAL(address) && ip4_addr_isloopback(ip_2_ip4(&address)))
        return true;
    struct netif* interface;
    NETIF_FOREACH(interface)
    {
        if (IP_IS_V4_VAL(address) && ip4_addr_cmp(ip_2_ip4(&address), netif_ip4_addr(interface)))
            return true;
        if (IP_IS_V6_VAL(address) && netif_get_ip6_addr_match(interface, ip_2_ip6(&address)) >= 0)
            return true;
    }
    return false;
}

uint8_t address_type(int family, bool v6_only)
{
    if (family == FamilyInet)
        return IPADDR_TYPE_V4;
    return v6_only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
}

lib::Error error_from_lwip(int8_t error)
{
    switch (error) {
    case ERR_MEM:
    case ERR_BUF:
        return ENOBUFS;
    case ERR_TIMEOUT:
        return ETIMEDOUT;
    case ERR_RTE:
        return ENETUNREACH;
    case ERR_INPROGRESS:
        return EINPROGRESS;
    case ERR_VAL:
    case ERR_ARG:
        return EINVAL;
    case ERR_WOULDBLOCK:
        return EAGAIN;
    case ERR_USE:
        return EADDRINUSE;
    case ERR_ALREADY:
        return EALREADY;
    case ERR_ISCONN:
        return EISCONN;
    case ERR_CONN:
        return ENOTCONN;
    case ERR_ABRT:
        return ECONNABORTED;
    case ERR_RST:
        return ECONNRESET;
    case ERR_CLSD:
        return ENOTCONN;
    case ERR_IF:
        return EIO;
    default:
        return EIO;
    }
}

} // namespace net::inet
