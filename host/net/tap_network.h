// TapNetwork: the guest's frames on an existing host tap device (--net tap:NAME), for bridged,
// full-speed networking. The device must exist and be usable by the caller (e.g. made with
// `ip tuntap add NAME mode tap user USER`); the guest's address is static (ip=, gw=, dns=).
#pragma once

#include "host/net/net_device.h"

namespace host::net {

class TapNetwork final : public NetBackend {
public:
    // Opens /dev/net/tun and attaches to NAME; throws VmError.
    TapNetwork(const NetworkConfig& config, FrameQueue& incoming);
    ~TapNetwork() override;

    void send(std::span<const uint8_t> frame) override;
    void fill_poll(std::vector<pollfd>& fds, int& timeout_ms) override;
    void service(std::span<const pollfd> fds, bool poll_failed) override;

private:
    FrameQueue& m_incoming;
    int m_fd = -1;
};

} // namespace host::net
