// IPPROTO_IP and IPPROTO_IPV6 options (see ip_options.h).
#include "ip_options.h"

#include "address.h"

#include <lib/errno_codes.h>
#include <net/socket.h>

namespace net::inet {

namespace {

enum IpOption : int {
    IpTos = 1,
    IpTtl = 2,
    IpPacketInfo = 8,
    IpMtuDiscover = 10,
    IpReceiveError = 11,
    IpFreeBind = 15,
    IpBindAddressNoPort = 24,
};

enum Ipv6Option : int {
    Ipv6UnicastHops = 16,
    Ipv6MtuDiscover = 23,
    Ipv6ReceiveError = 25,
    Ipv6V6Only = 26,
    Ipv6ReceivePacketInfo = 49,
    Ipv6TrafficClass = 67,
};

// Options programs set that change nothing here: accepted, and read back as 0.
bool is_ignored(int level, int name)
{
    if (level == PROTOCOL_IP)
        return name == IpPacketInfo || name == IpMtuDiscover || name == IpReceiveError || name == IpFreeBind || name == IpBindAddressNoPort;
    return name == Ipv6MtuDiscover || name == Ipv6ReceiveError || name == Ipv6ReceivePacketInfo;
}

} // namespace

lib::ErrorOr<void> set_ip_option(IpSettings& settings, int family, bool bound, int level, int name, const void* value, size_t length)
{
    if (level != PROTOCOL_IP && !(level == PROTOCOL_IPV6 && family == FamilyInet6))
        return ENOPROTOOPT;
    int number = TRY(read_int_option(value, length));
    if (is_ignored(level, name))
        return {};
    if ((level == PROTOCOL_IP && name == IpTos) || (level == PROTOCOL_IPV6 && name == Ipv6TrafficClass)) {
        settings.tos = static_cast<uint8_t>(number);
        return {};
    }
    if ((level == PROTOCOL_IP && name == IpTtl) || (level == PROTOCOL_IPV6 && name == Ipv6UnicastHops)) {
        if (number == -1)
            number = 64;
        if (number < 1 || number > 255)
            return EINVAL;
        settings.ttl = static_cast<uint8_t>(number);
        return {};
    }
    if (level == PROTOCOL_IPV6 && name == Ipv6V6Only) {
        if (bound)
            return EINVAL;
        settings.v6_only = number != 0;
        return {};
    }
    return ENOPROTOOPT;
}

lib::ErrorOr<size_t> get_ip_option(const IpSettings& settings, int family, int level, int name, void* value, size_t length)
{
    if (level != PROTOCOL_IP && !(level == PROTOCOL_IPV6 && family == FamilyInet6))
        return ENOPROTOOPT;
    if (is_ignored(level, name))
        return write_int_option(value, length, 0);
    if ((level == PROTOCOL_IP && name == IpTos) || (level == PROTOCOL_IPV6 && name == Ipv6TrafficClass))
        return write_int_option(value, length, settings.tos);
    if ((level == PROTOCOL_IP && name == IpTtl) || (level == PROTOCOL_IPV6 && name == Ipv6UnicastHops))
        return write_int_option(value, length, settings.ttl);
    if (level == PROTOCOL_IPV6 && name == Ipv6V6Only)
        return write_int_option(value, length, settings.v6_only);
    return ENOPROTOOPT;
}

} // namespace net::inet
