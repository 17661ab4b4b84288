// GuestMemory: guest RAM as a sparse memfd, and the one checked translator from Gpa to host memory.
#pragma once

#include <abi/hypercall.h>
#include <optional>
#include <span>
#include <stdint.h>
#include <string.h>
#include <string>
#include <type_traits>

namespace host {

class GuestMemory {
public:
    // Creates size bytes of zeroed RAM; untouched pages cost nothing. Throws VmError.
    explicit GuestMemory(uint64_t size);
    // Wraps caller-owned memory (for tests); does not own it.
    GuestMemory(uint8_t* base, uint64_t size);
    ~GuestMemory();

    GuestMemory(const GuestMemory&) = delete;
    GuestMemory& operator=(const GuestMemory&) = delete;

    uint64_t size() const { return m_size; }
    int memfd() const { return m_memfd; }

    // True when [gpa, gpa + length) lies inside RAM (an empty range at size() is fine).
    bool contains(uabi::Gpa gpa, uint64_t length) const
    {
        return gpa <= m_size && length <= m_size - gpa;
    }

    // The host view of [gpa, gpa + length), or an empty span (data() == nullptr) when the
    // range overflows or leaves RAM. The guest may change these bytes at any time.
    std::span<uint8_t> bytes(uabi::Gpa gpa, uint64_t length) const
    {
        if (!contains(gpa, length))
            return {};
        // SAFETY: [gpa, gpa + length) was just checked against the mapping's size.
        return { m_base + gpa, static_cast<size_t>(length) };
    }

    // A pointer to a T at gpa, or nullptr when it does not fit in RAM or is misaligned.
    // Prefer read()/write(): the guest can change a live object under the monitor's feet.
    template<typename T>
    T* object(uabi::Gpa gpa) const
    {
        static_assert(std::is_trivially_copyable_v<T>);
        if (!contains(gpa, sizeof(T)) || gpa % alignof(T) != 0)
            return nullptr;
        // SAFETY: checked in range and aligned; T is a plain ABI struct.
        return reinterpret_cast<T*>(m_base + gpa);
    }

    // A private copy of the T at gpa (so the guest cannot change it mid-use), if it fits.
    template<typename T>
    std::optional<T> read(uabi::Gpa gpa) const
    {
        static_assert(std::is_trivially_copyable_v<T>);
        auto source = bytes(gpa, sizeof(T));
        if (source.data() == nullptr)
            return std::nullopt;
        T value;
        memcpy(&value, source.data(), sizeof(T));
        return value;
    }

    // Copies value to gpa; false when it does not fit in RAM.
    template<typename T>
    bool write(uabi::Gpa gpa, const T& value) const
    {
        static_assert(std::is_trivially_copyable_v<T>);
        auto target = bytes(gpa, sizeof(T));
        if (target.data() == nullptr)
            return false;
        memcpy(target.data(), &value, sizeof(T));
        return true;
    }

    // A copy of the NUL-terminated string at gpa whose NUL lies within the first max_length
    // bytes (and within RAM); nullopt otherwise.
    std::optional<std::string> read_string(uabi::Gpa gpa, uint64_t max_length) const;

private:
    uint8_t* m_base = nullptr;
    uint64_t m_size = 0;
    int m_memfd = -1;
    bool m_owned = false;
};

} // namespace host
