// The packet device's guest driver: frames staged in the transmit buffer and sent with one
// NetTransmit per batch; NetReceive fills the receive buffer with what the monitor holds.
#include <hv/hypercall.h>
#include <kernel/log.h>
#include <lib/allocator.h>
#include <net/packet_device.h>
#include <sched/scheduler.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);

namespace net {

namespace {

PacketDevice* g_device;
bool g_device_started;
sched::Timer g_poll_soon; // fires at the scheduler's next timer check, outside the stack

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
    if (g_device)
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
    // An idle kernel waits in the monitor for frames as well as for its other events.
    hv::watch_event(uabi::EVENT_NET, frames_arrived);
    g_poll_soon.fire = [](sched::Timer&) { frames_arrived(); };
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
    if (length < uabi::NET_FRAME_MIN || length > uabi::NET_FRAME_MAX) {
        ++m_counters.frames_dropped;
        return;
    }
    uint64_t record = uabi::net_record_size(length);
    if (uabi::NET_BUFFER_SIZE - m_queued_bytes < record)
        flush();
    uint8_t* slot = hv::physical(uabi::NET_TX_BUFFER_GPA) + m_queued_bytes;
    uabi::NetFrameHeader header { static_cast<uint32_t>(length), 0 };
    memcpy(slot, &header, sizeof(header));
    size_t offset = sizeof(header);
    for (size_t i = 0; i < count; ++i) {
        memcpy(slot + offset, pieces[i].data, pieces[i].length);
        offset += pieces[i].length;
    }
    memset(slot + offset, 0, record - offset);
    log_frame("out", slot + sizeof(header), length);
    m_queued_bytes += record;
    ++m_queued_frames;
    if (m_batch_depth == 0)
        flush();
}

void PacketDevice::flush()
{
    if (m_queued_frames == 0)
        return;
    uabi::NetBatchRequest request { uabi::NET_TX_BUFFER_GPA, m_queued_bytes, m_queued_frames, 0 };
    int64_t result = hv::call(uabi::Hypercall::NetTransmit, request);
    ++m_counters.transmit_calls;
    if (result >= 0)
        m_counters.frames_sent += m_queued_frames;
    else
        m_counters.frames_dropped += m_queued_frames;
    m_queued_bytes = 0;
    m_queued_frames = 0;
    // Frames the monitor holds: fetch them soon rather than at the next idle. Not from here:
    // flush may run inside the stack's output path, which must not be re-entered with input.
    if (request.pending > 0) {
        if (m_polling)
            m_more_pending = true;
        else if (!g_poll_soon.armed)
            sched::arm(g_poll_soon, sched::now());
    }
}

void PacketDevice::end_batch()
{
    if (m_batch_depth > 0 && --m_batch_depth == 0)
        flush();
}

void PacketDevice::poll()
{
    if (m_polling) {
        m_more_pending = true;
        return;
    }
    m_polling = true;
    // The frames that answer these (ACKs, ARP replies) go out together at the end.
    begin_batch();
    do {
        m_more_pending = false;
        uabi::NetBatchRequest request { uabi::NET_RX_BUFFER_GPA, uabi::NET_BUFFER_SIZE, 0, 0 };
        int64_t result = hv::call(uabi::Hypercall::NetReceive, request);
        ++m_counters.receive_calls;
        if (result <= 0 || request.length > uabi::NET_BUFFER_SIZE)
            break;
        // The receive buffer holds request.count records; each is checked before use.
        const uint8_t* batch = hv::physical(uabi::NET_RX_BUFFER_GPA);
        uint64_t offset = 0;
        for (uint32_t i = 0; i < request.count; ++i) {
            uabi::NetFrameHeader header;
            if (request.length - offset < sizeof(header))
                break;
            memcpy(&header, batch + offset, sizeof(header));
            if (header.length > request.length - offset - sizeof(header))
                break;
            ++m_counters.frames_received;
            log_frame("in", batch + offset + sizeof(header), header.length);
            if (m_receiver)
                m_receiver(m_receiver_context, batch + offset + sizeof(header), header.length);
            offset += uabi::net_record_size(header.length);
            if (offset > request.length)
                break;
        }
        m_more_pending |= request.pending > 0;
    } while (m_more_pending);
    m_polling = false;
    end_batch();
}

} // namespace net
