// What execve starts: the program file (following `#!` interpreters) and the new image's
// arguments and environment, held by the kernel while the old image goes away.
#pragma once

#include <lib/error_or.h>
#include <linux/exec.h>
#include <linux/program_loader.h>
#include <linux/user_memory.h>
#include <stddef.h>
#include <stdint.h>

extern "C" size_t strlen(const char*);
extern "C" void* memcpy(void*, const void*, size_t);

namespace linux {

inline constexpr size_t ARGUMENT_BYTES_MAX = 256 * 1024 - 4096; // what fits the stack's argument area
inline constexpr size_t ARGUMENT_COUNT_MAX = ARGUMENT_BYTES_MAX / 8;
inline constexpr size_t ARGUMENT_STRING_MAX = 32 * 4096; // MAX_ARG_STRLEN

// The strings packed in one buffer, and one pointer array holding argv (with room in front
// for an interpreter's words), then envp. The buffers live as long as the kernel: one execve
// runs at a time (the kernel is single-threaded and an execve never blocks), and allocating
// 512 KiB afresh at every execve cost more than the rest of it.
class ImageArguments {
public:
    lib::ErrorOr<void> allocate()
    {
        static char* bytes;
        static const char** pointers;
        if (!bytes)
            bytes = static_cast<char*>(lib::allocate(ARGUMENT_BYTES_MAX));
        if (!pointers)
            pointers = static_cast<const char**>(lib::allocate((ARGUMENT_COUNT_MAX + 2) * sizeof(char*)));
        if (!bytes || !pointers)
            return ENOMEM;
        m_bytes = bytes;
        m_pointers = pointers;
        return {};
    }
    // Copies the NULL-terminated array of strings at `array` (NULL: none) to the end.
    lib::ErrorOr<size_t> copy_from(UserAddress array)
    {
        size_t count = 0;
        for (; array; ++count) {
            uint64_t string = TRY(read_user<uint64_t>(array + 8 * count));
            if (!string)
                break;
            size_t room = ARGUMENT_BYTES_MAX - m_used;
            int64_t length = user_string_length(reinterpret_cast<const char*>(string), room < ARGUMENT_STRING_MAX ? room : ARGUMENT_STRING_MAX);
            if (length < 0 || string >= kernel::USER_END)
                return EFAULT;
            if (static_cast<size_t>(length) >= room || static_cast<size_t>(length) >= ARGUMENT_STRING_MAX)
                return E2BIG;
            TRY(copy_from_user(m_bytes + m_used, string, static_cast<size_t>(length)));
            m_bytes[m_used + static_cast<size_t>(length)] = 0;
            TRY(push(m_bytes + m_used));
            m_used += static_cast<size_t>(length) + 1;
        }
        return count;
    }
    // Copies a kernel string in (an interpreter's words).
    lib::ErrorOr<const char*> keep(const char* string)
    {
        size_t length = strlen(string);
        if (length + 1 > ARGUMENT_BYTES_MAX - m_used)
            return E2BIG;
        char* kept = m_bytes + m_used;
        memcpy(kept, string, length + 1);
        m_used += length + 1;
        return kept;
    }
    lib::ErrorOr<void> push(const char* string)
    {
        if (m_count == ARGUMENT_COUNT_MAX)
            return E2BIG;
        m_pointers[m_count++] = string;
        return {};
    }
    // Replaces argv[0] with `words` (interpreter, optional argument, script path).
    lib::ErrorOr<void> replace_first_argument(const char* const* words, size_t count)
    {
        size_t shift = count - 1;
        if (m_count + shift + 1 > ARGUMENT_COUNT_MAX)
            return E2BIG;
        if (!m_argc) { // no argv at all: the script path becomes argv[1]
            for (size_t i = m_count; i > 0; --i)
                m_pointers[i] = m_pointers[i - 1];
            ++m_count;
            ++m_argc;
        }
        for (size_t i = m_count; i > 1; --i)
            m_pointers[i - 1 + shift] = m_pointers[i - 1];
        for (size_t i = 0; i < count; ++i)
            m_pointers[i] = words[i];
        m_count += shift;
        m_argc += shift;
        return {};
    }
    size_t m_argc { 0 };
    size_t m_envc { 0 };
    ProgramArguments view() const { return { m_pointers, m_argc, m_pointers + m_argc + 1, m_envc }; }
    void terminate_lists()
    {
        // argv, NULL, envp, NULL
        for (size_t i = m_count; i > m_argc; --i)
            m_pointers[i] = m_pointers[i - 1];
        m_pointers[m_argc] = nullptr;
        m_pointers[m_count + 1] = nullptr;
    }

private:
    char* m_bytes { nullptr };
    const char** m_pointers { nullptr };
    size_t m_used { 0 };
    size_t m_count { 0 };
};


// Adds a kernel string to argv (count it in m_argc) or envp (m_envc).
lib::ErrorOr<void> push_kernel_string(ImageArguments&, const char* string);

// The image execve will start for `path` (absolute or relative to the cwd): follows `#!`
// interpreters (rewriting argv as Linux does), checks the ELF. ENOEXEC for what is neither.
lib::ErrorOr<ProgramFile> resolve_image(const char* path, ImageArguments&);

// Whether the file starts with `#!`.
bool is_script(const ProgramFile&);

} // namespace linux
