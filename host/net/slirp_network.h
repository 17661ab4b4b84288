// SlirpNetwork: user-mode networking through libslirp, as QEMU's `-netdev user`: the guest is
// 10.0.2.15/24, 10.0.2.2 is the gateway (and the host's loopback), 10.0.2.3 answers DNS; the
// guest's TCP and UDP connections become the monitor's own sockets, and -p ports are listening
// sockets of the monitor forwarded to the guest. No privileges needed.
#pragma once

#include "host/net/net_device.h"

#include <list>

struct Slirp;

namespace host::net {

class SlirpNetwork final : public NetBackend {
public:
    // Creates the stack and publishes config.ports; throws VmError ("-p 8080:80: address
    // already in use").
    SlirpNetwork(const NetworkConfig& config, FrameQueue& incoming);
    ~SlirpNetwork() override;

    void send(std::span<const uint8_t> frame) override;
    void fill_poll(std::vector<pollfd>& fds, int& timeout_ms) override;
    void service(std::span<const pollfd> fds, bool poll_failed) override;

    struct Timer {
        void (*callback)(void*);
        void* opaque;
        int64_t expire_ms; // -1: not armed
    };

private:
    friend struct SlirpCallbacks;

    Slirp* m_slirp = nullptr;
    FrameQueue& m_incoming;
    std::list<Timer> m_timers;
    std::vector<pollfd>* m_filling = nullptr;
    size_t m_first = 0;                   // where this network's entries begin in the poll set
    std::span<const pollfd> m_polled;
};

} // namespace host::net
