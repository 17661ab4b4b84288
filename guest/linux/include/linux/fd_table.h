// Open files and the per-process file descriptor table.
#pragma once

#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace linux {

enum class FileKind { Console, HostFile };

struct OpenFile {
    FileKind kind;
    int console_fd;        // Console: 0, 1 or 2 on the monitor
    int64_t handle;        // HostFile: the monitor's handle
    uint64_t offset;
    uint32_t status_flags; // O_APPEND, O_NONBLOCK, ... as given to open
    uint32_t mode;         // st_mode at open
    char* path;            // absolute, for *at() calls relative to a directory fd
    int references;
};

class FdTable {
public:
    static constexpr int MAX_FDS = 1024;

    OpenFile* get(int fd) const;
    // Lowest free descriptor >= minimum; EMFILE when none.
    lib::ErrorOr<int> install(OpenFile*, int minimum = 0, bool close_on_exec = false);
    lib::ErrorOr<void> install_at(int fd, OpenFile*, bool close_on_exec);
    lib::ErrorOr<void> close(int fd);
    bool close_on_exec(int fd) const { return m_close_on_exec[fd]; }
    void set_close_on_exec(int fd, bool value) { m_close_on_exec[fd] = value; }

private:
    OpenFile* m_files[MAX_FDS] {};
    bool m_close_on_exec[MAX_FDS] {};
};

OpenFile* new_console_file(int console_fd);
void release(OpenFile*);

} // namespace linux
