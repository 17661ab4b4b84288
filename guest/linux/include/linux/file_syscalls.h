// Helpers shared by the file syscalls: resolving a (dirfd, path) pair to an absolute path.
#pragma once

#include <linux/path.h>
#include <linux/user_memory.h>

namespace linux {

inline constexpr int AT_FDCWD = -100;
inline constexpr int AT_SYMLINK_NOFOLLOW = 0x100;
inline constexpr int AT_EMPTY_PATH = 0x1000;

// Reads the program's path and makes it absolute against `dirfd` (AT_FDCWD = the cwd).
lib::ErrorOr<void> resolve_user_path(int dirfd, UserAddress path, char (&out)[PATH_LENGTH_MAX]);

} // namespace linux
