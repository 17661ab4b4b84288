// NetDevice: the network behind the packet device, and polling it beside the monitor's own
// descriptors.
#include "host/net/net_device.h"
#include "host/net/slirp_network.h"
#include "host/net/tap_network.h"

#include <errno.h>

namespace host::net {

std::unique_ptr<NetDevice> NetDevice::create(const NetworkConfig& config)
{
    if (config.mode == uabi::NetMode::None)
        return nullptr;
    auto device = std::make_unique<NetDevice>();
    if (config.mode == uabi::NetMode::Slirp)
        device->m_backend = std::make_unique<SlirpNetwork>(config, device->m_incoming);
    else
        device->m_backend = std::make_unique<TapNetwork>(config, device->m_incoming);
    return device;
}

int NetDevice::poll_with(std::span<pollfd> extra, int timeout_ms)
{
    m_fds.assign(extra.begin(), extra.end());
    m_backend->fill_poll(m_fds, timeout_ms);
    int ready = poll(m_fds.data(), m_fds.size(), timeout_ms);
    bool failed = ready < 0 && errno != EINTR;
    int error = errno;
    if (ready < 0)
        for (auto& fd : m_fds)
            fd.revents = 0;
    m_backend->service(std::span<const pollfd>(m_fds).subspan(extra.size()), failed);
    for (size_t i = 0; i < extra.size(); ++i)
        extra[i].revents = m_fds[i].revents;
    errno = error;
    return ready;
}

std::string NetDevice::exchange()
{
    if (!m_rings)
        return {};
    std::string problem = m_rings->take_transmitted([&](std::span<const uint8_t> frame) { m_backend->send(frame); });
    if (problem.empty())
        problem = m_rings->give_received(m_incoming);
    return problem;
}

int NetDevice::exchange_and_poll(std::span<pollfd> extra, int timeout_ms, std::string& problem)
{
    // Sleep only once the guest has been asked to notify and the rings did not change after.
    for (;;) {
        problem = exchange();
        if (!problem.empty())
            return -1;
        if (!m_rings || m_rings->ask_for_notify(m_incoming))
            break;
    }
    int ready = poll_with(extra, timeout_ms);
    int error = errno;
    if (m_rings)
        m_rings->stop_asking();
    problem = exchange();
    errno = error;
    return problem.empty() ? ready : -1;
}

} // namespace host::net
