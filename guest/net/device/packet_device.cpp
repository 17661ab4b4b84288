// The packet device's guest driver: frames go into the transmit ring and come out of the
// receive ring in shared guest RAM while the monitor works on the other side at the same time
// (abi/net_device.h). Indices are published with release and read with acquire order.
#include <hv/hypercall.h>
#include <kernel/log.h>
#include <lib/allocator.h>
#include <net/packet_device.h>
#include <platform/platform.h>
#include <sched/scheduler.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);

namespace net {

namespace {

PacketDevice* g_device;
bool g_device_started;
// How long frames may wait while a program computes without a trap (a SIGALRM on the process
// platform costs ~10 us: 0.1% of the CPU at this interval).
constexpr int64_t FRAME_LOOK_INTERVAL = 10'000'000; // ns

uabi::NetRingHeader& ring(uabi::Gpa gpa) { return *reinterpret_cast<uabi::NetRingHeader*>(hv::physical(gpa)); }

uabi::NetSlot& slot(uabi::Gpa gpa, uint32_t index)
{
    return *reinterpret_cast<uabi::NetSlot*>(hv::physical(gpa) + uabi::NET_RING_HEADER_SIZE
        + static_cast<uint64_t>(index % uabi::NET_RING_SLOTS) * uabi::NET_SLOT_SIZE);
}

uint32_t load_acquire(const uint32_t& index) { return __atomic_load_n(&index, __ATOMIC_ACQUIRE); }
void store_release(uint32_t& index, uint32_t value) { __atomic_store_n(&index, value, __ATOMIC_RELEASE); }

// After changing a ring: if the monitor sleeps waiting for it, wake it (one message, no
// answer). The fence pairs with the monitor's between setting monitor_waiting and looking at
// the ring once more.
void notify_if_waiting(uabi::NetRingHeader& header)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&header.monitor_waiting, __ATOMIC_RELAXED) != 0 && __atomic_exchange_n(&header.monitor_waiting, 0, __ATOMIC_ACQ_REL) != 0)
        platform::notify(uabi::Hypercall::NetNotify);
}

// --log-level debug: one line per frame (direction, length, EtherType, IPv4 protocol, ports and
// TCP flags) for looking at a conversation.
void log_frame(const char* direction, const uint8_t* frame, size_t length)
{
    if (!kernel::log_enabled(uabi::LogLevel::Debug) || length < 14)
        return;
    unsigned type = frame[12] << 8 | frame[13];
    if (type != 0x0800 || length < 14 + 20 + 4) {
        kernel::log(uabi::LogLevel::Debug, "unikit: net: %s %zu bytes, type %04x", direction, length, type);
        return;
    }
    const uint8_t* ip = frame + 14;
    size_t header = (ip[0] & 15) * 4;
    unsigned protocol = ip[9];
    unsigned source = 0, destination = 0, flags = 0;
    if (length >= 14 + header + 14 && (protocol == 6 || protocol == 17)) {
        source = ip[header] << 8 | ip[header + 1];
        destination = ip[header + 2] << 8 | ip[header + 3];
        if (protocol == 6)
            flags = ip[header + 13];
    }
    kernel::log(uabi::LogLevel::Debug, "unikit: net: %s %zu bytes, %u.%u.%u.%u:%u > %u.%u.%u.%u:%u protocol %u flags %02x",
        direction, length, ip[12], ip[13], ip[14], ip[15], source, ip[16], ip[17], ip[18], ip[19], destination, protocol, flags);
}

void frames_arrived()
{
    if (g_device && g_device->has_frames())
        g_device->poll();
}

} // namespace

PacketDevice* PacketDevice::boot_device()
{
    if (g_device_started)
        return g_device;
    g_device_started = true;
    auto const& config = hv::boot_info().net;
    if (config.mode == static_cast<uint32_t>(uabi::NetMode::None))
        return nullptr;
    g_device = lib::make<PacketDevice>(config);
    if (!g_device)
        return nullptr;
    // Frames are taken on the way out of every trap (and a program computing without traps
    // is interrupted every FRAME_LOOK_INTERVAL for it), and an idle kernel waits for them in the
    // monitor as well as for its other events.
    sched::set_trap_exit_work(frames_arrived, FRAME_LOOK_INTERVAL);
    hv::watch_event(uabi::EVENT_NET, frames_arrived);
    sched::set_idle_wait(hv::idle_wait);
    return g_device;
}

PacketDevice::PacketDevice(const uabi::NetConfig& config)
    : m_config(config)
{
}

void PacketDevice::set_receiver(Receiver receiver, void* context)
{
    m_receiver = receiver;
    m_receiver_context = context;
}

void PacketDevice::transmit(const PacketPiece* pieces, size_t count)
{
    size_t length = 0;
    for (size_t i = 0; i < count; ++i)
        length += pieces[i].length;
    if (length < uabi::NET_FRAME_MIN || length > uabi::NET_FRAME_MAX)
        return; // what a link cannot carry is dropped
    auto& header = ring(uabi::NET_TX_RING_GPA);
    if (m_transmit_produced - load_acquire(header.consumed) >= uabi::NET_RING_SLOTS) {
        // Full: the monitor empties it before it answers.
        flush();
        hv::call_raw(uabi::Hypercall::NetSync, nullptr, 0, nullptr);
    }
    auto& target = slot(uabi::NET_TX_RING_GPA, m_transmit_produced);
    target.length = static_cast<uint32_t>(length);
    target.pad = 0;
    size_t offset = 0;
    for (size_t i = 0; i < count; ++i) {
        memcpy(target.frame + offset, pieces[i].data, pieces[i].length);
        offset += pieces[i].length;
    }
    log_frame("out", target.frame, length);
    ++m_transmit_produced;
    if (!m_polling)
        flush();
}

void PacketDevice::flush()
{
    if (m_transmit_published == m_transmit_produced)
        return;
    auto& header = ring(uabi::NET_TX_RING_GPA);
    store_release(header.produced, m_transmit_published = m_transmit_produced);
    notify_if_waiting(header);
}

bool PacketDevice::has_frames() const { return load_acquire(ring(uabi::NET_RX_RING_GPA).produced) != m_receive_consumed; }

void PacketDevice::poll()
{
    if (m_polling)
        return;
    // The frames that answer these (ACKs, ARP replies) go out together at the end.
    m_polling = true;
    auto& header = ring(uabi::NET_RX_RING_GPA);
    for (;;) {
        uint32_t produced = load_acquire(header.produced);
        if (produced == m_receive_consumed)
            break;
        if (produced - m_receive_consumed > uabi::NET_RING_SLOTS) {
            kernel::log(uabi::LogLevel::Error, "unikit: net: the receive ring's index %u is not one the kernel expects", produced);
            m_receive_consumed = produced;
            break;
        }
        while (m_receive_consumed != produced) {
            auto& source = slot(uabi::NET_RX_RING_GPA, m_receive_consumed);
            uint32_t length = source.length;
            if (length >= uabi::NET_FRAME_MIN && length <= uabi::NET_FRAME_MAX) {
                log_frame("in", source.frame, length);
                if (m_receiver)
                    m_receiver(m_receiver_context, source.frame, length);
            }
            // The slot is the monitor's again only after the receiver is done with it.
            store_release(header.consumed, ++m_receive_consumed);
        }
        notify_if_waiting(header);
    }
    m_polling = false;
    flush();
}

} // namespace net
