// stat, fstat, lstat, newfstatat, access, faccessat, faccessat2, readlink, readlinkat, fsync,
// fdatasync.
#include <hv/hypercall.h>
#include <linux/file_syscalls.h>
#include <linux/host_file.h>
#include <linux/process.h>
#include <linux/syscalls.h>

extern "C" size_t strlen(const char*);
extern "C" int memcmp(const void*, const void*, size_t);

namespace linux {

namespace {

struct LinuxStat {
    uint64_t dev, ino, nlink;
    uint32_t mode, uid, gid, pad;
    uint64_t rdev;
    int64_t size, blksize, blocks;
    int64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
    int64_t reserved[3];
};
static_assert(sizeof(LinuxStat) == 144);

LinuxStat from_host(const uabi::FileStatRequest& s)
{
    return { s.dev, s.ino, s.nlink, s.mode, s.uid, s.gid, 0, s.rdev, s.size, s.blksize, s.blocks,
        s.atime_sec, s.atime_nsec, s.mtime_sec, s.mtime_nsec, s.ctime_sec, s.ctime_nsec, {} };
}

LinuxStat console_stat(const OpenFile& file)
{
    bool is_terminal = hv::boot_info().flags & (uabi::BootStdinTty << file.console_fd);
    LinuxStat s {};
    s.dev = 0x16;
    s.ino = 3 + static_cast<uint64_t>(file.console_fd);
    s.nlink = 1;
    s.mode = is_terminal ? 020620 : 010600; // a terminal, or a pipe
    s.rdev = is_terminal ? 0x8800 : 0;
    s.blksize = 4096;
    return s;
}

SyscallResult stat_path(int dirfd, UserAddress user_path, UserAddress buffer, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */))
        return EINVAL;
    if (flags & AT_EMPTY_PATH) {
        char first = TRY(read_user<char>(user_path));
        if (first == '\0') {
            OpenFile* file = current_process().files.get(dirfd);
            if (!file)
                return EBADF;
            LinuxStat s = file->kind == FileKind::Console ? console_stat(*file) : from_host(TRY(host_file::stat(file->handle)));
            TRY(write_user(buffer, s));
            return 0;
        }
    }
    char path[PATH_LENGTH_MAX];
    TRY(resolve_user_path(dirfd, user_path, path));
    // FIXME: AT_SYMLINK_NOFOLLOW (lstat) still follows the final symlink: issue 4.
    auto status = TRY(host_file::stat_path(path));
    TRY(write_user(buffer, from_host(status)));
    return 0;
}

SyscallResult access_path(int dirfd, UserAddress user_path, uint64_t mode)
{
    if (mode & ~7ull)
        return EINVAL;
    char path[PATH_LENGTH_MAX];
    TRY(resolve_user_path(dirfd, user_path, path));
    auto status = TRY(host_file::stat_path(path));
    // Root inside the guest: X_OK needs an execute bit somewhere (or a directory).
    if ((mode & 1) && (status.mode & 0170000) != 0040000 && !(status.mode & 0111))
        return EACCES;
    return 0;
}

SyscallResult read_link(int dirfd, UserAddress user_path, UserAddress buffer, uint64_t size)
{
    if (static_cast<int64_t>(size) <= 0)
        return EINVAL;
    char path[PATH_LENGTH_MAX];
    TRY(resolve_user_path(dirfd, user_path, path));
    if (memcmp(path, "/proc/self/exe", 15) == 0) {
        const char* executable = current_process().executable;
        size_t length = strlen(executable);
        if (length > size)
            length = size;
        TRY(copy_to_user(buffer, executable, length));
        return static_cast<int64_t>(length);
    }
    // FIXME: issue 4 reads symlinks; until then every existing path is "not a symlink".
    TRY(host_file::stat_path(path));
    return EINVAL;
}

} // namespace

// int stat(const char *pathname, struct stat *statbuf);
SyscallResult sys_stat(SyscallArguments& a) { return stat_path(AT_FDCWD, a[0], a[1], 0); }

// int lstat(const char *pathname, struct stat *statbuf);
SyscallResult sys_lstat(SyscallArguments& a) { return stat_path(AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW); }

// int newfstatat(int dirfd, const char *pathname, struct stat *statbuf, int flags);
SyscallResult sys_newfstatat(SyscallArguments& a) { return stat_path(static_cast<int>(a[0]), a[1], a[2], static_cast<int>(a[3])); }

// int fstat(int fd, struct stat *statbuf);
SyscallResult sys_fstat(SyscallArguments& a)
{
    OpenFile* file = current_process().files.get(static_cast<int>(a[0]));
    if (!file)
        return EBADF;
    LinuxStat s = file->kind == FileKind::Console ? console_stat(*file) : from_host(TRY(host_file::stat(file->handle)));
    TRY(write_user(a[1], s));
    return 0;
}

// int access(const char *pathname, int mode);
SyscallResult sys_access(SyscallArguments& a) { return access_path(AT_FDCWD, a[0], a[1]); }

// int faccessat(int dirfd, const char *pathname, int mode);
SyscallResult sys_faccessat(SyscallArguments& a) { return access_path(static_cast<int>(a[0]), a[1], a[2]); }

// int faccessat2(int dirfd, const char *pathname, int mode, int flags);
SyscallResult sys_faccessat2(SyscallArguments& a) { return access_path(static_cast<int>(a[0]), a[1], a[2]); }

// ssize_t readlink(const char *pathname, char *buf, size_t bufsiz);
SyscallResult sys_readlink(SyscallArguments& a) { return read_link(AT_FDCWD, a[0], a[1], a[2]); }

// ssize_t readlinkat(int dirfd, const char *pathname, char *buf, size_t bufsiz);
SyscallResult sys_readlinkat(SyscallArguments& a) { return read_link(static_cast<int>(a[0]), a[1], a[2], a[3]); }

// int fsync(int fd);
SyscallResult sys_fsync(SyscallArguments& a)
{
    if (!current_process().files.get(static_cast<int>(a[0])))
        return EBADF;
    return 0;
}

// int fdatasync(int fd);
SyscallResult sys_fdatasync(SyscallArguments& a) { return sys_fsync(a); }

} // namespace linux
