// Unit tests for host::KernelSymbols, run against this test binary's own ELF .symtab.
#include "host/kernel_symbols.h"

#include <gtest/gtest.h>

extern "C" __attribute__((noinline, used)) int unikit_symbols_test_function(int value)
{
    return value * 3 + 1;
}

namespace {

std::optional<host::KernelSymbols> self_symbols()
{
    return host::KernelSymbols::load("/proc/self/exe");
}

TEST(KernelSymbols, FindsAFunctionAndOffsets)
{
    auto symbols = self_symbols();
    ASSERT_TRUE(symbols.has_value()) << "the test binary has no .symtab (stripped?)";
    EXPECT_GT(symbols->size(), 0u);
    auto address = symbols->address_of("unikit_symbols_test_function");
    ASSERT_TRUE(address.has_value());

    auto exact = symbols->lookup(*address);
    ASSERT_TRUE(exact.has_value());
    EXPECT_EQ(exact->offset, 0u);
    EXPECT_EQ(symbols->describe(*address + 4), "unikit_symbols_test_function+0x4");
}

TEST(KernelSymbols, DemanglesCppNames)
{
    auto symbols = self_symbols();
    ASSERT_TRUE(symbols.has_value());
    auto address = symbols->address_of("_ZN4host13KernelSymbols4loadERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE");
    ASSERT_TRUE(address.has_value());
    EXPECT_EQ(symbols->describe(*address + 0x10).rfind("host::KernelSymbols::load(", 0), 0u);
}

TEST(KernelSymbols, NothingBelowTheFirstSymbol)
{
    auto symbols = self_symbols();
    ASSERT_TRUE(symbols.has_value());
    EXPECT_FALSE(symbols->lookup(0).has_value());
    EXPECT_EQ(symbols->describe(0), "unknown");
}

TEST(KernelSymbols, RejectsFilesThatAreNotElf)
{
    EXPECT_FALSE(host::KernelSymbols::load("/etc/passwd").has_value());
    EXPECT_FALSE(host::KernelSymbols::load("/nonexistent/kernel").has_value());
    EXPECT_FALSE(host::KernelSymbols::load("/dev/null").has_value());
}

} // namespace
