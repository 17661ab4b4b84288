// MAP_SHARED mappings of files: their pages are copies in guest frames, written back to the
// file on msync and munmap (and when MAP_FIXED or mremap replaces them).
// FIXME: writes through write() after mmap are not seen by the mapping, and dirty pages are
// not written back when the program exits without msync or munmap.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <mm/address_space.h>
#include <vfs/open_file.h>

namespace linux {

lib::ErrorOr<void> add_shared_file_mapping(uint64_t start, uint64_t length, const lib::RefPtr<vfs::OpenFile>&, uint64_t offset);
// Writes the backed pages of shared file mappings in [start, start+length) to their files.
lib::ErrorOr<void> write_back_shared_files(mm::AddressSpace&, uint64_t start, uint64_t length);
// Writes back, then forgets [start, start+length): before it is unmapped or replaced.
void forget_shared_files(mm::AddressSpace&, uint64_t start, uint64_t length);

} // namespace linux
