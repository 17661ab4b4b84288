// NetDevice: the monitor's side of the packet device. It owns the network behind it (libslirp
// or a tap device) and the frames waiting for the guest, and lets the monitor's loops watch the
// network's descriptors while they wait for the guest.
#pragma once

#include "host/net/frame_batch.h"
#include "host/vm_config.h"

#include <memory>
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

    // Polls the network's descriptors together with `extra` (placed first) for at most
    // timeout_ms (-1: forever; lowered to the network's next timer) and services the network.
    // Returns poll()'s result for the whole set; `extra`'s revents are filled in.
    int poll_with(std::span<pollfd> extra, int timeout_ms);

    // Services the network without sleeping.
    void service_now() { poll_with({}, 0); }

private:
    std::unique_ptr<NetBackend> m_backend;
    FrameQueue m_incoming;
    std::vector<pollfd> m_fds;
};

} // namespace host::net
