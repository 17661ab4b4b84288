// Finding PROGRAM in the guest (by path or $PATH) and loading an ELF into an address space:
// static, static-pie, or dynamically linked (its PT_INTERP dynamic linker loaded beside it).
#pragma once

#include <lib/error_or.h>
#include <linux/path.h>
#include <mm/address_space.h>
#include <vfs/vnode.h>
#include <stdint.h>

namespace linux {

struct ProgramFile {
    lib::RefPtr<vfs::Vnode> vnode;
    uint64_t size;
    char path[PATH_LENGTH_MAX]; // canonical
};

// What went wrong, for the user: exit 127 (not found) or 126 (cannot execute).
struct LoadFailure {
    bool not_found;
    char message[200];
};

// Opens the executable at an absolute path: EACCES unless it is a regular file with an execute
// bit, EISDIR for a directory.
lib::ErrorOr<ProgramFile> open_program(const char* path);

// Looks PROGRAM up as a shell would: a name with a slash is a path, anything else is searched
// in `search_path`.
lib::ErrorOr<ProgramFile> find_program(const char* program, const char* search_path, const char* cwd, LoadFailure&);

struct LoadedProgram {
    uint64_t entry;           // where execution starts: the interpreter's, if there is one
    uint64_t program_entry;   // the program's own (AT_ENTRY)
    uint64_t interpreter_base { 0 }; // AT_BASE: where the dynamic linker was loaded, or 0
    uint64_t load_bias;
    uint64_t program_headers;
    uint64_t program_header_count;
    uint64_t program_break;
};

lib::ErrorOr<LoadedProgram> load_program(const ProgramFile&, mm::AddressSpace&, uint64_t random, LoadFailure&);

} // namespace linux
