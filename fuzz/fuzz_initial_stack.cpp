// Fuzz target: the initial program stack (guest/linux/initial_stack.cpp, built for the host):
// any argv, envp, auxv and stack size. What it builds must lie inside the buffer and read back.
#include "fuzz_require.h"
#include <fuzzer/FuzzedDataProvider.h>
#include <linux/initial_stack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>
#include <vector>

static void require(bool condition, const char* what) { fuzz_require(condition, "fuzz_initial_stack", what); }

// C strings end at their first NUL: the contents hold what the program would see.
static std::string without_nul(std::string string)
{
    string.resize(strlen(string.c_str()));
    return string;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    FuzzedDataProvider input(data, size);
    size_t stack_size = input.ConsumeIntegralInRange<size_t>(0, 16384);
    uint64_t top = 0x7effff000000 - 16 * input.ConsumeIntegralInRange<uint64_t>(0, 4096);
    std::vector<std::string> strings;
    size_t argc = input.ConsumeIntegralInRange<size_t>(0, 40);
    size_t envc = input.ConsumeIntegralInRange<size_t>(0, 40);
    for (size_t i = 0; i < argc + envc; ++i)
        strings.push_back(without_nul(input.ConsumeRandomLengthString(200)));
    std::vector<const char*> pointers;
    for (auto const& string : strings)
        pointers.push_back(string.c_str());
    std::vector<linux::AuxiliaryEntry> auxiliary(input.ConsumeIntegralInRange<size_t>(0, 24));
    for (auto& entry : auxiliary)
        entry = { input.ConsumeIntegralInRange<uint64_t>(1, 60), input.ConsumeIntegral<uint64_t>() };
    std::string name = input.ConsumeRandomLengthString(300);
    std::string platform = input.ConsumeRandomLengthString(20);
    uint8_t random[16] = {};
    input.ConsumeData(random, sizeof(random));

    linux::StackContents contents { pointers.data(), argc, pointers.data() + argc, envc, name.c_str(), platform.c_str(),
        random, auxiliary.data(), auxiliary.size() };
    // Exact size on the heap: a byte written outside is an ASan report.
    std::vector<uint8_t> memory(stack_size);
    auto result = linux::build_initial_stack(memory.data(), top, memory.size(), contents);
    if (result.is_error())
        return 0;
    uint64_t sp = result.value();
    require(sp % 16 == 0, "stack pointer not 16-byte aligned");
    require(sp < top && top - sp <= stack_size, "stack pointer outside the buffer");
    auto word = [&](uint64_t address) {
        require(address >= sp && address + 8 <= top, "a word outside the stack");
        uint64_t value;
        memcpy(&value, &memory[memory.size() - (top - address)], 8);
        return value;
    };
    auto string_at = [&](uint64_t address) {
        require(address > sp && address < top, "a string outside the stack");
        size_t offset = memory.size() - (top - address);
        auto* end = static_cast<const uint8_t*>(memchr(&memory[offset], 0, memory.size() - offset));
        require(end != nullptr, "a string without its NUL");
        return std::string(reinterpret_cast<const char*>(&memory[offset]), reinterpret_cast<const char*>(end));
    };
    require(word(sp) == argc, "argc wrong");
    uint64_t at = sp + 8;
    for (size_t i = 0; i < argc + envc; ++i, at += 8) {
        if (i == argc) {
            require(word(at) == 0, "argv not NULL-terminated");
            at += 8;
        }
        require(string_at(word(at)) == strings[i], "a string did not read back");
    }
    if (envc == 0) {
        require(word(at) == 0, "argv not NULL-terminated");
        at += 8;
    }
    require(word(at) == 0, "envp not NULL-terminated");
    for (at += 8; word(at) != linux::AT_NULL; at += 16) { }
    return 0;
}
