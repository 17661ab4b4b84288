// The guest's TCP/IP stack (lwIP, guest/net/lwip) seen from the rest of the kernel: the
// AF_INET/AF_INET6 socket families and network interfaces. The stack starts with the first
// socket or interface; until then it costs nothing (no timers, no memory).
#pragma once

#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace net {

// Registers AF_INET and AF_INET6 (TCP and UDP over lwIP) with the socket layer. At boot.
void register_inet_families();

// An Ethernet interface beside loopback (a packet device to the monitor, say). Addresses are
// in network byte order; the defaults are user-mode networking's (slirp's) usual ones.
struct InterfaceConfig {
    uint8_t mac[6] { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    uint8_t address[4] { 10, 0, 2, 15 };
    uint8_t netmask[4] { 255, 255, 255, 0 };
    uint8_t gateway[4] { 10, 0, 2, 2 };
    uint8_t dns[4] { 10, 0, 2, 3 }; // for /etc/resolv.conf; the stack itself does not resolve
    uint16_t mtu { 1500 };
};

// Sends one Ethernet frame (the device copies it or queues it; it is not kept after the call).
// A frame may come in pieces (a gather list): `pieces` pointers with their lengths.
struct FramePiece {
    const void* data;
    size_t length;
};
using TransmitFrame = void (*)(void* context, const FramePiece* pieces, size_t piece_count);

class NetworkInterface;

// Adds an Ethernet interface that sends through `transmit` and becomes the default route.
lib::ErrorOr<NetworkInterface*> attach_interface(const InterfaceConfig&, TransmitFrame transmit, void* context);
// One Ethernet frame arrived on `interface`: the stack takes a copy and handles it now (sockets
// it concerns are notified).
void receive_frame(NetworkInterface& interface, const void* frame, size_t length);

} // namespace net
