// Fuzz target: the packet device's rings (host/net/frame_rings.cpp) against a guest that writes
// anything into their indices, flags and slot lengths between the monitor's looks. Every frame
// the monitor sends must have a length the device allows, and the monitor never fills the
// receive ring beyond its slots.
#include "fuzz_require.h"
#include "host/net/frame_rings.h"

#include <abi/boot_info.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vector>

static void require(bool condition, const char* what) { fuzz_require(condition, "fuzz_net_rings", what); }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    FuzzedDataProvider input(data, size);
    // Exactly the RAM the rings need, so a slot outside them is an ASan report; kept between
    // runs (a fresh 2 MiB each run was most of the time) and cleared.
    static std::vector<uint8_t> ram(uabi::FIRST_FREE_GPA, 0);
    memset(ram.data(), 0, ram.size());
    host::GuestMemory memory { ram.data(), ram.size() };
    host::net::FrameRings rings { memory };
    host::net::FrameQueue queue;
    auto header = [&](bool transmit) { return reinterpret_cast<uabi::NetRingHeader*>(ram.data() + (transmit ? uabi::NET_TX_RING_GPA : uabi::NET_RX_RING_GPA)); };
    bool broken = false;
    while (input.remaining_bytes() > 0 && !broken) {
        switch (input.ConsumeIntegralInRange<int>(0, 6)) {
        case 0: { // the guest writes an index or a flag
            auto* ring = header(input.ConsumeBool());
            uint32_t value = input.ConsumeIntegral<uint32_t>();
            int which = input.ConsumeIntegralInRange<int>(0, 2);
            (which == 0 ? ring->produced : which == 1 ? ring->consumed : ring->monitor_waiting) = value;
            break;
        }
        case 1: { // ... or a slot's length and first bytes
            uint32_t index = input.ConsumeIntegral<uint32_t>() % uabi::NET_RING_SLOTS;
            uint8_t* slot = ram.data() + uabi::NET_TX_RING_GPA + uabi::NET_RING_HEADER_SIZE + index * uabi::NET_SLOT_SIZE;
            uint32_t length = input.ConsumeBool() ? input.ConsumeIntegralInRange<uint32_t>(0, uabi::NET_FRAME_MAX + 2) : input.ConsumeIntegral<uint32_t>();
            memcpy(slot, &length, sizeof(length));
            break;
        }
        case 2: {
            std::string problem = rings.take_transmitted([](std::span<const uint8_t> frame) {
                require(frame.size() >= uabi::NET_FRAME_MIN && frame.size() <= uabi::NET_FRAME_MAX, "sent a frame of an impossible length");
            });
            broken = !problem.empty(); // the monitor stops the VM here
            break;
        }
        case 3:
            queue.push(input.ConsumeBytes<uint8_t>(input.ConsumeIntegralInRange<size_t>(0, uabi::NET_FRAME_MAX + 1)));
            break;
        case 4: {
            uint32_t consumed = header(false)->consumed, produced = header(false)->produced;
            broken = !rings.give_received(queue).empty();
            // What the monitor publishes (not what the guest scribbled there) stays in the ring.
            if (!broken && header(false)->produced != produced)
                require(header(false)->produced - consumed <= uabi::NET_RING_SLOTS, "filled the receive ring beyond its slots");
            break;
        }
        case 5:
            if (!rings.ask_for_notify(queue))
                rings.stop_asking();
            break;
        case 6:
            rings.guest_has_frames();
            break;
        }
    }
    return 0;
}
