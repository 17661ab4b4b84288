// --net and -p parsing: the forms docker and QEMU users type, and every malformed one refused
// with a usage error (exit 125) naming the option.
#include "cli/net_options.h"
#include "cli/options.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

using Args = std::vector<std::string>;
using cli::UsageError;

uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return a | b << 8 | c << 16 | static_cast<uint32_t>(d) << 24; }

std::string message_of(const Args& args)
{
    try {
        cli::parse_run_options(args);
    } catch (const UsageError& error) {
        EXPECT_FALSE(error.suggest_help()) << error.what();
        return error.what();
    }
    return "(no error)";
}

TEST(NetOptions, SlirpIsTheDefault)
{
    auto options = cli::parse_run_options(Args { "/r", "prog" });
    EXPECT_EQ(options.network.mode, uabi::NetMode::Slirp);
    EXPECT_EQ(options.network.address, ip(10, 0, 2, 15));
    EXPECT_EQ(options.network.prefix_length, 24);
    EXPECT_EQ(options.network.gateway, ip(10, 0, 2, 2));
    EXPECT_EQ(options.network.dns, ip(10, 0, 2, 3));
    EXPECT_TRUE(options.network.ports.empty());
    EXPECT_EQ(cli::parse_run_options(Args { "--net", "none", "/r", "prog" }).network.mode, uabi::NetMode::None);
    EXPECT_EQ(cli::parse_run_options(Args { "--net=slirp", "/r", "prog" }).network.mode, uabi::NetMode::Slirp);
}

TEST(NetOptions, PublishForms)
{
    auto options = cli::parse_run_options(Args { "-p", "8080:80", "-p9000:9000/udp", "--publish=127.0.0.1:8443:443/tcp",
        "-p", "65535:1", "/r", "prog" });
    auto const& ports = options.network.ports;
    ASSERT_EQ(ports.size(), 4u);
    EXPECT_EQ(ports[0], (host::PortForward { "8080:80", false, 0, 8080, 80 }));
    EXPECT_EQ(ports[1], (host::PortForward { "9000:9000/udp", true, 0, 9000, 9000 }));
    EXPECT_EQ(ports[2], (host::PortForward { "127.0.0.1:8443:443/tcp", false, ip(127, 0, 0, 1), 8443, 443 }));
    EXPECT_EQ(ports[3], (host::PortForward { "65535:1", false, 0, 65535, 1 }));
    // The same port for tcp and udp is two forwards.
    EXPECT_EQ(cli::parse_run_options(Args { "-p", "53:53", "-p", "53:53/udp", "/r", "p" }).network.ports.size(), 2u);
}

TEST(NetOptions, BadPublishSpecs)
{
    for (std::string spec : { "80", "", ":80", "80:", "0:80", "80:0", "65536:80", "80:65536", "x:80", "80:8o",
             "80:80/sctp", "80:80/", "1.2.3:80:80", "1.2.3.4.5:80:80", "256.0.0.1:80:80", "01.2.3.4:80:80",
             "localhost:80:80", "a:b:c:d", "-1:80", "+80:80", "99999999999:80" }) {
        std::string message = message_of(Args { "-p", spec, "/r", "prog" });
        EXPECT_EQ(message.rfind("-p " + spec + ": ", 0), 0u) << spec << " -> " << message;
    }
    EXPECT_EQ(message_of(Args { "-p", "8080:80", "-p", "8080:81", "/r", "p" }), "-p 8080:81: host port 8080 is already published");
    EXPECT_EQ(message_of(Args { "-p", "127.0.0.1:8080:80", "-p", "8080:81", "/r", "p" }), "-p 8080:81: host port 8080 is already published");
    EXPECT_EQ(message_of(Args { "--net", "none", "-p", "8080:80", "/r", "p" }), "-p 8080:80: publishing ports needs --net slirp");
    EXPECT_THROW(cli::parse_run_options(Args { "-p" }), UsageError);
}

TEST(NetOptions, Tap)
{
    auto options = cli::parse_run_options(Args { "--net", "tap:tap0,ip=10.0.0.2/24,gw=10.0.0.1,dns=1.1.1.1", "/r", "p" });
    EXPECT_EQ(options.network.mode, uabi::NetMode::Tap);
    EXPECT_EQ(options.network.tap_name, "tap0");
    EXPECT_EQ(options.network.address, ip(10, 0, 0, 2));
    EXPECT_EQ(options.network.prefix_length, 24);
    EXPECT_EQ(options.network.gateway, ip(10, 0, 0, 1));
    EXPECT_EQ(options.network.dns, ip(1, 1, 1, 1));
    options = cli::parse_run_options(Args { "--net", "tap:t,ip=192.168.7.9/32", "/r", "p" });
    EXPECT_EQ(options.network.gateway, 0u);

    for (std::string spec : { "tap:", "tap:tap0", "tap:tap0,ip=10.0.0.2", "tap:tap0,ip=10.0.0.2/33", "tap:tap0,ip=10.0.0.2/0",
             "tap:tap0,ip=10.0.0.2/24,gw=x", "tap:tap0,ip=10.0.0.2/24,mtu=9000", "tap:0123456789abcdef,ip=1.2.3.4/8",
             "tap:a/b,ip=1.2.3.4/8", "user", "slirp,ip=1.2.3.4/8", "" }) {
        std::string message = message_of(Args { "--net", spec, "/r", "prog" });
        EXPECT_EQ(message.rfind("--net " + spec + ": ", 0), 0u) << spec << " -> " << message;
    }
    EXPECT_EQ(message_of(Args { "--net", "tap:tap0,ip=10.0.0.2/24", "-p", "80:80", "/r", "p" }), "-p 80:80: publishing ports needs --net slirp");
}

TEST(NetOptions, Ipv4)
{
    EXPECT_EQ(cli::parse_ipv4("0.0.0.0"), 0u);
    EXPECT_EQ(cli::parse_ipv4("255.255.255.255"), 0xffffffffu);
    EXPECT_EQ(cli::parse_ipv4("10.0.2.15"), ip(10, 0, 2, 15));
    for (auto text : { "", "1", "1.2.3", "1.2.3.4.", ".1.2.3", "1..2.3", "1.2.3.256", "1.2.3.-1", "1.2.3.4 ", "00.1.2.3" })
        EXPECT_FALSE(cli::parse_ipv4(text)) << text;
}

} // namespace
