// A non-owning view of characters: pointer and length, no NUL needed.
#pragma once

#include <stddef.h>

namespace lib {

class StringView {
public:
    constexpr StringView() = default;
    constexpr StringView(const char* characters, size_t length) : m_characters(characters), m_length(length) {}
    constexpr StringView(const char* c_string) : m_characters(c_string), m_length(0)
    {
        while (c_string && c_string[m_length])
            ++m_length;
    }

    constexpr const char* characters() const { return m_characters; }
    constexpr size_t length() const { return m_length; }
    constexpr bool is_empty() const { return m_length == 0; }
    constexpr char operator[](size_t index) const { return m_characters[index]; }

    constexpr bool operator==(StringView other) const
    {
        if (m_length != other.m_length)
            return false;
        for (size_t i = 0; i < m_length; ++i)
            if (m_characters[i] != other.m_characters[i])
                return false;
        return true;
    }
    constexpr bool starts_with(StringView prefix) const
    {
        return prefix.m_length <= m_length && StringView(m_characters, prefix.m_length) == prefix;
    }
    constexpr StringView substring(size_t start, size_t length) const { return { m_characters + start, length }; }
    constexpr StringView substring(size_t start) const { return { m_characters + start, m_length - start }; }

    // Copies into `buffer` with a NUL; false when it does not fit.
    bool copy_to(char* buffer, size_t size) const
    {
        if (m_length + 1 > size)
            return false;
        for (size_t i = 0; i < m_length; ++i)
            buffer[i] = m_characters[i];
        buffer[m_length] = '\0';
        return true;
    }

private:
    const char* m_characters { nullptr };
    size_t m_length { 0 };
};

} // namespace lib
