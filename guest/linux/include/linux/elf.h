// Validating an ELF64 x86_64 executable's header and program headers, before anything is
// mapped. Pure: works on bytes the caller has read, so it is tested on the host.
#pragma once

#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace linux {

struct ElfSegment {
    uint64_t virtual_address;
    uint64_t memory_size;
    uint64_t file_offset;
    uint64_t file_size;
    int protection; // platform::Protection bits
};

struct ElfImage {
    static constexpr size_t MAX_SEGMENTS = 16;
    bool position_independent { false }; // ET_DYN
    uint64_t entry { 0 };
    uint64_t program_headers_offset { 0 };
    uint16_t program_header_count { 0 };
    uint64_t program_headers_address { 0 }; // unrelocated; 0 when no segment holds them
    ElfSegment segments[MAX_SEGMENTS] {};
    size_t segment_count { 0 };
    bool has_interpreter { false };
    uint64_t interpreter_offset { 0 }; // PT_INTERP: where the interpreter's path is in the file
    uint64_t interpreter_length { 0 };
    uint64_t lowest_address { 0 };  // page-aligned span of all segments, unrelocated
    uint64_t highest_address { 0 };
};

// `bytes` holds the file's first `available` bytes; `file_size` is the whole file's size.
// On error, `*reason` says what is wrong in words for the user.
lib::ErrorOr<ElfImage> parse_elf(const uint8_t* bytes, size_t available, uint64_t file_size, const char** reason);

} // namespace linux
