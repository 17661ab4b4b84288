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

// The answers of a file system that keeps no attributes.
constexpr int64_t NO_SUCH_ATTRIBUTE = -ENODATA_CODE, NO_NAMES = 0, NOT_SUPPORTED = -ENOTSUP_CODE;

SyscallResult answer(lib::ErrorOr<void> checked, int64_t result)
{
    if (checked.is_error())
        return lib::Error(checked.error());
    if (result < 0)
        return lib::Error(static_cast<int>(-result));
    return result;
}

} // namespace

// ssize_t getxattr(const char *path, const char *name, void *value, size_t size); and the
// l (no final symlink) and f (descriptor) forms, for each family below.
SyscallResult sys_getxattr(SyscallArguments& a) { return answer(check_path(a[0], true), NO_SUCH_ATTRIBUTE); }
SyscallResult sys_lgetxattr(SyscallArguments& a) { return answer(check_path(a[0], false), NO_SUCH_ATTRIBUTE); }
SyscallResult sys_fgetxattr(SyscallArguments& a) { return answer(check_fd(a[0]), NO_SUCH_ATTRIBUTE); }

// ssize_t listxattr(const char *path, char *list, size_t size);
SyscallResult sys_listxattr(SyscallArguments& a) { return answer(check_path(a[0], true), NO_NAMES); }
SyscallResult sys_llistxattr(SyscallArguments& a) { return answer(check_path(a[0], false), NO_NAMES); }
SyscallResult sys_flistxattr(SyscallArguments& a) { return answer(check_fd(a[0]), NO_NAMES); }

// int setxattr(const char *path, const char *name, const void *value, size_t size, int flags);
SyscallResult sys_setxattr(SyscallArguments& a) { return answer(check_path(a[0], true), NOT_SUPPORTED); }
SyscallResult sys_lsetxattr(SyscallArguments& a) { return answer(check_path(a[0], false), NOT_SUPPORTED); }
SyscallResult sys_fsetxattr(SyscallArguments& a) { return answer(check_fd(a[0]), NOT_SUPPORTED); }

// int removexattr(const char *path, const char *name);
SyscallResult sys_removexattr(SyscallArguments& a) { return answer(check_path(a[0], true), NOT_SUPPORTED); }
SyscallResult sys_lremovexattr(SyscallArguments& a) { return answer(check_path(a[0], false), NOT_SUPPORTED); }
SyscallResult sys_fremovexattr(SyscallArguments& a) { return answer(check_fd(a[0]), NOT_SUPPORTED); }

} // namespace linux
