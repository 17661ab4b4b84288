// Parsing the network options of `unikit run`: --net MODE and -p port publishing.
#include "cli/net_options.h"
#include "cli/options.h"

#include <arpa/inet.h>

namespace cli {

namespace {

constexpr uint32_t address(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    // Network byte order on a little-endian host: the first octet in the lowest byte.
    return static_cast<uint32_t>(a) | static_cast<uint32_t>(b) << 8 | static_cast<uint32_t>(c) << 16
        | static_cast<uint32_t>(d) << 24;
}

std::optional<uint32_t> parse_number(std::string_view text, uint32_t maximum)
{
    if (text.empty() || text.size() > 5)
        return std::nullopt;
    uint32_t value = 0;
    for (char digit : text) {
        if (digit < '0' || digit > '9')
            return std::nullopt;
        value = value * 10 + static_cast<uint32_t>(digit - '0');
    }
    if (value > maximum)
        return std::nullopt;
    return value;
}

std::optional<uint16_t> parse_port(std::string_view text)
{
    auto port = parse_number(text, 65535);
    if (!port || *port == 0)
        return std::nullopt;
    return static_cast<uint16_t>(*port);
}

} // namespace

std::optional<uint32_t> parse_ipv4(std::string_view text)
{
    uint8_t octets[4];
    for (int i = 0; i < 4; ++i) {
        size_t dot = i < 3 ? text.find('.') : text.size();
        if (dot == std::string_view::npos)
            return std::nullopt;
        std::string_view part = text.substr(0, dot);
        // No leading zeros: "010" is octal to inet_aton and would surprise.
        if (part.size() > 1 && part[0] == '0')
            return std::nullopt;
        auto octet = parse_number(part, 255);
        if (!octet)
            return std::nullopt;
        octets[i] = static_cast<uint8_t>(*octet);
        text.remove_prefix(i < 3 ? dot + 1 : dot);
    }
    return address(octets[0], octets[1], octets[2], octets[3]);
}

void parse_net(std::string_view spec, host::NetworkConfig& network)
{
    std::string shown = "--net " + std::string(spec);
    auto ports = std::move(network.ports);
    network = {};
    network.ports = std::move(ports);
    if (spec == "slirp") {
        network.mode = uabi::NetMode::Slirp;
        network.address = address(10, 0, 2, 15);
        network.prefix_length = 24;
        network.gateway = address(10, 0, 2, 2);
        network.dns = address(10, 0, 2, 3);
        return;
    }
    if (spec == "none") {
        network.mode = uabi::NetMode::None;
        return;
    }
    if (!spec.starts_with("tap:"))
        throw UsageError(shown + ": unknown network (use slirp, none or tap:NAME,ip=ADDRESS/PREFIX)", false);
    network.mode = uabi::NetMode::Tap;
    std::string_view rest = spec.substr(4);
    size_t comma = rest.find(',');
    network.tap_name = rest.substr(0, comma);
    // IFNAMSIZ is 16 with the NUL.
    if (network.tap_name.empty() || network.tap_name.size() > 15 || network.tap_name.find('/') != std::string::npos)
        throw UsageError(shown + ": NAME must be a network interface name of 1 to 15 characters", false);
    while (comma != std::string_view::npos) {
        rest.remove_prefix(comma + 1);
        comma = rest.find(',');
        std::string_view setting = rest.substr(0, comma);
        size_t equals = setting.find('=');
        std::string_view key = setting.substr(0, equals);
        std::string_view value = equals == std::string_view::npos ? std::string_view() : setting.substr(equals + 1);
        if (key == "ip") {
            size_t slash = value.find('/');
            auto ip = parse_ipv4(value.substr(0, slash));
            auto prefix = slash == std::string_view::npos ? std::nullopt : parse_number(value.substr(slash + 1), 32);
            if (!ip || !prefix || *prefix == 0)
                throw UsageError(shown + ": ip= needs ADDRESS/PREFIX, e.g. ip=10.0.0.2/24", false);
            network.address = *ip;
            network.prefix_length = static_cast<uint8_t>(*prefix);
        } else if (key == "gw" || key == "dns") {
            auto ip = parse_ipv4(value);
            if (!ip)
                throw UsageError(shown + ": " + std::string(key) + "= needs an IPv4 address", false);
            (key == "gw" ? network.gateway : network.dns) = *ip;
        } else {
            throw UsageError(shown + ": unknown setting '" + std::string(setting) + "' (use ip=, gw= or dns=)", false);
        }
    }
    if (network.address == 0)
        throw UsageError(shown + ": a tap device needs the guest's address: add ,ip=ADDRESS/PREFIX", false);
}

host::PortForward parse_publish(std::string_view option, std::string_view spec)
{
    std::string shown = std::string(option) + " " + std::string(spec);
    auto bad = [&](const std::string& why) { return UsageError(shown + ": " + why, false); };
    host::PortForward forward;
    forward.spec = spec;
    std::string_view ports = spec;
    if (size_t slash = spec.rfind('/'); slash != std::string_view::npos) {
        std::string_view protocol = spec.substr(slash + 1);
        if (protocol == "udp")
            forward.udp = true;
        else if (protocol != "tcp")
            throw bad("unknown protocol '" + std::string(protocol) + "' (use tcp or udp)");
        ports = spec.substr(0, slash);
    }
    size_t last = ports.rfind(':');
    if (last == std::string_view::npos)
        throw bad("expected [HOST_IP:]HOST_PORT:GUEST_PORT[/tcp|/udp]");
    std::string_view host_part = ports.substr(0, last);
    if (size_t first = host_part.rfind(':'); first != std::string_view::npos) {
        auto ip = parse_ipv4(host_part.substr(0, first));
        if (!ip)
            throw bad("HOST_IP must be an IPv4 address");
        forward.host_address = *ip;
        host_part = host_part.substr(first + 1);
    }
    auto host_port = parse_port(host_part);
    auto guest_port = parse_port(ports.substr(last + 1));
    if (!host_port || !guest_port)
        throw bad("ports must be numbers from 1 to 65535");
    forward.host_port = *host_port;
    forward.guest_port = *guest_port;
    return forward;
}

void check_network(const host::NetworkConfig& network)
{
    if (!network.ports.empty() && network.mode != uabi::NetMode::Slirp)
        throw UsageError("-p " + network.ports.front().spec + ": publishing ports needs --net slirp", false);
    for (size_t i = 0; i < network.ports.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            auto const& a = network.ports[i];
            auto const& b = network.ports[j];
            if (a.udp == b.udp && a.host_port == b.host_port && (a.host_address == b.host_address || !a.host_address || !b.host_address))
                throw UsageError("-p " + a.spec + ": host port " + std::to_string(a.host_port) + " is already published", false);
        }
    }
}

} // namespace cli
