// The initial program stack, built for the host into a buffer and read back the way a C
// library's start-up code reads it.
#include <cstring>
#include <gtest/gtest.h>
#include <linux/initial_stack.h>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr uint64_t TOP = 0x7effff000000;

struct Stack {
    std::vector<uint8_t> memory;
    explicit Stack(size_t size) : memory(size) {}
    uint64_t word(uint64_t address) const
    {
        uint64_t value;
        std::memcpy(&value, &memory[memory.size() - (TOP - address)], 8);
        return value;
    }
    std::string string(uint64_t address) const { return reinterpret_cast<const char*>(&memory[memory.size() - (TOP - address)]); }
    const uint8_t* bytes(uint64_t address) const { return &memory[memory.size() - (TOP - address)]; }
};

const char* ARGV[] = { "/bin/prog", "one", "", "three words" };
const char* ENVP[] = { "PATH=/bin", "HOME=/" };
const uint8_t RANDOM[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
const linux::AuxiliaryEntry AUXV[] = { { linux::AT_PAGESZ, 4096 }, { linux::AT_ENTRY, 0x401000 } };

linux::StackContents contents(size_t argc = 4)
{
    return { ARGV, argc, ENVP, 2, "/bin/prog", "x86_64", RANDOM, AUXV, 2 };
}

TEST(InitialStack, LaysOutArgcArgvEnvpAndAuxv)
{
    for (size_t argc : { 1, 2, 3, 4 }) { // both parities of the word count
        Stack stack(4096);
        auto sp = linux::build_initial_stack(stack.memory.data(), TOP, stack.memory.size(), contents(argc));
        ASSERT_FALSE(sp.is_error());
        EXPECT_EQ(sp.value() % 16, 0u);
        uint64_t at = sp.value();
        ASSERT_EQ(stack.word(at), argc);
        at += 8;
        for (size_t i = 0; i < argc; ++i, at += 8)
            EXPECT_EQ(stack.string(stack.word(at)), ARGV[i]);
        EXPECT_EQ(stack.word(at), 0u);
        at += 8;
        for (size_t i = 0; i < 2; ++i, at += 8)
            EXPECT_EQ(stack.string(stack.word(at)), ENVP[i]);
        EXPECT_EQ(stack.word(at), 0u);
        at += 8;
        std::map<uint64_t, uint64_t> auxv;
        for (;; at += 16) {
            uint64_t type = stack.word(at);
            if (type == linux::AT_NULL)
                break;
            EXPECT_FALSE(auxv.count(type)) << "duplicate auxv entry " << type;
            auxv[type] = stack.word(at + 8);
        }
        EXPECT_EQ(auxv[linux::AT_PAGESZ], 4096u);
        EXPECT_EQ(auxv[linux::AT_ENTRY], 0x401000u);
        EXPECT_EQ(stack.string(auxv[linux::AT_PLATFORM]), "x86_64");
        EXPECT_EQ(stack.string(auxv[linux::AT_EXECFN]), "/bin/prog");
        EXPECT_EQ(std::memcmp(stack.bytes(auxv[linux::AT_RANDOM]), RANDOM, 16), 0);
        // Everything it points to lies between the stack pointer and the top.
        for (auto [type, value] : auxv)
            if (type == linux::AT_PLATFORM || type == linux::AT_EXECFN || type == linux::AT_RANDOM)
                EXPECT_TRUE(value > sp.value() && value < TOP);
    }
}

TEST(InitialStack, RefusesWhatDoesNotFit)
{
    Stack stack(64);
    auto sp = linux::build_initial_stack(stack.memory.data(), TOP, stack.memory.size(), contents());
    ASSERT_TRUE(sp.is_error());
    EXPECT_EQ(sp.error(), E2BIG);
    std::string huge(5000, 'x');
    const char* big_argv[] = { huge.c_str() };
    linux::StackContents big = contents();
    big.argv = big_argv;
    big.argc = 1;
    Stack medium(4096);
    EXPECT_TRUE(linux::build_initial_stack(medium.memory.data(), TOP, medium.memory.size(), big).is_error());
}

} // namespace
