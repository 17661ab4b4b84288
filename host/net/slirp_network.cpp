// SlirpNetwork: libslirp driven from the monitor's poll loops.
#include "host/net/slirp_network.h"
#include "host/vm_error.h"

#include <algorithm>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libslirp.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

namespace host::net {

namespace {

int64_t monotonic_ms()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

in_addr ipv4(uint32_t network_order) { return in_addr { network_order }; }

in_addr ipv4(const char* text)
{
    in_addr address {};
    inet_pton(AF_INET, text, &address);
    return address;
}

// libslirp's SLIRP_POLL_* bits and poll()'s, both ways (errors and hang-ups only come back).
constexpr struct {
    int slirp;
    short poll;
} s_poll_bits[] = {
    { SLIRP_POLL_IN, POLLIN }, { SLIRP_POLL_OUT, POLLOUT }, { SLIRP_POLL_PRI, POLLPRI },
    { SLIRP_POLL_ERR, POLLERR | POLLNVAL }, { SLIRP_POLL_HUP, POLLHUP },
};

short to_poll_events(int slirp_events)
{
    short events = 0;
    for (auto const& bit : s_poll_bits)
        if ((slirp_events & bit.slirp) && !(bit.slirp & (SLIRP_POLL_ERR | SLIRP_POLL_HUP)))
            events |= bit.poll;
    return events;
}

int to_slirp_events(short revents)
{
    int events = 0;
    for (auto const& bit : s_poll_bits)
        if (revents & bit.poll)
            events |= bit.slirp;
    return events;
}

} // namespace

// libslirp's callbacks; `opaque` is the SlirpNetwork.
struct SlirpCallbacks {
    static SlirpNetwork& network(void* opaque) { return *static_cast<SlirpNetwork*>(opaque); }

    static ssize_t send_packet(const void* data, size_t length, void* opaque)
    {
        // A frame for the guest: queued until the receive ring has room (dropped when the queue is full).
        network(opaque).m_incoming.push({ static_cast<const uint8_t*>(data), length });
        return static_cast<ssize_t>(length);
    }

    static void guest_error(const char*, void*) { }

    static int64_t clock_get_ns(void*)
    {
        timespec now {};
        clock_gettime(CLOCK_MONOTONIC, &now);
        return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
    }

    static void* timer_new(SlirpTimerCb callback, void* callback_opaque, void* opaque)
    {
        auto& timers = network(opaque).m_timers;
        timers.push_back({ callback, callback_opaque, -1 });
        return &timers.back();
    }

    static void timer_free(void* timer, void* opaque)
    {
        network(opaque).m_timers.remove_if([&](const SlirpNetwork::Timer& each) { return &each == timer; });
    }

    static void timer_mod(void* timer, int64_t expire_ms, void*) { static_cast<SlirpNetwork::Timer*>(timer)->expire_ms = expire_ms; }

    static void register_poll_fd(int, void*) { }
    static void unregister_poll_fd(int, void*) { }
    static void notify(void*) { }

    static int add_poll(int fd, int events, void* opaque)
    {
        auto& fds = *network(opaque).m_filling;
        fds.push_back({ fd, to_poll_events(events), 0 });
        return static_cast<int>(fds.size() - 1 - network(opaque).m_first);
    }

