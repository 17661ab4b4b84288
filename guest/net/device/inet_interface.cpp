// The packet device as the TCP/IP stack's Ethernet interface (net/inet.h): configured from the
// boot info (address, netmask, gateway, MAC), frames out through PacketDevice::transmit and in
// through receive_frame.
#include <net/inet.h>
#include <net/packet_device.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace net {

namespace {

constexpr size_t MAX_PIECES = 16;

void transmit(void* context, const FramePiece* pieces, size_t count)
{
    PacketPiece converted[MAX_PIECES];
    if (count > MAX_PIECES)
        return;
    for (size_t i = 0; i < count; ++i)
        converted[i] = { pieces[i].data, pieces[i].length };
    static_cast<PacketDevice*>(context)->transmit(converted, count);
}

void receive(void* context, const uint8_t* frame, size_t length)
{
    receive_frame(*static_cast<NetworkInterface*>(context), frame, length);
}

void copy_address(uint8_t (&to)[4], uint32_t network_order) { memcpy(to, &network_order, 4); }

} // namespace

lib::ErrorOr<void> attach_packet_device()
{
    PacketDevice* device = PacketDevice::boot_device();
    if (!device)
        return {};
    auto const& boot = device->config();
    InterfaceConfig config;
    memcpy(config.mac, boot.mac, sizeof(config.mac));
    copy_address(config.address, boot.address);
    uint32_t prefix = boot.prefix_length > 32 ? 32 : boot.prefix_length;
    uint32_t host_order = prefix == 0 ? 0 : ~uint32_t(0) << (32 - prefix);
    uint8_t netmask[4] = { static_cast<uint8_t>(host_order >> 24), static_cast<uint8_t>(host_order >> 16),
        static_cast<uint8_t>(host_order >> 8), static_cast<uint8_t>(host_order) };
    memcpy(config.netmask, netmask, 4);
    copy_address(config.gateway, boot.gateway);
    copy_address(config.dns, boot.dns);
    config.mtu = static_cast<uint16_t>(boot.mtu);
    NetworkInterface* interface = TRY(attach_interface(config, transmit, device));
    device->set_receiver(receive, interface);
    return {};
}

} // namespace net
