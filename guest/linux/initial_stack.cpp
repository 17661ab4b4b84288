// The initial program stack (see linux/initial_stack.h).
#include <lib/errno_codes.h>
#include <linux/initial_stack.h>

namespace linux {

namespace {

class StackWriter {
public:
    StackWriter(uint8_t* memory, uint64_t top, size_t size) : m_memory(memory), m_top(top), m_size(size), m_cursor(top) {}

    // Pushes bytes; returns their program address, or 0 when the stack is full.
    uint64_t push(const void* data, size_t length)
    {
        if (m_top - m_cursor + length > m_size)
            return 0;
        m_cursor -= length;
        auto* bytes = static_cast<const uint8_t*>(data);
        for (size_t i = 0; i < length; ++i)
            at(m_cursor)[i] = bytes[i];
        return m_cursor;
    }
    uint64_t push_string(const char* text)
    {
        size_t length = 0;
        while (text[length])
            ++length;
        return push(text, length + 1);
    }
    void align_down(uint64_t alignment) { m_cursor &= ~(alignment - 1); }
    uint64_t cursor() const { return m_cursor; }
    bool fits(uint64_t bytes) const { return m_top - m_cursor + bytes <= m_size; }
    void write_word(uint64_t address, uint64_t value)
    {
        for (int i = 0; i < 8; ++i)
            at(address)[i] = static_cast<uint8_t>(value >> (8 * i));
    }
    void set_cursor(uint64_t cursor) { m_cursor = cursor; }

private:
    uint8_t* at(uint64_t address) { return m_memory + (m_size - (m_top - address)); }

    uint8_t* m_memory;
    uint64_t m_top;
    size_t m_size;
    uint64_t m_cursor;
};

constexpr size_t MAX_STRINGS = 65536;

} // namespace

lib::ErrorOr<uint64_t> build_initial_stack(uint8_t* memory, uint64_t top, size_t size, const StackContents& contents)
{
    if (contents.argc + contents.envc > MAX_STRINGS)
        return E2BIG;
    StackWriter writer(memory, top, size);
    uint64_t random = writer.push(contents.random, 16);
    uint64_t platform = writer.push_string(contents.platform);
    uint64_t executable_name = writer.push_string(contents.executable_name);
    if (!random || !platform || !executable_name)
        return E2BIG;
    // Strings first (envp above argv, as Linux lays them out); remember where each went.
    for (size_t i = contents.envc; i-- > 0;)
        if (!writer.push_string(contents.envp[i]))
            return E2BIG;
    for (size_t i = contents.argc; i-- > 0;)
        if (!writer.push_string(contents.argv[i]))
            return E2BIG;
    uint64_t strings_start = writer.cursor();
    writer.align_down(16);

    size_t auxiliary_words = 2 * (contents.auxiliary_count + 4);
    size_t words = 1 + contents.argc + 1 + contents.envc + 1 + auxiliary_words;
    if (words % 2)
        writer.push("\0\0\0\0\0\0\0\0", 8); // keeps the final stack pointer 16-byte aligned
    if (!writer.fits(words * 8))
        return E2BIG;
    uint64_t stack_pointer = writer.cursor() - words * 8;
    writer.set_cursor(stack_pointer);

    uint64_t slot = stack_pointer;
    auto put = [&](uint64_t value) {
        writer.write_word(slot, value);
        slot += 8;
    };
    put(contents.argc);
    uint64_t string = strings_start;
    auto put_strings = [&](const char* const* strings, size_t count) {
        for (size_t i = 0; i < count; ++i) {
            put(string);
            size_t length = 0;
            while (strings[i][length])
                ++length;
            string += length + 1;
        }
        put(0);
    };
    put_strings(contents.argv, contents.argc);
    put_strings(contents.envp, contents.envc);
    for (size_t i = 0; i < contents.auxiliary_count; ++i) {
        put(contents.auxiliary[i].type);
        put(contents.auxiliary[i].value);
    }
    put(AT_RANDOM);
    put(random);
    put(AT_PLATFORM);
    put(platform);
    put(AT_EXECFN);
    put(executable_name);
    put(AT_NULL);
    put(0);
    return stack_pointer;
}

} // namespace linux
