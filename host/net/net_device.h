// NetDevice: the monitor's side of the packet device. It owns the network behind it (libslirp
// or a tap device), the frames waiting for the guest and the rings in guest RAM, and lets the
// monitor's loops watch the network's descriptors while they wait for the guest.
#pragma once

#include "host/net/frame_rings.h"
#include "host/vm_config.h"

#include <memory>
#include <optional>
#include <poll.h>
#include <span>
#include <stdint.h>
#include <vector>

namespace host::net {

// What carries the guest's frames: user-mode networking or a tap device.
class NetBackend {
public:
    virtual ~NetBackend() = default;
    // Sends one frame from the guest to the network (which may drop it).
    virtual void send(std::span<const uint8_t> frame) = 0;
    // Adds the descriptors to watch to `fds` and lowers `timeout_ms` (-1: none) to the
    // network's next timer.
    virtual void fill_poll(std::vector<pollfd>& fds, int& timeout_ms) = 0;
    // Handles what poll() reported in `fds` (the entries fill_poll added), and expired timers;
    // frames for the guest go to the device's queue.
    virtual void service(std::span<const pollfd> fds, bool poll_failed) = 0;
};

class NetDevice {
public:
    // The network `config` asks for (nullptr for NetMode::None). Throws VmError with a one-line
    // message ("-p 8080:80: address already in use", "--net tap:tap0: ...").
    static std::unique_ptr<NetDevice> create(const NetworkConfig& config);

    FrameQueue& incoming() { return m_incoming; }
    NetBackend& backend() { return *m_backend; }

    // The rings in guest RAM (abi/net_device.h), once it exists.
    void attach(const GuestMemory& memory) { m_rings.emplace(memory); }
    // Sends what the guest put in the transmit ring and moves waiting frames into the receive
    // ring. Returns what is wrong with a ring (the VM must stop), or an empty string.
    std::string exchange();
    // The receive ring holds frames the guest has not taken.
    bool guest_has_frames() const { return m_rings && m_rings->guest_has_frames(); }
    // Exchanges, then sleeps in poll() on the network and `extra` until something is ready,
    // asking the guest for NetNotify meanwhile; then exchanges again. Returns poll()'s result,
    // or -1 with `problem` set when a ring is wrong.
    int exchange_and_poll(std::span<pollfd> extra, int timeout_ms, std::string& problem);
    uint64_t frames_sent() const { return m_rings ? m_rings->frames_sent() : 0; }
    uint64_t frames_received() const { return m_rings ? m_rings->frames_received() : 0; }

    // Polls the network's descriptors together with `extra` (placed first) for at most
    // timeout_ms (-1: forever; lowered to the network's next timer) and services the network.
    // Returns poll()'s result for the whole set; `extra`'s revents are filled in.
    int poll_with(std::span<pollfd> extra, int timeout_ms);

    // Services the network without sleeping.
    void service_now() { poll_with({}, 0); }

private:
    std::unique_ptr<NetBackend> m_backend;
    FrameQueue m_incoming;
    std::optional<FrameRings> m_rings;
    std::vector<pollfd> m_fds;
};

} // namespace host::net
