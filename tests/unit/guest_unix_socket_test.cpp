// AF_UNIX socket objects (guest/net/unix), built for the host: pairs, names, backlog,
// shutdown and the shared options, through the net::Socket interface.
#include <cstring>
#include <gtest/gtest.h>
#include <net/socket.h>
#include <net/socket_options.h>
#include <net/unix_socket.h>
#include <vfs/open_file.h>

namespace {

struct Opened {
    lib::RefPtr<net::Socket> socket;
    lib::RefPtr<vfs::OpenFile> file; // keeps the socket open, as a descriptor does
};

Opened open_socket(lib::RefPtr<net::Socket> socket)
{
    return { socket, vfs::OpenFile::create(socket, vfs::ReadWrite, "socket:").release_value() };
}

std::pair<Opened, Opened> open_pair(int type)
{
    auto pair = net::create_socket_pair(net::FamilyUnix, type, 0).release_value();
    return { open_socket(pair.first), open_socket(pair.second) };
}

net::SocketAddress abstract_address(const char* name)
{
    net::SocketAddress address {};
    address.bytes[0] = net::FamilyUnix;
    address.bytes[2] = 0;
    std::memcpy(address.bytes + 3, name, std::strlen(name));
    address.length = static_cast<uint32_t>(3 + std::strlen(name));
    return address;
}

size_t receive(net::Socket& socket, char* buffer, size_t length, uint32_t flags = 0, uint32_t* message_flags = nullptr)
{
    auto got = socket.receive({ buffer, length, flags, nullptr, nullptr });
    EXPECT_FALSE(got.is_error()) << got.error();
    if (got.is_error())
        return 0;
    if (message_flags)
        *message_flags = got.value().flags;
    return got.value().length;
}

TEST(UnixSocket, CreationErrorsAsLinux)
{
    EXPECT_EQ(net::create_socket(12345, net::TypeStream, 0).error(), EAFNOSUPPORT);
    EXPECT_EQ(net::create_socket(net::FamilyUnix, 11, 0).error(), EINVAL);
    EXPECT_EQ(net::create_socket(net::FamilyUnix, 0, 0).error(), ESOCKTNOSUPPORT);
    EXPECT_EQ(net::create_socket(net::FamilyUnix, net::TypeStream, 6).error(), EPROTONOSUPPORT);
    auto raw = net::create_socket(net::FamilyUnix, net::TypeRaw, 0).release_value();
    EXPECT_EQ(raw->socket_type(), net::TypeDatagram);
    EXPECT_EQ(raw->attributes().value().mode & vfs::TypeMask, vfs::TypeSocket);
    EXPECT_NE(net::as_socket(*raw), nullptr);
}

TEST(UnixSocket, StreamPairCarriesBytesAndEndsWithEof)
{
    auto [a, b] = open_pair(net::TypeStream);
    char buffer[64];
    EXPECT_EQ(b.socket->receive({ buffer, sizeof buffer, 0, nullptr, nullptr }).error(), EAGAIN);
    EXPECT_EQ(a.socket->send({ "hello ", 6, 0, nullptr, nullptr }).value(), 6u);
    EXPECT_EQ(a.file->write("world", 5).value(), 5u);
    EXPECT_EQ(b.socket->readable_bytes().value(), 11);
    EXPECT_TRUE(b.socket->poll_events() & net::POLL_IN);
    EXPECT_EQ(receive(*b.socket, buffer, 3, net::MessagePeek), 3u);
    EXPECT_EQ(receive(*b.socket, buffer, sizeof buffer), 11u);
    EXPECT_EQ(std::string(buffer, 11), "hello world");
    EXPECT_FALSE(a.socket->shutdown(net::ShutdownWrite).is_error());
    EXPECT_EQ(receive(*b.socket, buffer, sizeof buffer), 0u);
    EXPECT_TRUE(b.socket->poll_events() & net::POLL_READ_HANGUP);
    EXPECT_EQ(a.socket->send({ "x", 1, 0, nullptr, nullptr }).error(), EPIPE);
    b.file.clear(); // the last descriptor of b closes
    EXPECT_TRUE(a.socket->poll_events() & net::POLL_HANGUP);
}

TEST(UnixSocket, StreamWriterFillsTheBufferThenWaits)
{
    auto [a, b] = open_pair(net::TypeStream);
    static char chunk[65536];
    size_t total = 0;
    for (;;) {
        auto sent = a.socket->send({ chunk, sizeof chunk, 0, nullptr, nullptr });
        if (sent.is_error()) {
            EXPECT_EQ(sent.error(), EAGAIN);
            break;
        }
        total += sent.value();
        ASSERT_LT(total, 10u << 20);
    }
    EXPECT_GT(total, 100000u);
    EXPECT_FALSE(a.socket->poll_events() & net::POLL_OUT);
    static char out[1 << 20];
    EXPECT_EQ(receive(*b.socket, out, sizeof out), total);
    EXPECT_TRUE(a.socket->poll_events() & net::POLL_OUT);
}

TEST(UnixSocket, DatagramsKeepBoundariesAndTruncate)
{
    auto [a, b] = open_pair(net::TypeDatagram);
    a.socket->send({ "first", 5, 0, nullptr, nullptr }).release_value();
    a.socket->send({ "second", 6, 0, nullptr, nullptr }).release_value();
    char buffer[16];
    uint32_t flags = 0;
    EXPECT_EQ(receive(*b.socket, buffer, 3, 0, &flags), 3u);
    EXPECT_EQ(flags, net::MessageTruncated);
    EXPECT_EQ(receive(*b.socket, buffer, sizeof buffer, 0, &flags), 6u);
    EXPECT_EQ(flags, 0u);
    // The receive queue holds a bounded number of datagrams.
    size_t sent = 0;
    while (!a.socket->send({ "x", 1, 0, nullptr, nullptr }).is_error())
        ASSERT_LT(++sent, 100000u);
}

TEST(UnixSocket, AbstractNamesListenAcceptAndBacklog)
{
    auto listener = open_socket(net::create_socket(net::FamilyUnix, net::TypeStream, 0).release_value());
    auto name = abstract_address("unit-listener");
    EXPECT_EQ(listener.socket->listen(1).error(), EINVAL); // unbound
    EXPECT_FALSE(listener.socket->bind(name).is_error());
    EXPECT_EQ(listener.socket->bind(name).error(), EINVAL);
    EXPECT_EQ(listener.socket->local_address().value().length, name.length);
    auto client = open_socket(net::create_socket(net::FamilyUnix, net::TypeStream, 0).release_value());
    EXPECT_EQ(client.socket->connect(name, false).error(), ECONNREFUSED); // not listening yet
    EXPECT_FALSE(listener.socket->listen(0).is_error());
    EXPECT_TRUE(listener.socket->is_listening());
    EXPECT_FALSE(client.socket->connect(name, false).is_error());
    auto second = open_socket(net::create_socket(net::FamilyUnix, net::TypeStream, 0).release_value());
    EXPECT_EQ(second.socket->connect(name, true).error(), EAGAIN); // backlog 0 holds one
    EXPECT_TRUE(listener.socket->poll_events() & net::POLL_IN);
    net::SocketAddress peer;
    auto accepted = open_socket(listener.socket->accept(&peer).release_value());
    EXPECT_EQ(peer.length, 2u); // the client has no name
    EXPECT_EQ(accepted.socket->local_address().value().length, name.length);
    EXPECT_EQ(client.socket->peer_address().value().length, name.length);
    EXPECT_EQ(listener.socket->accept(nullptr).error(), EAGAIN);
    client.socket->send({ "ping", 4, 0, nullptr, nullptr }).release_value();
    char buffer[8];
    EXPECT_EQ(receive(*accepted.socket, buffer, sizeof buffer), 4u);
    EXPECT_FALSE(second.socket->connect(name, true).is_error());
    // Once the listener closes, its name is free and connections it held are reset.
    listener.file.clear();
    auto third = open_socket(net::create_socket(net::FamilyUnix, net::TypeStream, 0).release_value());
    EXPECT_EQ(third.socket->connect(name, false).error(), ECONNREFUSED);
    EXPECT_EQ(second.socket->receive({ buffer, sizeof buffer, 0, nullptr, nullptr }).error(), ECONNRESET);
}

TEST(UnixSocket, SharedOptionsDoubleBufferSizes)
{
    auto [a, b] = open_pair(net::TypeStream);
    int value = 4096;
    EXPECT_FALSE(net::set_socket_option(*a.socket, net::LEVEL_SOCKET, net::OptionReceiveBuffer, &value, sizeof value).is_error());
    int got = 0;
    EXPECT_EQ(net::get_socket_option(*a.socket, net::LEVEL_SOCKET, net::OptionReceiveBuffer, &got, sizeof got).value(), sizeof(int));
    EXPECT_EQ(got, 8192);
    EXPECT_EQ(net::get_socket_option(*a.socket, net::LEVEL_SOCKET, net::OptionType, &got, sizeof got).value(), sizeof(int));
    EXPECT_EQ(got, net::TypeStream);
    EXPECT_EQ(net::set_socket_option(*a.socket, net::LEVEL_SOCKET, net::OptionType, &value, sizeof value).error(), ENOPROTOOPT);
    EXPECT_EQ(net::set_socket_option(*a.socket, net::LEVEL_SOCKET, net::OptionReuseAddress, &value, 2).error(), EINVAL);
    EXPECT_EQ(net::set_socket_option(*a.socket, 6, 1, &value, sizeof value).error(), EOPNOTSUPP);
}

} // namespace
