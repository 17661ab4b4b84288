// Path strings: making a path absolute against a directory, and walking $PATH. Lexical only:
// `..` and symlinks are resolved where the file system is (the monitor, beneath ROOTFS).
#pragma once

#include <lib/error_or.h>
#include <vfs/vnode.h>
#include <stddef.h>

namespace linux {

inline constexpr size_t PATH_LENGTH_MAX = vfs::PATH_LENGTH_MAX;

// Writes `path` made absolute against `directory` (itself absolute) into `out`, with repeated
// slashes and "." components removed. Returns the length, or ENAMETOOLONG / ENOENT (empty).
lib::ErrorOr<size_t> absolute_path(char* out, size_t size, const char* directory, const char* path);

// The directories of a $PATH value in order; an empty entry means the current directory.
class SearchPath {
public:
    explicit SearchPath(const char* value) : m_next(value) {}
    // Copies the next entry to `out`; false when there are no more.
    bool next(char* out, size_t size);

private:
    const char* m_next;
};

const char* find_environment_variable(const char* const* environment, const char* name);

} // namespace linux
