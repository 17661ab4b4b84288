// Parsing the network options of `unikit run`: --net MODE and -p port publishing.
#pragma once

#include "host/vm_config.h"

#include <optional>
#include <stdint.h>
#include <string_view>

namespace cli {

// "10.0.2.15": the IPv4 address in network byte order; nullopt for anything else.
std::optional<uint32_t> parse_ipv4(std::string_view text);

// "--net slirp" (10.0.2.15/24, gateway 10.0.2.2, DNS 10.0.2.3, as QEMU's user networking),
// "--net none", "--net tap:NAME,ip=ADDRESS/PREFIX[,gw=ADDRESS][,dns=ADDRESS]". Keeps `ports`.
// Throws UsageError.
void parse_net(std::string_view spec, host::NetworkConfig& network);

// "-p [HOST_IP:]HOST_PORT:GUEST_PORT[/tcp|/udp]" (option is "-p" or "--publish" for messages).
// Throws UsageError.
host::PortForward parse_publish(std::string_view option, std::string_view spec);

// The checks that need every option: -p only with slirp, no port published twice.
void check_network(const host::NetworkConfig& network);

} // namespace cli
