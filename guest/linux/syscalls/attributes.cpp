// Changing what stat reports: chmod, fchmod, fchmodat, chown, fchown, lchown, fchownat,
// truncate, ftruncate, fallocate, utimensat, utimes, utime, futimesat; fsync, fdatasync,
// sync, syncfs, which have nothing to flush; and flock.
#include <linux/file_syscalls.h>
#include <linux/io_wait.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <vfs/clock.h>
#include <vfs/file_locks.h>

namespace linux {

namespace {

using namespace vfs;

constexpr int64_t UTIME_NOW = (1l << 30) - 1, UTIME_OMIT = (1l << 30) - 2;
constexpr int FALLOC_FL_KEEP_SIZE = 1;

SyscallResult change_path(int dirfd, UserAddress path, int at_flags, const AttributeChange& change)
{
    WalkResult walk;
    WalkOptions options;
    options.follow_last_symlink = !(at_flags & AT_SYMLINK_NOFOLLOW);
    TRY(resolve(dirfd, path, options, walk, at_flags));
    TRY(walk.node->set_attributes(change));
    return 0;
}

SyscallResult change_file(uint64_t fd, const AttributeChange& change)
{
    auto file = TRY(file_for(fd));
    if (file->flags() & Path)
        return EBADF;
    TRY(file->vnode().set_attributes(change));
    return 0;
}

AttributeChange mode_change(uint64_t mode)
{
    AttributeChange change {};
    change.which = AttributeChange::Mode;
    change.mode = static_cast<uint32_t>(mode) & 07777;
    return change;
}

AttributeChange owner_change(uint64_t uid, uint64_t gid)
{
    AttributeChange change {};
    change.which = AttributeChange::Owner;
    change.uid = static_cast<uint32_t>(uid);
    change.gid = static_cast<uint32_t>(gid);
    return change;
}

lib::ErrorOr<AttributeChange> size_change(int64_t size)
{
    if (size < 0)
        return EINVAL;
    AttributeChange change {};
    change.which = AttributeChange::Size;
    change.size = static_cast<uint64_t>(size);
    return change;
}

// Times from a program's timespec[2] (nullptr: both now), honouring UTIME_NOW and UTIME_OMIT.
lib::ErrorOr<AttributeChange> time_change(UserAddress times)
{
    AttributeChange change {};
    Timestamp now = current_time();
    if (!times) {
        change.which = AttributeChange::AccessTime | AttributeChange::ModifyTime;
        change.access_time = change.modify_time = now;
        return change;
    }
    Timestamp requested[2];
    TRY(copy_from_user(requested, times, sizeof(requested)));
    for (int i = 0; i < 2; ++i) {
        int64_t nanoseconds = requested[i].nanoseconds;
        if (nanoseconds == UTIME_OMIT)
            continue;
        if (nanoseconds != UTIME_NOW && (nanoseconds < 0 || nanoseconds > 999999999))
            return EINVAL;
        Timestamp value = nanoseconds == UTIME_NOW ? now : requested[i];
        if (i == 0) {
            change.which |= AttributeChange::AccessTime;
            change.access_time = value;
        } else {
            change.which |= AttributeChange::ModifyTime;
            change.modify_time = value;
        }
    }
    return change;
}

// utimes/futimesat take timeval[2] (microseconds).
lib::ErrorOr<AttributeChange> timeval_change(UserAddress times)
{
    if (!times)
        return time_change(0);
    int64_t values[4];
    TRY(copy_from_user(values, times, sizeof(values)));
    if (values[1] < 0 || values[1] > 999999 || values[3] < 0 || values[3] > 999999)
        return EINVAL;
    AttributeChange change {};
    change.which = AttributeChange::AccessTime | AttributeChange::ModifyTime;
    change.access_time = { values[0], values[1] * 1000 };
    change.modify_time = { values[2], values[3] * 1000 };
    return change;
}

} // namespace

// int chmod(const char *pathname, mode_t mode);
SyscallResult sys_chmod(SyscallArguments& a) { return change_path(AT_FDCWD, a[0], 0, mode_change(a[1])); }

// int fchmod(int fd, mode_t mode);
SyscallResult sys_fchmod(SyscallArguments& a) { return change_file(a[0], mode_change(a[1])); }

// int fchmodat(int dirfd, const char *pathname, mode_t mode, int flags);  (the syscall has no flags)
SyscallResult sys_fchmodat(SyscallArguments& a) { return change_path(static_cast<int>(a[0]), a[1], 0, mode_change(a[2])); }

// int chown(const char *pathname, uid_t owner, gid_t group);
SyscallResult sys_chown(SyscallArguments& a) { return change_path(AT_FDCWD, a[0], 0, owner_change(a[1], a[2])); }

// int lchown(const char *pathname, uid_t owner, gid_t group);
SyscallResult sys_lchown(SyscallArguments& a) { return change_path(AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW, owner_change(a[1], a[2])); }

// int fchown(int fd, uid_t owner, gid_t group);
SyscallResult sys_fchown(SyscallArguments& a) { return change_file(a[0], owner_change(a[1], a[2])); }

// int fchownat(int dirfd, const char *pathname, uid_t owner, gid_t group, int flags);
SyscallResult sys_fchownat(SyscallArguments& a)
{
    int flags = static_cast<int>(a[4]);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return EINVAL;
    return change_path(static_cast<int>(a[0]), a[1], flags, owner_change(a[2], a[3]));
}

// int truncate(const char *path, off_t length);
SyscallResult sys_truncate(SyscallArguments& a)
{
    auto change = TRY(size_change(static_cast<int64_t>(a[1])));
    WalkResult walk;
    TRY(resolve(AT_FDCWD, a[0], WalkOptions {}, walk));
    if (walk.node->is_directory())
        return EISDIR;
    TRY(walk.node->set_attributes(change));
    return 0;
}

// int ftruncate(int fd, off_t length);
SyscallResult sys_ftruncate(SyscallArguments& a)
{
    auto change = TRY(size_change(static_cast<int64_t>(a[1])));
    auto file = TRY(file_for(a[0]));
    if (file->flags() & Path)
        return EBADF;
    if (!file->can_write() || file->vnode().type() != TypeRegular)
        return EINVAL;
    TRY(file->vnode().set_attributes(change));
    return 0;
}

// int fallocate(int fd, int mode, off_t offset, off_t len);
SyscallResult sys_fallocate(SyscallArguments& a)
{
    auto file = TRY(file_for(a[0]));
    int64_t offset = static_cast<int64_t>(a[2]), length = static_cast<int64_t>(a[3]);
    if (offset < 0 || length <= 0)
        return EINVAL;
    if (!file->can_write())
        return EBADF;
    if (file->vnode().type() != TypeRegular)
        return file->vnode().is_directory() ? EISDIR : ENODEV;
    if (a[1] & ~static_cast<uint64_t>(FALLOC_FL_KEEP_SIZE))
        return EOPNOTSUPP; // FIXME: punching and collapsing holes
    auto attributes = TRY(file->vnode().attributes());
    if (!(a[1] & FALLOC_FL_KEEP_SIZE) && offset + length > attributes.size) {
        auto change = TRY(size_change(offset + length));
        TRY(file->vnode().set_attributes(change));
    }
    return 0;
}

// int utimensat(int dirfd, const char *pathname, const struct timespec times[2], int flags);
SyscallResult sys_utimensat(SyscallArguments& a)
{
    int flags = static_cast<int>(a[3]);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return EINVAL;
    auto change = TRY(time_change(a[2]));
    if (!a[1]) // futimens
        return change_file(a[0], change);
    return change_path(static_cast<int>(a[0]), a[1], flags, change);
}

// int utimes(const char *filename, const struct timeval times[2]);
SyscallResult sys_utimes(SyscallArguments& a) { return change_path(AT_FDCWD, a[0], 0, TRY(timeval_change(a[1]))); }

// int futimesat(int dirfd, const char *pathname, const struct timeval times[2]);
SyscallResult sys_futimesat(SyscallArguments& a) { return change_path(static_cast<int>(a[0]), a[1], 0, TRY(timeval_change(a[2]))); }

// int utime(const char *filename, const struct utimbuf *times);
SyscallResult sys_utime(SyscallArguments& a)
{
    if (!a[1])
        return change_path(AT_FDCWD, a[0], 0, TRY(time_change(0)));
    int64_t times[2];
    TRY(copy_from_user(times, a[1], sizeof(times)));
    AttributeChange change {};
    change.which = AttributeChange::AccessTime | AttributeChange::ModifyTime;
    change.access_time = { times[0], 0 };
    change.modify_time = { times[1], 0 };
    return change_path(AT_FDCWD, a[0], 0, change);
}

// int fsync(int fd);  int fdatasync(int fd);  int syncfs(int fd);
SyscallResult sys_fsync(SyscallArguments& a)
{
    TRY(file_for(a[0]));
    return 0;
}
SyscallResult sys_fdatasync(SyscallArguments& a) { return sys_fsync(a); }
SyscallResult sys_syncfs(SyscallArguments& a) { return sys_fsync(a); }

// void sync(void);
SyscallResult sys_sync(SyscallArguments&) { return 0; }

// int flock(int fd, int operation);
// The lock belongs to the open file description (vfs/file_locks.h). Without LOCK_NB a call
// that must wait sleeps until some file changes state (every lock release announces one) and
// runs again; a signal ends it with EINTR, or runs it again under SA_RESTART.
SyscallResult sys_flock(SyscallArguments& a)
{
    constexpr uint32_t LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;
    uint32_t operation = static_cast<uint32_t>(a[1]);
    if (operation & LOCK_MAND)
        return 0; // Linux ignores these (they never worked), with a warning
    vfs::FlockType type;
    switch (operation & ~LOCK_NB) {
    case LOCK_SH:
        type = vfs::FlockType::Shared;
        break;
    case LOCK_EX:
        type = vfs::FlockType::Exclusive;
        break;
    case LOCK_UN:
        type = vfs::FlockType::Unlock;
        break;
    default:
        return EINVAL;
    }
    auto file = TRY(file_for(a[0]));
    if ((file->flags() & vfs::Path) || (type != vfs::FlockType::Unlock && !file->can_read() && !file->can_write()))
        return EBADF;
    auto result = vfs::set_flock(*file, type);
    if (!result.is_error())
        return 0;
    if (result.error() == EAGAIN.code && !(operation & LOCK_NB))
        return wait_for_state_change();
    return lib::Error(result.error());
}

} // namespace linux
