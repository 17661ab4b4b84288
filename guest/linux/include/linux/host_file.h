// Files of the ROOTFS directory, read through the monitor (read-only, confined beneath ROOTFS
// by the monitor). FIXME: issue 4 puts a VFS, an overlay and a page cache in front of this.
#pragma once

#include <abi/hypercall.h>
#include <lib/error_or.h>
#include <mm/address_space.h>
#include <stddef.h>
#include <stdint.h>

namespace linux::host_file {

lib::ErrorOr<int64_t> open(const char* absolute_path);
lib::ErrorOr<size_t> read(int64_t handle, void* buffer, size_t length, uint64_t offset);
// Reads straight into guest RAM at `gpa` (no bounce copy).
lib::ErrorOr<size_t> read_physical(int64_t handle, uabi::Gpa gpa, size_t length, uint64_t offset);
lib::ErrorOr<uabi::FileStatRequest> stat(int64_t handle);
// linux_dirent64 records from directory position `offset` into guest RAM at `gpa`.
lib::ErrorOr<size_t> read_directory_physical(int64_t handle, uabi::Gpa gpa, size_t length, uint64_t offset);
void close(int64_t handle);
// Reads up to `length` file bytes from `offset` into the program's pages at `address`,
// straight into their frames: one hypercall per physically contiguous run. Stops early at the
// end of the file; returns the bytes read.
lib::ErrorOr<size_t> read_into_pages(mm::AddressSpace&, int64_t handle, uint64_t address, uint64_t length, uint64_t offset);

// stat by path: open, stat, close.
lib::ErrorOr<uabi::FileStatRequest> stat_path(const char* absolute_path);

} // namespace linux::host_file
