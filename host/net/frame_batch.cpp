// Frame batches of the packet device: the transmit reader and the receive queue.
#include "host/net/frame_batch.h"

#include <algorithm>
#include <string.h>

namespace host::net {

std::string read_transmit_batch(std::span<const uint8_t> batch, uint32_t count,
    const std::function<void(std::span<const uint8_t>)>& send)
{
    uint64_t offset = 0;
    uint8_t frame[uabi::NET_FRAME_MAX];
    for (uint32_t index = 0; index < count; ++index) {
        uabi::NetFrameHeader header;
        if (batch.size() - offset < sizeof(header))
            return "record " + std::to_string(index) + " leaves the batch";
        // SAFETY: offset + sizeof(header) <= batch.size(), checked just above.
        memcpy(&header, batch.data() + offset, sizeof(header));
        if (header.pad != 0)
            return "record " + std::to_string(index) + " has a nonzero pad";
        if (header.length < uabi::NET_FRAME_MIN || header.length > uabi::NET_FRAME_MAX)
            return "frame " + std::to_string(index) + " of " + std::to_string(header.length) + " bytes";
        uint64_t needed = sizeof(header) + header.length;
        if (batch.size() - offset < needed)
            return "record " + std::to_string(index) + " leaves the batch";
        // SAFETY: [offset + 8, offset + 8 + length) lies in the batch, checked just above.
        memcpy(frame, batch.data() + offset + sizeof(header), header.length);
        send({ frame, header.length });
        // The last record need not carry its alignment padding.
        offset += std::min<uint64_t>(uabi::net_record_size(header.length), batch.size() - offset);
    }
    if (offset != batch.size())
        return std::to_string(batch.size() - offset) + " bytes after the last record";
    return {};
}

bool FrameQueue::push(std::span<const uint8_t> frame)
{
    if (m_frames.size() >= MAX_FRAMES || frame.size() < uabi::NET_FRAME_MIN || frame.size() > uabi::NET_FRAME_MAX) {
        ++m_dropped;
        return false;
    }
    m_frames.emplace_back(frame.begin(), frame.end());
    return true;
}

uint32_t FrameQueue::pack(std::span<uint8_t> batch, uint64_t& used)
{
    used = 0;
    uint32_t count = 0;
    while (!m_frames.empty()) {
        auto const& frame = m_frames.front();
        uint64_t record = uabi::net_record_size(frame.size());
        if (batch.size() - used < record)
            break;
        uabi::NetFrameHeader header { static_cast<uint32_t>(frame.size()), 0 };
        // SAFETY: [used, used + record) lies in the batch, checked just above.
        memcpy(batch.data() + used, &header, sizeof(header));
        memcpy(batch.data() + used + sizeof(header), frame.data(), frame.size());
        memset(batch.data() + used + sizeof(header) + frame.size(), 0, record - sizeof(header) - frame.size());
        used += record;
        ++count;
        m_frames.pop_front();
    }
    return count;
}

} // namespace host::net
