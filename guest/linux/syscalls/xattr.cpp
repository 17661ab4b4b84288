// Extended attributes: no file system here keeps any. As on a Linux file system without
// them, reading one gives ENODATA, listing gives an empty list, and setting or removing gives
// ENOTSUP (ls -l, cp -a and python look, and carry on).
#include <linux/file_syscalls.h>
#include <linux/syscalls.h>

namespace linux {

namespace {

constexpr int64_t ENOTSUP_CODE = 95, ENODATA_CODE = 61;

// The file must exist (ENOENT, ENOTDIR, EBADF come first, as on Linux).
lib::ErrorOr<void> check_path(UserAddress path, bool follow)
{
    vfs::WalkOptions options;
    options.follow_last_symlink = follow;
    vfs::WalkResult walk;
    return resolve(AT_FDCWD, path, options, walk);
}

lib::ErrorOr<void> check_fd(uint64_t fd)
{
    TRY(file_for(fd));
    return {};
}

} // namespace

// ssize_t getxattr(const char *path, const char *name, void *value, size_t size);
SyscallResult sys_getxattr(SyscallArguments& a)
{
    TRY(check_path(a[0], true));
    return lib::Error(ENODATA_CODE);
}
SyscallResult sys_lgetxattr(SyscallArguments& a)
{
    TRY(check_path(a[0], false));
    return lib::Error(ENODATA_CODE);
}
SyscallResult sys_fgetxattr(SyscallArguments& a)
{
    TRY(check_fd(a[0]));
    return lib::Error(ENODATA_CODE);
}

// ssize_t listxattr(const char *path, char *list, size_t size);  No names: 0 bytes.
SyscallResult sys_listxattr(SyscallArguments& a)
{
    TRY(check_path(a[0], true));
    return 0;
}
SyscallResult sys_llistxattr(SyscallArguments& a)
{
    TRY(check_path(a[0], false));
    return 0;
}
SyscallResult sys_flistxattr(SyscallArguments& a)
{
    TRY(check_fd(a[0]));
    return 0;
}

// int setxattr(const char *path, const char *name, const void *value, size_t size, int flags);
SyscallResult sys_setxattr(SyscallArguments& a)
{
    TRY(check_path(a[0], true));
    return lib::Error(ENOTSUP_CODE);
}
SyscallResult sys_lsetxattr(SyscallArguments& a)
{
    TRY(check_path(a[0], false));
    return lib::Error(ENOTSUP_CODE);
}
SyscallResult sys_fsetxattr(SyscallArguments& a)
{
    TRY(check_fd(a[0]));
    return lib::Error(ENOTSUP_CODE);
}

// int removexattr(const char *path, const char *name);
SyscallResult sys_removexattr(SyscallArguments& a)
{
    TRY(check_path(a[0], true));
    return lib::Error(ENOTSUP_CODE);
}
SyscallResult sys_lremovexattr(SyscallArguments& a)
{
    TRY(check_path(a[0], false));
    return lib::Error(ENOTSUP_CODE);
}
SyscallResult sys_fremovexattr(SyscallArguments& a)
{
    TRY(check_fd(a[0]));
    return lib::Error(ENOTSUP_CODE);
}

} // namespace linux
