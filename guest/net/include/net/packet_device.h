// The packet device: Ethernet frames between the guest and the monitor's network (libslirp or
// a tap device) through two rings in guest RAM that the monitor reads and fills while the
// guest runs (abi/net_device.h): sending a frame is a copy into the transmit ring, and the
// kernel takes arrived frames whenever it leaves a trap (sched::set_trap_exit_work) and before
// it idles. The one exit is NetNotify, sent only when the monitor sleeps waiting for a ring;
// an idle kernel waits for frames in the monitor (uabi::EVENT_NET).
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

    // Puts one frame made of `count` pieces (14..NET_FRAME_MAX bytes in all; others are
    // dropped) in the transmit ring. The monitor sees it at once, or, while poll() runs, with
    // the frames that answer the same batch; a full ring is emptied first with a NetSync
    // hypercall.
    void transmit(const PacketPiece* pieces, size_t count);
    // Makes the frames put in the transmit ring visible to the monitor (and notifies it if it
    // sleeps).
    void flush();
    // The receive ring holds frames not yet taken: one load from shared memory.
    bool has_frames() const;
    // Hands each frame of the receive ring to the receiver, with the frames they provoke
    // batched; repeats while more arrive. Never from inside the receiver's stack (transmit may
    // run there): a nested call does nothing.
    void poll();

    explicit PacketDevice(const uabi::NetConfig& config);

private:
    uabi::NetConfig m_config;
    Receiver m_receiver = nullptr;
    void* m_receiver_context = nullptr;
    uint32_t m_transmit_produced = 0; // slots filled, ever; published by flush()
    uint32_t m_transmit_published = 0;
    uint32_t m_receive_consumed = 0;
    bool m_polling = false; // poll() runs: what it provokes is flushed once, at its end
};

// Attaches the boot device, if any, to the TCP/IP stack as its default interface
// (guest/net/device/inet_interface.cpp). At boot.
lib::ErrorOr<void> attach_packet_device();

} // namespace net
