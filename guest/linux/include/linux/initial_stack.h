// The stack a Linux program finds at its entry point: argc, argv, envp, the auxiliary vector,
// and the strings and random bytes they point to. Pure: builds into a buffer that stands for
// the top of the program's stack, so it is tested on the host.
#pragma once

#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace linux {

struct AuxiliaryEntry {
    uint64_t type;
    uint64_t value;
};

enum AuxiliaryType : uint64_t {
    AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
    AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15,
    AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26,
    AT_EXECFN = 31, AT_SYSINFO_EHDR = 33, AT_MINSIGSTKSZ = 51,
};

struct StackContents {
    const char* const* argv;
    size_t argc;
    const char* const* envp;
    size_t envc;
    const char* executable_name; // AT_EXECFN
    const char* platform;        // AT_PLATFORM
    const uint8_t* random;       // 16 bytes for AT_RANDOM
    // Entries other than AT_EXECFN, AT_PLATFORM, AT_RANDOM and AT_NULL, which are added here.
    const AuxiliaryEntry* auxiliary;
    size_t auxiliary_count;
};

// `memory` holds the `size` bytes just below the program address `top`. Returns the initial
// stack pointer (16-byte aligned, pointing at argc), or E2BIG when it does not fit.
lib::ErrorOr<uint64_t> build_initial_stack(uint8_t* memory, uint64_t top, size_t size, const StackContents&);

} // namespace linux
