// Unit tests for cli/options: sizes, log levels, -e and where ROOTFS and PROGRAM begin.
#include "cli/options.h"

#include <gtest/gtest.h>
#include <map>

namespace {

using cli::parse_run_options;
using cli::UsageError;
using Args = std::vector<std::string>;

TEST(ParseSize, Suffixes)
{
    EXPECT_EQ(cli::parse_size("0"), 0u);
    EXPECT_EQ(cli::parse_size("4096"), 4096u);
    EXPECT_EQ(cli::parse_size("64k"), 64u << 10);
    EXPECT_EQ(cli::parse_size("512M"), 512u << 20);
    EXPECT_EQ(cli::parse_size("512mb"), 512u << 20);
    EXPECT_EQ(cli::parse_size("2G"), 2ull << 30);
    EXPECT_EQ(cli::parse_size("1gB"), 1ull << 30);
    EXPECT_EQ(cli::parse_size("100B"), 100u);
}

TEST(ParseSize, Garbage)
{
    for (auto text : { "", "M", "abc", "1.5G", "-1", "1T", "1GBB", "1 G", "0x10", "1Gi", "1MiB" })
        EXPECT_FALSE(cli::parse_size(text).has_value()) << text;
}

TEST(ParseSize, OverflowSaturates)
{
    EXPECT_EQ(cli::parse_size("99999999999999999999999"), UINT64_MAX);
    EXPECT_EQ(cli::parse_size("17179869184G"), UINT64_MAX);
}

TEST(ParseMemory, Limits)
{
    EXPECT_EQ(cli::parse_memory("-m", "16M"), 16u << 20);
    EXPECT_EQ(cli::parse_memory("-m", "64G"), 64ull << 30);
    EXPECT_EQ(cli::parse_memory("-m", "16777217"), (16u << 20) + 4096);
    try {
        (void)cli::parse_memory("-m", "1M");
        FAIL();
    } catch (const UsageError& error) {
        EXPECT_STREQ(error.what(), "-m 1M: too small (minimum 16M)");
        EXPECT_FALSE(error.suggest_help());
    }
    EXPECT_THROW((void)cli::parse_memory("-m", "65G"), UsageError);
    EXPECT_THROW((void)cli::parse_memory("--memory", "99999999999999999999999"), UsageError);
    EXPECT_THROW((void)cli::parse_memory("-m", "lots"), UsageError);
}

TEST(ParseDuration, UnitsAndFractions)
{
    EXPECT_EQ(cli::parse_duration("30"), 30'000'000'000u);
    EXPECT_EQ(cli::parse_duration("30s"), 30'000'000'000u);
    EXPECT_EQ(cli::parse_duration("1.5s"), 1'500'000'000u);
    EXPECT_EQ(cli::parse_duration("500ms"), 500'000'000u);
    EXPECT_EQ(cli::parse_duration("2m"), 120'000'000'000u);
    EXPECT_EQ(cli::parse_duration("1h"), 3'600'000'000'000u);
    EXPECT_EQ(cli::parse_duration(".25"), 250'000'000u);
}

TEST(ParseDuration, Garbage)
{
    for (auto const* text : { "", "s", "0", "0s", "0.0", "-1", "1x", "1 s", "1.2.3", "1e3", "99999999999h", "1.0000000001" })
        EXPECT_FALSE(cli::parse_duration(text).has_value()) << text;
}

TEST(ParseRunOptions, TimeoutAndSeccomp)
{
    auto options = parse_run_options(Args { "--timeout", "2m", "--no-seccomp", "root", "prog" });
    EXPECT_EQ(options.timeout_ns, 120'000'000'000u);
    EXPECT_FALSE(options.seccomp);
    options = parse_run_options(Args { "root", "prog" });
    EXPECT_EQ(options.timeout_ns, 0u);
    EXPECT_TRUE(options.seccomp);
    EXPECT_THROW(parse_run_options(Args { "--timeout", "soon", "root", "prog" }), UsageError);
    EXPECT_THROW(parse_run_options(Args { "--no-seccomp=1", "root", "prog" }), UsageError);
}

TEST(ParseLogLevel, Names)
{
    EXPECT_EQ(cli::parse_log_level("error"), uabi::LogLevel::Error);
    EXPECT_EQ(cli::parse_log_level("warn"), uabi::LogLevel::Warn);
    EXPECT_EQ(cli::parse_log_level("info"), uabi::LogLevel::Info);
    EXPECT_EQ(cli::parse_log_level("debug"), uabi::LogLevel::Debug);
    EXPECT_FALSE(cli::parse_log_level("DEBUG").has_value());
    EXPECT_FALSE(cli::parse_log_level("").has_value());
}

TEST(ParseRunOptions, RootfsAndProgram)
{
    auto options = parse_run_options(Args { "/r", "prog", "a", "--help" });
    EXPECT_EQ(options.rootfs, "/r");
    EXPECT_EQ(options.program, (Args { "prog", "a", "--help" }));
    EXPECT_FALSE(options.help);

    options = parse_run_options(Args { "/r", "--", "prog", "--", "-m" });
    EXPECT_EQ(options.program, (Args { "prog", "--", "-m" }));

    options = parse_run_options(Args { "--", "-weird-rootfs", "prog" });
    EXPECT_EQ(options.rootfs, "-weird-rootfs");
    EXPECT_EQ(options.program, (Args { "prog" }));
}

TEST(ParseRunOptions, OptionsBeforeRootfs)
{
    auto options = parse_run_options(Args { "-e", "A=1", "--env=B", "-eC=3", "--env", "D", "-m", "1G", "--trace",
        "--stats", "--log-level", "info", "/r", "p" });
    EXPECT_EQ(options.env, (Args { "A=1", "B", "C=3", "D" }));
    EXPECT_EQ(options.memory_bytes, 1ull << 30);
    EXPECT_TRUE(options.trace);
    EXPECT_TRUE(options.stats);
    EXPECT_EQ(options.log_level, uabi::LogLevel::Info);

    options = parse_run_options(Args { "--memory=32M", "--log-level=debug", "-m64M", "/r", "p" });
    EXPECT_EQ(options.memory_bytes, 64u << 20);
    EXPECT_EQ(options.log_level, uabi::LogLevel::Debug);
    EXPECT_EQ(parse_run_options(Args { "/r", "p" }).memory_bytes, cli::DEFAULT_MEMORY);
}

TEST(ParseRunOptions, Help)
{
    EXPECT_TRUE(parse_run_options(Args { "--help" }).help);
    EXPECT_TRUE(parse_run_options(Args { "--trace", "-h", "--bogus" }).help);
}

TEST(ParseRunOptions, Mistakes)
{
    for (auto const& args : std::vector<Args> { {}, { "/r" }, { "/r", "--" }, { "--bogus", "/r", "p" }, { "-x", "/r", "p" },
             { "-e" }, { "-m" }, { "--log-level" }, { "--log-level=loud", "/r", "p" }, { "--trace=yes", "/r", "p" },
             { "-hv", "/r", "p" }, { "-e", "=x", "/r", "p" } }) {
        EXPECT_THROW(
            {
                auto options = parse_run_options(args);
                (void)cli::guest_environment(options.env, [](const char*) { return nullptr; });
            },
            UsageError);
    }
}

TEST(GuestEnvironment, DefaultsAndOverrides)
{
    std::map<std::string, std::string> caller { { "FOO", "from-caller" }, { "HOME", "/home/me" } };
    auto lookup = [&](const char* name) -> const char* {
        auto found = caller.find(name);
        return found == caller.end() ? nullptr : found->second.c_str();
    };
    EXPECT_EQ(cli::guest_environment({}, lookup),
        (Args { std::string("PATH=") + cli::DEFAULT_PATH, "HOME=/" }));

    auto environment = cli::guest_environment({ "A=1", "FOO", "UNSET", "A=2", "HOME", "E=", "X=a=b" }, lookup);
    EXPECT_EQ(environment, (Args { std::string("PATH=") + cli::DEFAULT_PATH, "HOME=/home/me", "A=2", "FOO=from-caller", "E=", "X=a=b" }));
}

TEST(GuestEnvironment, NameIsAWholePrefix)
{
    auto environment = cli::guest_environment({ "PATHX=1", "PATH=/bin" }, [](const char*) { return nullptr; });
    EXPECT_EQ(environment, (Args { "PATH=/bin", "HOME=/", "PATHX=1" }));
}

} // namespace
