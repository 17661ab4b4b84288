// A boot-time check of the TCP/IP stack, run with --log-level debug: a TCP connection over
// loopback carrying 8 MiB through the socket objects (no program, no syscalls), a refused
// connect, and a UDP datagram; one log line with the outcome and the TCP throughput.
#include "self_test.h"

#include "stack.h"

#include "tcp_socket.h"
#include "udp_socket.h"

#include <kernel/log.h>
#include <lib/errno_codes.h>
#include <sched/scheduler.h>

namespace net::inet {

namespace {

SocketAddress loopback(uint16_t port)
{
    SocketAddress address {};
    address.bytes[0] = FamilyInet;
    address.bytes[2] = static_cast<uint8_t>(port >> 8);
    address.bytes[3] = static_cast<uint8_t>(port);
    address.bytes[4] = 127;
    address.bytes[7] = 1;
    address.length = 16;
    return address;
}

uint16_t port_of(const SocketAddress& address) { return static_cast<uint16_t>(address.bytes[2] << 8 | address.bytes[3]); }

lib::ErrorOr<uint64_t> transfer_tcp(size_t total)
{
    auto listener = TRY(TcpSocket::create(FamilyInet, PROTOCOL_TCP));
    TRY(listener->bind(loopback(0)));
    TRY(listener->listen(4));
    uint16_t port = port_of(TRY(listener->local_address()));
    auto client = TRY(TcpSocket::create(FamilyInet, PROTOCOL_TCP));
    TRY(client->connect(loopback(port), false));
    auto server = TRY(listener->accept(nullptr));

    static uint8_t out[16384], in[16384];
    uint64_t sent_sum = 0, received_sum = 0;
    size_t sent = 0, received = 0;
    while (received < total) {
        if (sent < total) {
            size_t length = total - sent < sizeof(out) ? total - sent : sizeof(out);
            for (size_t i = 0; i < length; ++i)
                out[i] = static_cast<uint8_t>((sent + i) * 7 + 3);
            auto count = client->send(SendRequest { out, length, 0, nullptr, nullptr });
            if (count.is_error() && count.error() != EAGAIN.code)
                return count.error();
            if (!count.is_error()) {
                for (size_t i = 0; i < count.value(); ++i)
                    sent_sum += out[i] * (sent + i + 1);
                sent += count.value();
            }
        }
        auto result = server->receive(ReceiveRequest { in, sizeof(in), 0, nullptr, nullptr });
        if (result.is_error() && result.error() != EAGAIN.code)
            return result.error();
        if (!result.is_error()) {
            if (result.value().length == 0)
                return ECONNRESET;
            for (size_t i = 0; i < result.value().length; ++i)
                received_sum += in[i] * (received + i + 1);
            received += result.value().length;
        }
    }
    if (sent_sum != received_sum)
        return EIO;
    TRY(client->shutdown(ShutdownWrite));
    auto end = TRY(server->receive(ReceiveRequest { in, sizeof(in), 0, nullptr, nullptr }));
    if (end.length != 0)
        return EIO;
    client->release();
    server->release();
    listener->release();
    return received;
}

lib::ErrorOr<void> refused_connect()
{
    auto listener = TRY(TcpSocket::create(FamilyInet, PROTOCOL_TCP));
    TRY(listener->bind(loopback(0)));
    uint16_t port = port_of(TRY(listener->local_address()));
    listener->release(); // bound, never listening: nobody answers on `port`
    auto client = TRY(TcpSocket::create(FamilyInet, PROTOCOL_TCP));
    auto result = client->connect(loopback(port), false);
    client->release();
    if (!result.is_error() || result.error() != ECONNREFUSED.code)
        return EPROTO;
    return {};
}

lib::ErrorOr<void> udp_round_trip()
{
    auto receiver = TRY(UdpSocket::create(FamilyInet, PROTOCOL_UDP));
    TRY(receiver->bind(loopback(0)));
    SocketAddress destination = TRY(receiver->local_address());
    auto sender = TRY(UdpSocket::create(FamilyInet, PROTOCOL_UDP));
    const char message[] = "datagram";
    TRY(sender->send(SendRequest { message, sizeof(message), 0, &destination, nullptr }));
    char buffer[32] {};
    SocketAddress source {};
    auto result = TRY(receiver->receive(ReceiveRequest { buffer, sizeof(buffer), 0, &source, nullptr }));
    SocketAddress sender_address = TRY(sender->local_address());
    sender->release();
    receiver->release();
    if (result.length != sizeof(message) || __builtin_memcmp(buffer, message, sizeof(message)) || port_of(source) != port_of(sender_address))
        return EPROTO;
    return {};
}

} // namespace

void self_test()
{
    start_stack();
    int64_t start = sched::now();
    auto transferred = transfer_tcp(8 << 20);
    int64_t elapsed = sched::now() - start;
    auto refused = refused_connect();
    auto udp = udp_round_trip();
    if (transferred.is_error() || refused.is_error() || udp.is_error()) {
        kernel::log(uabi::LogLevel::Error, "unikit: net: self-test failed: tcp %s, refused connect %s, udp %s",
            transferred.is_error() ? lib::errno_message(transferred.error()) : "ok",
            refused.is_error() ? lib::errno_message(refused.error()) : "ok",
            udp.is_error() ? lib::errno_message(udp.error()) : "ok");
        return;
    }
    uint64_t rate = elapsed > 0 ? transferred.value() * 1000 / static_cast<uint64_t>(elapsed) : 0; // MB/s
    kernel::log(uabi::LogLevel::Debug, "unikit: net: self-test passed (loopback TCP %lu MB/s in the kernel)", static_cast<unsigned long>(rate));
}

} // namespace net::inet