    static int get_revents(int index, void* opaque)
    {
        auto const& polled = network(opaque).m_polled;
        if (index < 0 || static_cast<size_t>(index) >= polled.size())
            return 0;
        return to_slirp_events(polled[static_cast<size_t>(index)].revents);
    }
};

static const SlirpCb s_callbacks = {
    .send_packet = SlirpCallbacks::send_packet,
    .guest_error = SlirpCallbacks::guest_error,
    .clock_get_ns = SlirpCallbacks::clock_get_ns,
    .timer_new = SlirpCallbacks::timer_new,
    .timer_free = SlirpCallbacks::timer_free,
    .timer_mod = SlirpCallbacks::timer_mod,
    .register_poll_fd = SlirpCallbacks::register_poll_fd,
    .unregister_poll_fd = SlirpCallbacks::unregister_poll_fd,
    .notify = SlirpCallbacks::notify,
    .init_completed = nullptr,
    .timer_new_opaque = nullptr,
};

SlirpNetwork::SlirpNetwork(const NetworkConfig& config, FrameQueue& incoming)
    : m_incoming(incoming)
{
    SlirpConfig slirp {};
    slirp.version = 1;
    slirp.restricted = 0;
    slirp.in_enabled = true;
    slirp.vnetwork = ipv4("10.0.2.0");
    slirp.vnetmask = ipv4("255.255.255.0");
    slirp.vhost = ipv4(config.gateway);
    slirp.in6_enabled = false;
    slirp.vdhcp_start = ipv4(config.address);
    slirp.vnameserver = ipv4(config.dns);
    slirp.if_mtu = uabi::NET_MTU;
    slirp.if_mru = uabi::NET_MTU;
    slirp.disable_host_loopback = false; // 10.0.2.2 reaches the host's 127.0.0.1
    m_slirp = slirp_new(&slirp, &s_callbacks, this);
    if (m_slirp == nullptr)
        throw VmError("--net slirp: cannot start user-mode networking");
    for (auto const& port : config.ports) {
        errno = 0;
        if (slirp_add_hostfwd(m_slirp, port.udp, ipv4(port.host_address), port.host_port, ipv4(config.address), port.guest_port) < 0) {
            std::string why = strerror(errno ? errno : EADDRINUSE);
            why[0] = static_cast<char>(tolower(static_cast<unsigned char>(why[0])));
            throw VmError("-p " + port.spec + ": " + why);
        }
    }
    // libslirp listens on a published port with a backlog of 1: a burst of connections
    // (redis-benchmark -c 50) overflowed it, the host dropped the handshakes' last ACKs, and
    // the clients stalled in retransmission backoff. Listening again sets a longer backlog.
    std::vector<pollfd> fds;
    int timeout_ms = -1;
    fill_poll(fds, timeout_ms);
    for (auto const& fd : fds) {
        int accepting = 0;
        socklen_t length = sizeof(accepting);
        if (getsockopt(fd.fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting)
            listen(fd.fd, SOMAXCONN);
    }
}

SlirpNetwork::~SlirpNetwork()
{
    if (m_slirp)
        slirp_cleanup(m_slirp);
}

void SlirpNetwork::send(std::span<const uint8_t> frame)
{
    slirp_input(m_slirp, frame.data(), static_cast<int>(frame.size()));
}

void SlirpNetwork::fill_poll(std::vector<pollfd>& fds, int& timeout_ms)
{
    uint32_t timeout = timeout_ms < 0 ? UINT32_MAX : static_cast<uint32_t>(timeout_ms);
    m_filling = &fds;
    m_first = fds.size();
    slirp_pollfds_fill(m_slirp, &timeout, SlirpCallbacks::add_poll, this);
    m_filling = nullptr;
    int64_t now = monotonic_ms();
    for (auto const& timer : m_timers) {
        if (timer.expire_ms >= 0)
            timeout = static_cast<uint32_t>(std::min<int64_t>(timeout, std::max<int64_t>(0, timer.expire_ms - now)));
    }
    timeout_ms = timeout == UINT32_MAX ? -1 : static_cast<int>(std::min<uint32_t>(timeout, INT32_MAX));
}

void SlirpNetwork::service(std::span<const pollfd> fds, bool poll_failed)
{
    m_polled = fds;
    slirp_pollfds_poll(m_slirp, poll_failed ? 1 : 0, SlirpCallbacks::get_revents, this);
    m_polled = {};
    // A callback may free or add timers: start over after each one.
    int64_t now = monotonic_ms();
    for (bool fired = true; fired;) {
        fired = false;
        for (auto& timer : m_timers) {
            if (timer.expire_ms >= 0 && timer.expire_ms <= now) {
                timer.expire_ms = -1;
                timer.callback(timer.opaque);
                fired = true;
                break;
            }
        }
    }
}

} // namespace host::net
