// Ethernet interfaces beside loopback (net/inet.h): an lwIP netif whose frames go out through
// the device's transmit callback and come in through receive_frame. IPv4 with ARP, IPv6 with a
// link-local address from the MAC and neighbour discovery.
#include "stack.h"

#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <net/inet.h>

#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <netif/ethernet.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace net {

class NetworkInterface {
public:
    struct netif netif {};
    InterfaceConfig config;
    TransmitFrame transmit { nullptr };
    void* context { nullptr };
};

namespace {

constexpr size_t MAX_PIECES = 16;

err_t transmit_frame(struct netif* netif, struct pbuf* frame)
{
    auto* interface = static_cast<NetworkInterface*>(netif->state);
    FramePiece pieces[MAX_PIECES];
    size_t count = 0;
    for (struct pbuf* piece = frame; piece; piece = piece->next) {
        if (count == MAX_PIECES) {
            // A long chain: hand over one flat copy instead.
            uint8_t* flat = static_cast<uint8_t*>(lib::allocate(frame->tot_len));
            if (!flat)
                return ERR_MEM;
            pbuf_copy_partial(frame, flat, frame->tot_len, 0);
            FramePiece whole { flat, frame->tot_len };
            interface->transmit(interface->context, &whole, 1);
            lib::deallocate(flat);
            return ERR_OK;
        }
        if (piece->len)
            pieces[count++] = { piece->payload, piece->len };
    }
    interface->transmit(interface->context, pieces, count);
    return ERR_OK;
}

err_t initialize_interface(struct netif* netif)
{
    auto* interface = static_cast<NetworkInterface*>(netif->state);
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->output_ip6 = ethip6_output;
    netif->linkoutput = transmit_frame;
    netif->mtu = interface->config.mtu;
    netif->mtu6 = interface->config.mtu;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, interface->config.mac, ETH_HWADDR_LEN);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
    return ERR_OK;
}

ip4_addr_t to_ip4(const uint8_t bytes[4])
{
    ip4_addr_t address;
    IP4_ADDR(&address, bytes[0], bytes[1], bytes[2], bytes[3]);
    return address;
}

} // namespace

lib::ErrorOr<NetworkInterface*> attach_interface(const InterfaceConfig& config, TransmitFrame transmit, void* context)
{
    if (!transmit)
        return EINVAL;
    inet::start_stack();
    auto* interface = lib::make<NetworkInterface>();
    if (!interface)
        return ENOMEM;
    interface->config = config;
    interface->transmit = transmit;
    interface->context = context;
    ip4_addr_t address = to_ip4(config.address), netmask = to_ip4(config.netmask), gateway = to_ip4(config.gateway);
    if (!netif_add(&interface->netif, &address, &netmask, &gateway, interface, initialize_interface, ethernet_input)) {
        lib::destroy(interface);
        return ENOMEM;
    }
    netif_create_ip6_linklocal_address(&interface->netif, 1);
    netif_set_default(&interface->netif);
    netif_set_up(&interface->netif);
    netif_set_link_up(&interface->netif);
    inet::run_stack();
    return interface;
}

void receive_frame(NetworkInterface& interface, const void* frame, size_t length)
{
    if (length == 0 || length > 0xffff)
        return;
    struct pbuf* packet = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(length), PBUF_RAM);
    if (!packet)
        return;
    memcpy(packet->payload, frame, length);
    if (interface.netif.input(packet, &interface.netif) != ERR_OK)
        pbuf_free(packet);
    inet::run_stack();
}

} // namespace net
