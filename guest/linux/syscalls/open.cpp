// open, openat, close, dup, dup2, dup3, fcntl, ioctl.
#include <hv/hypercall.h>
#include <linux/file_syscalls.h>
#include <linux/host_file.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <mm/heap.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" size_t strlen(const char*);

namespace linux {

namespace {

constexpr uint32_t O_ACCMODE = 3, O_CREAT = 0100, O_TRUNC = 01000, O_DIRECTORY = 0200000, O_CLOEXEC = 02000000;
constexpr uint32_t O_TMPFILE = 020000000;
constexpr int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
constexpr uint64_t TCGETS = 0x5401, TIOCGWINSZ = 0x5413, TIOCGPGRP = 0x540f, FIONBIO = 0x5421;

SyscallResult open_path(int dirfd, UserAddress user_path, uint32_t flags)
{
    char path[PATH_LENGTH_MAX];
    TRY(resolve_user_path(dirfd, user_path, path));
    // FIXME: issue 4 adds the writable overlay; until then ROOTFS is read-only.
    if ((flags & O_ACCMODE) != 0 || (flags & (O_TRUNC | O_TMPFILE)))
        return EROFS;
    int64_t handle = TRY(host_file::open(path));
    auto status = host_file::stat(handle);
    if (status.is_error()) {
        host_file::close(handle);
        return lib::Error(status.error());
    }
    bool is_directory = (status.value().mode & 0170000) == 0040000;
    if ((flags & O_DIRECTORY) && !is_directory) {
        host_file::close(handle);
        return ENOTDIR;
    }
    (void)O_CREAT; // an existing file opened with O_CREAT is fine; creating one needs the overlay
    auto* file = static_cast<OpenFile*>(mm::kmalloc(sizeof(OpenFile)));
    size_t length = strlen(path) + 1;
    auto* saved_path = static_cast<char*>(mm::kmalloc(length));
    if (!file || !saved_path) {
        mm::kfree(file);
        mm::kfree(saved_path);
        host_file::close(handle);
        return ENOMEM;
    }
    memcpy(saved_path, path, length);
    *file = { FileKind::HostFile, -1, handle, 0, flags & ~O_CLOEXEC, status.value().mode, saved_path, 1 };
    auto fd = current_process().files.install(file, 0, flags & O_CLOEXEC);
    if (fd.is_error()) {
        release(file);
        return lib::Error(fd.error());
    }
    return fd.value();
}

SyscallResult duplicate(uint64_t old_fd, int minimum, bool close_on_exec)
{
    Process& process = current_process();
    OpenFile* file = process.files.get(static_cast<int>(old_fd));
    if (!file)
        return EBADF;
    ++file->references;
    auto fd = process.files.install(file, minimum, close_on_exec);
    if (fd.is_error()) {
        --file->references;
        return lib::Error(fd.error());
    }
    return fd.value();
}

SyscallResult duplicate_to(uint64_t old_fd, uint64_t new_fd, bool close_on_exec)
{
    Process& process = current_process();
    OpenFile* file = process.files.get(static_cast<int>(old_fd));
    if (!file)
        return EBADF;
    if (new_fd >= static_cast<uint64_t>(FdTable::MAX_FDS))
        return EBADF;
    if (old_fd == new_fd)
        return static_cast<int64_t>(new_fd);
    ++file->references;
    TRY(process.files.install_at(static_cast<int>(new_fd), file, close_on_exec));
    return static_cast<int64_t>(new_fd);
}

} // namespace

lib::ErrorOr<void> resolve_user_path(int dirfd, UserAddress user_path, char (&out)[PATH_LENGTH_MAX])
{
    char path[PATH_LENGTH_MAX];
    TRY(copy_string_from_user(path, sizeof(path), user_path));
    Process& process = current_process();
    const char* directory = process.cwd;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        OpenFile* file = process.files.get(dirfd);
        if (!file)
            return EBADF;
        if (file->kind != FileKind::HostFile || (file->mode & 0170000) != 0040000)
            return ENOTDIR;
        directory = file->path;
    }
    TRY(absolute_path(out, sizeof(out), directory, path));
    return {};
}

