// The packet device: Ethernet frames between the guest and the monitor's network (libslirp or
// a tap device), in batches (abi/net_device.h). Frames queued while a TransmitBatch is open go
// out in one NetTransmit hypercall; NetReceive fetches every pending frame that fits in one.
// An idle kernel waits for incoming frames in the monitor (uabi::EVENT_NET), so there is no
// polling loop; a busy one also learns of pending frames from each call's answer.
#pragma once

#include <abi/net_device.h>
#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace net {

// One piece of a frame being sent (a frame may be gathered from several).
struct PacketPiece {
    const void* data;
    size_t length;
};

class PacketDevice {
public:
    // Called for each frame that arrives, in order; the frame is only valid during the call.
    using Receiver = void (*)(void* context, const uint8_t* frame, size_t length);

    // The device the boot info describes, started on first use; nullptr with --net none.
    static PacketDevice* boot_device();

    const uabi::NetConfig& config() const { return m_config; }
    void set_receiver(Receiver receiver, void* context);

    // Queues one frame made of `count` pieces (14..NET_FRAME_MAX bytes in all; others are
    // dropped and counted). It goes out at once unless a TransmitBatch is open, or when the
    // transmit buffer fills.
    void transmit(const PacketPiece* pieces, size_t count);
    // Sends what is queued: one NetTransmit hypercall.
    void flush();
    // Fetches the frames the monitor holds and hands each to the receiver, with the frames
    // they provoke batched; repeats while more are pending. Never from inside the receiver's
    // stack (transmit may run there): a flush that learns of pending frames defers the poll.
    void poll();

    // While any batch is open, transmitted frames wait for the last one to close.
    void begin_batch() { ++m_batch_depth; }
    void end_batch();

    struct Counters {
        uint64_t frames_sent, frames_received, frames_dropped, transmit_calls, receive_calls;
    };
    const Counters& counters() const { return m_counters; }

    explicit PacketDevice(const uabi::NetConfig& config);

private:
    uabi::NetConfig m_config;
    Receiver m_receiver = nullptr;
    void* m_receiver_context = nullptr;
    uint64_t m_queued_bytes = 0;
    uint32_t m_queued_frames = 0;
    uint32_t m_batch_depth = 0;
    bool m_polling = false;
    bool m_more_pending = false;
    Counters m_counters {};
};

// An open batch for the current scope: PacketDevice::begin_batch/end_batch.
class TransmitBatch {
public:
    explicit TransmitBatch(PacketDevice* device) : m_device(device) { if (m_device) m_device->begin_batch(); }
    ~TransmitBatch() { if (m_device) m_device->end_batch(); }
    TransmitBatch(const TransmitBatch&) = delete;
    TransmitBatch& operator=(const TransmitBatch&) = delete;

private:
    PacketDevice* m_device;
};

// Attaches the boot device, if any, to the TCP/IP stack as its default interface
// (guest/net/device/inet_interface.cpp). At boot.
lib::ErrorOr<void> attach_packet_device();

} // namespace net
