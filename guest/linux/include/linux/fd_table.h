// The per-process file descriptor table: descriptors point at shared open file descriptions.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <vfs/open_file.h>

namespace linux {

class FdTable {
public:
    static constexpr int MAX_FDS = 1024;

    lib::RefPtr<vfs::OpenFile> get(int fd) const;
    // Lowest free descriptor >= minimum; EMFILE when none.
    lib::ErrorOr<int> install(lib::RefPtr<vfs::OpenFile>, int minimum = 0, bool close_on_exec = false);
    // dup2: replaces what `fd` held.
    lib::ErrorOr<void> install_at(int fd, lib::RefPtr<vfs::OpenFile>, bool close_on_exec);
    lib::ErrorOr<void> close(int fd);
    bool close_on_exec(int fd) const { return m_close_on_exec[fd]; }
    void set_close_on_exec(int fd, bool value) { m_close_on_exec[fd] = value; }
    int highest_open() const;

    // RLIMIT_NOFILE: descriptors at or above the soft limit cannot be made.
    uint64_t soft_limit() const { return m_soft_limit; }
    uint64_t hard_limit() const { return m_hard_limit; }
    lib::ErrorOr<void> set_limits(uint64_t soft, uint64_t hard);

private:
    uint64_t m_soft_limit { MAX_FDS };
    uint64_t m_hard_limit { MAX_FDS };
    lib::RefPtr<vfs::OpenFile> m_files[MAX_FDS];
    bool m_close_on_exec[MAX_FDS] {};
};

} // namespace linux