// int open(const char *pathname, int flags, mode_t mode);
SyscallResult sys_open(SyscallArguments& a) { return open_path(AT_FDCWD, a[0], static_cast<uint32_t>(a[1])); }

// int openat(int dirfd, const char *pathname, int flags, mode_t mode);
SyscallResult sys_openat(SyscallArguments& a) { return open_path(static_cast<int>(a[0]), a[1], static_cast<uint32_t>(a[2])); }

// int close(int fd);
SyscallResult sys_close(SyscallArguments& a)
{
    TRY(current_process().files.close(static_cast<int>(a[0])));
    return 0;
}

// int dup(int oldfd);
SyscallResult sys_dup(SyscallArguments& a) { return duplicate(a[0], 0, false); }

// int dup2(int oldfd, int newfd);
SyscallResult sys_dup2(SyscallArguments& a) { return duplicate_to(a[0], a[1], false); }

// int dup3(int oldfd, int newfd, int flags);
SyscallResult sys_dup3(SyscallArguments& a)
{
    if (a[0] == a[1] || (a[2] & ~static_cast<uint64_t>(O_CLOEXEC)))
        return EINVAL;
    return duplicate_to(a[0], a[1], a[2] & O_CLOEXEC);
}

// int fcntl(int fd, int cmd, ... /* arg */ );
SyscallResult sys_fcntl(SyscallArguments& a)
{
    Process& process = current_process();
    int fd = static_cast<int>(a[0]);
    OpenFile* file = process.files.get(fd);
    if (!file)
        return EBADF;
    switch (static_cast<int>(a[1])) {
    case F_DUPFD:
        return duplicate(a[0], static_cast<int>(a[2]), false);
    case F_DUPFD_CLOEXEC:
        return duplicate(a[0], static_cast<int>(a[2]), true);
    case F_GETFD:
        return process.files.close_on_exec(fd) ? 1 : 0;
    case F_SETFD:
        process.files.set_close_on_exec(fd, a[2] & 1);
        return 0;
    case F_GETFL:
        return file->status_flags;
    case F_SETFL:
        file->status_flags = (file->status_flags & O_ACCMODE) | (static_cast<uint32_t>(a[2]) & ~O_ACCMODE);
        return 0;
    default:
        return EINVAL;
    }
}

// int ioctl(int fd, unsigned long request, ...);
SyscallResult sys_ioctl(SyscallArguments& a)
{
    OpenFile* file = current_process().files.get(static_cast<int>(a[0]));
    if (!file)
        return EBADF;
    if (a[1] == FIONBIO)
        return 0;
    bool is_terminal = file->kind == FileKind::Console && (hv::boot_info().flags & (uabi::BootStdinTty << file->console_fd));
    if (!is_terminal)
        return ENOTTY;
    switch (a[1]) {
    case TCGETS: {
        // A cooked terminal: ICRNL, OPOST|ONLCR, B38400|CS8|CREAD, ISIG|ICANON|ECHO...
        struct {
            uint32_t iflag, oflag, cflag, lflag;
            uint8_t line, cc[19];
        } termios { 0x500, 0x5, 0xbf, 0x8a3b, 0, { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0 } };
        TRY(write_user(a[2], termios));
        return 0;
    }
    case TIOCGWINSZ: {
        // FIXME: pass the real window size from the monitor.
        uint16_t size[4] = { 24, 80, 0, 0 };
        TRY(copy_to_user(a[2], size, sizeof(size)));
        return 0;
    }
    case TIOCGPGRP:
        TRY(write_user(a[2], 1));
        return 0;
    default:
        return ENOTTY;
    }
}

} // namespace linux
