// What the file syscalls share: finding a descriptor's open file, resolving a (dirfd, path)
// pair through the VFS, and moving data between open files and program memory.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <linux/user_memory.h>
#include <mm/address_space.h>
#include <vfs/open_file.h>
#include <vfs/path_walk.h>

namespace linux {

inline constexpr int AT_FDCWD = -100;
inline constexpr int AT_SYMLINK_NOFOLLOW = 0x100;
inline constexpr int AT_REMOVEDIR = 0x200;
inline constexpr int AT_SYMLINK_FOLLOW = 0x400;
inline constexpr int AT_NO_AUTOMOUNT = 0x800;
inline constexpr int AT_EMPTY_PATH = 0x1000;

lib::ErrorOr<lib::RefPtr<vfs::OpenFile>> file_for(uint64_t fd);

// The directory a relative path starts from: the cwd, or the directory open at `dirfd`.
lib::ErrorOr<void> base_directory(int dirfd, char (&out)[vfs::PATH_LENGTH_MAX]);

// Reads the program's path and walks it from `dirfd`. With AT_EMPTY_PATH and an empty path,
// the result is the file open at `dirfd` itself.
lib::ErrorOr<void> resolve(int dirfd, UserAddress path, const vfs::WalkOptions&, vfs::WalkResult&, int at_flags = 0);

// Kernel-side walk of an absolute or cwd-relative path.
lib::ErrorOr<void> resolve_kernel_path(const char* path, const vfs::WalkOptions&, vfs::WalkResult&);

// read/write through the kernel's transfer buffer. `offset` < 0: at the file offset.
lib::ErrorOr<size_t> read_to_user(vfs::OpenFile&, UserAddress buffer, size_t length, int64_t offset);
lib::ErrorOr<size_t> write_from_user(vfs::OpenFile&, UserAddress buffer, size_t length, int64_t offset);

// Reads up to `length` bytes of `vnode` from `offset` into the program's pages at `address`,
// through the kernel's view of their frames (host files then go straight into guest RAM, one
// hypercall per physically contiguous run). Stops at the end of the file; returns the bytes.
lib::ErrorOr<size_t> read_into_pages(mm::AddressSpace&, vfs::Vnode&, uint64_t address, uint64_t length, uint64_t offset);

// The Linux struct stat of a vnode.
lib::ErrorOr<void> write_stat(UserAddress buffer, vfs::Vnode&);

} // namespace linux
