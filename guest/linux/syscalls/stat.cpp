// stat, fstat, lstat, newfstatat, statx, statfs, fstatfs, access, faccessat, faccessat2,
// readlink, readlinkat.
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/syscalls.h>

namespace linux {

namespace {

using namespace vfs;

constexpr uint32_t STATX_BASIC_STATS = 0x7ff;
constexpr int R_OK = 4, W_OK = 2, X_OK = 1;
constexpr int AT_EACCESS = 0x200;

struct StatxTimestamp {
    int64_t seconds;
    uint32_t nanoseconds;
    int32_t reserved;
};

struct Statx {
    uint32_t mask, block_size;
    uint64_t attributes;
    uint32_t link_count, uid, gid;
    uint16_t mode, pad;
    uint64_t inode, size, blocks, attributes_mask;
    StatxTimestamp access_time, birth_time, change_time, modify_time;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t spare[14];
};
static_assert(sizeof(Statx) == 256 && __builtin_offsetof(Statx, rdev_major) == 128);

struct Statfs {
    int64_t type, block_size;
    uint64_t blocks, blocks_free, blocks_available, files, files_free;
    int32_t fsid[2];
    int64_t name_length, fragment_size, flags, spare[4];
};
static_assert(sizeof(Statfs) == 120);

uint32_t major_of(uint64_t device) { return static_cast<uint32_t>(((device >> 8) & 0xfff) | ((device >> 32) & ~0xfffull)); }
uint32_t minor_of(uint64_t device) { return static_cast<uint32_t>((device & 0xff) | ((device >> 12) & ~0xffull)); }

SyscallResult stat_at(int dirfd, UserAddress path, UserAddress buffer, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return EINVAL;
    WalkResult walk;
    WalkOptions options;
    options.follow_last_symlink = !(flags & AT_SYMLINK_NOFOLLOW);
    TRY(resolve(dirfd, path, options, walk, flags));
    auto node = walk.node;
    TRY(write_stat(buffer, *node));
    return 0;
}

SyscallResult access_at(int dirfd, UserAddress path, uint64_t mode, int flags)
{
    if (mode & ~7ull || (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
        return EINVAL;
    WalkResult walk;
    WalkOptions options;
    options.follow_last_symlink = !(flags & AT_SYMLINK_NOFOLLOW);
    TRY(resolve(dirfd, path, options, walk, flags));
    auto attributes = walk.node->attributes();
    bool read_only = walk.mount && walk.mount->read_only;
    if (attributes.is_error())
        return lib::Error(attributes.error());
    // Root: reading and writing are allowed; executing needs an x bit (or a directory).
    uint32_t file_mode = attributes.value().mode;
    if ((mode & X_OK) && (file_mode & TypeMask) != TypeDirectory && !(file_mode & 0111))
        return EACCES;
    if ((mode & W_OK) && read_only)
        return EROFS;
    (void)R_OK;
    return 0;
}

SyscallResult read_link_at(int dirfd, UserAddress path, UserAddress buffer, uint64_t size)
{
    // readlinkat(fd, "") reads the symlink an O_PATH descriptor refers to.
    int at_flags = dirfd == AT_FDCWD ? 0 : AT_EMPTY_PATH;
    if (static_cast<int64_t>(size) <= 0)
        return EINVAL;
    WalkResult walk;
    WalkOptions options;
    options.follow_last_symlink = false;
    TRY(resolve(dirfd, path, options, walk, at_flags));
    auto node = walk.node;
    static char target[PATH_LENGTH_MAX];
    size_t length = TRY(node->read_link(target, sizeof(target)));
    if (length > sizeof(target))
        length = sizeof(target);
    if (length > size)
        length = size;
    TRY(copy_to_user(buffer, target, length));
    return static_cast<int64_t>(length);
}

SyscallResult statfs_of(Vnode& node, UserAddress buffer)
{
    FileSystem& file_system = node.file_system();
    Statfs result {};
    result.type = static_cast<int64_t>(file_system.magic());
    result.block_size = 4096;
    result.fragment_size = 4096;
    result.blocks = 1 << 20;
    result.blocks_free = result.blocks_available = 1 << 19;
    result.files = 1 << 20;
    result.files_free = 1 << 19;
    result.name_length = NAME_LENGTH_MAX;
    result.flags = file_system.is_read_only() ? 1 : 0; // ST_RDONLY
    TRY(write_user(buffer, result));
    return 0;
}

} // namespace

// int stat(const char *pathname, struct stat *statbuf);
SyscallResult sys_stat(SyscallArguments& a) { return stat_at(AT_FDCWD, a[0], a[1], 0); }

// int lstat(const char *pathname, struct stat *statbuf);
SyscallResult sys_lstat(SyscallArguments& a) { return stat_at(AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW); }

// int newfstatat(int dirfd, const char *pathname, struct stat *statbuf, int flags);
SyscallResult sys_newfstatat(SyscallArguments& a) { return stat_at(static_cast<int>(a[0]), a[1], a[2], static_cast<int>(a[3])); }

// int fstat(int fd, struct stat *statbuf);
SyscallResult sys_fstat(SyscallArguments& a)
{
    auto file = TRY(file_for(a[0]));
    TRY(write_stat(a[1], file->vnode()));
    return 0;
}

// int statx(int dirfd, const char *pathname, int flags, unsigned int mask, struct statx *statxbuf);
SyscallResult sys_statx(SyscallArguments& a)
{
    int flags = static_cast<int>(a[2]) & ~0x6000; // AT_STATX_SYNC_TYPE
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return EINVAL;
    WalkResult walk;
    WalkOptions options;
    options.follow_last_symlink = !(flags & AT_SYMLINK_NOFOLLOW);
    TRY(resolve(static_cast<int>(a[0]), a[1], options, walk, flags));
    auto node = walk.node;
    auto s = TRY(node->attributes());
    Statx result {};
    result.mask = STATX_BASIC_STATS;
    result.block_size = static_cast<uint32_t>(s.block_size ? s.block_size : 4096);
    result.link_count = s.link_count;
    result.uid = s.uid;
    result.gid = s.gid;
    result.mode = static_cast<uint16_t>(s.mode);
    result.inode = s.inode;
    result.size = static_cast<uint64_t>(s.size);
    result.blocks = static_cast<uint64_t>(s.blocks);
    result.access_time = { s.access_time.seconds, static_cast<uint32_t>(s.access_time.nanoseconds), 0 };
    result.change_time = { s.change_time.seconds, static_cast<uint32_t>(s.change_time.nanoseconds), 0 };
    result.modify_time = { s.modify_time.seconds, static_cast<uint32_t>(s.modify_time.nanoseconds), 0 };
    result.rdev_major = major_of(s.rdev);
    result.rdev_minor = minor_of(s.rdev);
    result.dev_major = major_of(s.device);
    result.dev_minor = minor_of(s.device);
    TRY(write_user(a[4], result));
    return 0;
}

// int statfs(const char *path, struct statfs *buf);
SyscallResult sys_statfs(SyscallArguments& a)
{
    WalkResult walk;
    TRY(resolve(AT_FDCWD, a[0], WalkOptions {}, walk));
    auto node = walk.node;
    return statfs_of(*node, a[1]);
}

// int fstatfs(int fd, struct statfs *buf);
SyscallResult sys_fstatfs(SyscallArguments& a)
{
    auto file = TRY(file_for(a[0]));
    return statfs_of(file->vnode(), a[1]);
}

// int access(const char *pathname, int mode);
SyscallResult sys_access(SyscallArguments& a) { return access_at(AT_FDCWD, a[0], a[1], 0); }

// int faccessat(int dirfd, const char *pathname, int mode);
SyscallResult sys_faccessat(SyscallArguments& a) { return access_at(static_cast<int>(a[0]), a[1], a[2], 0); }

// int faccessat2(int dirfd, const char *pathname, int mode, int flags);
SyscallResult sys_faccessat2(SyscallArguments& a) { return access_at(static_cast<int>(a[0]), a[1], a[2], static_cast<int>(a[3])); }

// ssize_t readlink(const char *pathname, char *buf, size_t bufsiz);
SyscallResult sys_readlink(SyscallArguments& a) { return read_link_at(AT_FDCWD, a[0], a[1], a[2]); }

// ssize_t readlinkat(int dirfd, const char *pathname, char *buf, size_t bufsiz);
SyscallResult sys_readlinkat(SyscallArguments& a) { return read_link_at(static_cast<int>(a[0]), a[1], a[2], a[3]); }

} // namespace linux
