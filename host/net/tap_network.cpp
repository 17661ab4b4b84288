// TapNetwork: frames to and from a host tap device (IFF_TAP | IFF_NO_PI: bare Ethernet frames).
#include "host/net/tap_network.h"
#include "host/vm_error.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace host::net {

TapNetwork::TapNetwork(const NetworkConfig& config, FrameQueue& incoming)
    : m_incoming(incoming)
{
    std::string shown = "--net tap:" + config.tap_name;
    // TUNSETIFF would create a missing device for a privileged caller: attach existing ones only.
    if (if_nametoindex(config.tap_name.c_str()) == 0)
        throw VmError(shown + ": no such network interface (make it with 'ip tuntap add " + config.tap_name + " mode tap')");
    m_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (m_fd < 0)
        throw VmError(shown + ": /dev/net/tun: " + strerror(errno));
    ifreq request {};
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(request.ifr_name, config.tap_name.c_str(), IFNAMSIZ - 1);
    if (ioctl(m_fd, TUNSETIFF, &request) < 0) {
        int error = errno;
        close(m_fd);
        m_fd = -1;
        throw VmError(shown + ": cannot attach to the tap device: " + strerror(error));
    }
}

TapNetwork::~TapNetwork()
{
    if (m_fd >= 0)
        close(m_fd);
}

void TapNetwork::send(std::span<const uint8_t> frame)
{
    // A full device queue drops the frame, as a busy link would.
    while (write(m_fd, frame.data(), frame.size()) < 0 && errno == EINTR) {
    }
}

void TapNetwork::fill_poll(std::vector<pollfd>& fds, int&)
{
    fds.push_back({ m_fd, POLLIN, 0 });
}

void TapNetwork::service(std::span<const pollfd> fds, bool)
{
    if (fds.empty() || !(fds[0].revents & POLLIN))
        return;
    // Read what is there, up to a queue's worth; the rest waits for the next round.
    uint8_t frame[65536];
    for (size_t i = 0; i < FrameQueue::MAX_FRAMES; ++i) {
        ssize_t got = read(m_fd, frame, sizeof(frame));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        m_incoming.push({ frame, static_cast<size_t>(got) });
    }
}

} // namespace host::net
