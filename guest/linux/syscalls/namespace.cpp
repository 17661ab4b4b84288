// The calls that add, remove and move names: mkdir, mkdirat, mknod, mknodat, unlink,
// unlinkat, rmdir, rename, renameat, renameat2, link, linkat, symlink, symlinkat.
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/syscalls.h>

namespace linux {

namespace {

using namespace vfs;

constexpr uint32_t RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

bool is_dot_or_dot_dot(const char* name) { return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')); }

lib::ErrorOr<void> walk_parent(int dirfd, UserAddress path, WalkResult& walk, bool trailing_slash_follows = true)
{
    WalkOptions options;
    options.want_parent = true;
    options.follow_last_symlink = false;
    options.trailing_slash_follows = trailing_slash_follows;
    return resolve(dirfd, path, options, walk);
}

bool is_mount_root(const WalkResult& walk) { return walk.node && walk.mount && walk.mount->root == walk.node; }

SyscallResult make_directory(int dirfd, UserAddress path, uint32_t mode)
{
    WalkResult walk;
    TRY(walk_parent(dirfd, path, walk));
    if (walk.node || is_dot_or_dot_dot(walk.name) || walk.name[0] == '\0')
        return EEXIST;
    // mkdir ignores the set-user-ID and set-group-ID bits.
    TRY(walk.parent->make_directory(lib::StringView(walk.name), mode & 01777 & ~current_process().umask));
    forget_entries_of(*walk.parent);
    return 0;
}

SyscallResult make_node(int dirfd, UserAddress path, uint32_t mode, uint64_t device)
{
    uint32_t type = mode & TypeMask;
    if (type == 0)
        type = TypeRegular;
    if (type == TypeCharacterDevice || type == TypeBlockDevice)
        return EPERM; // FIXME: device nodes; devfs provides the usual ones
    if (type != TypeRegular && type != TypeFifo && type != TypeSocket)
        return EINVAL;
    WalkResult walk;
    TRY(walk_parent(dirfd, path, walk));
    if (walk.node || walk.name[0] == '\0')
        return EEXIST;
    uint32_t permissions = mode & 07777 & ~current_process().umask;
    if (type == TypeRegular)
        TRY(walk.parent->create(lib::StringView(walk.name), permissions | TypeRegular));
    else
        TRY(walk.parent->make_node(lib::StringView(walk.name), permissions | type, device));
    forget_entries_of(*walk.parent);
    return 0;
}

SyscallResult remove(int dirfd, UserAddress path, bool directory)
{
    WalkResult walk;
    TRY(walk_parent(dirfd, path, walk, false));
    if (!walk.node)
        return ENOENT;
    if (directory) {
        if (walk.name[0] == '\0')
            return EBUSY; // the root
        if (lib::StringView(walk.name) == ".")
            return EINVAL;
        if (lib::StringView(walk.name) == "..")
            return ENOTEMPTY;
        if (!walk.node->is_directory())
            return ENOTDIR;
        if (is_mount_root(walk))
            return EBUSY;
        TRY(walk.parent->remove_directory(lib::StringView(walk.name)));
        forget_entries_of(*walk.node);
    } else {
        if (walk.node->is_directory() || is_dot_or_dot_dot(walk.name) || walk.name[0] == '\0')
            return EISDIR;
        TRY(walk.parent->unlink(lib::StringView(walk.name)));
    }
    forget_entries_of(*walk.parent);
    return 0;
}

SyscallResult rename_at(int old_dirfd, UserAddress old_path, int new_dirfd, UserAddress new_path, uint32_t flags)
{
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT) || ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)))
        return EINVAL;
    if (flags & RENAME_WHITEOUT)
        return EINVAL; // only overlay file systems use it, from inside the kernel
    WalkResult from, to;
    TRY(walk_parent(old_dirfd, old_path, from, false));
    TRY(walk_parent(new_dirfd, new_path, to, false));
    if (!from.node)
        return ENOENT;
    if (!from.node->is_directory() && (from.trailing_slash || to.trailing_slash))
        return ENOTDIR;
    if (is_dot_or_dot_dot(from.name) || is_dot_or_dot_dot(to.name) || from.name[0] == '\0' || to.name[0] == '\0')
        return EBUSY;
    if (is_mount_root(from) || is_mount_root(to))
        return EBUSY;
    if ((flags & RENAME_EXCHANGE) && !to.node)
        return ENOENT;
    if ((flags & RENAME_NOREPLACE) && to.node)
        return EEXIST;
    if (&from.parent->file_system() != &to.parent->file_system() || from.mount != to.mount)
        return EXDEV;
    TRY(from.parent->rename(lib::StringView(from.name), *to.parent, lib::StringView(to.name), flags));
    forget_entries_of(*from.parent);
    forget_entries_of(*to.parent);
    return 0;
}

SyscallResult link_at(int old_dirfd, UserAddress old_path, int new_dirfd, UserAddress new_path, int flags)
{
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return EINVAL;
    WalkResult from, to;
    WalkOptions options;
    options.follow_last_symlink = flags & AT_SYMLINK_FOLLOW;
    TRY(resolve(old_dirfd, old_path, options, from, flags));
    TRY(walk_parent(new_dirfd, new_path, to));
    if (to.node || to.name[0] == '\0')
        return EEXIST;
    if (from.node->is_directory())
        return EPERM;
    if (&from.node->file_system() != &to.parent->file_system() || from.mount != to.mount)
        return EXDEV;
    TRY(to.parent->link(lib::StringView(to.name), *from.node));
    forget_entries_of(*to.parent);
    return 0;
}

SyscallResult symlink_at(UserAddress target_address, int dirfd, UserAddress path)
{
    static char target[PATH_LENGTH_MAX];
    TRY(copy_string_from_user(target, sizeof(target), target_address));
    if (target[0] == '\0')
        return ENOENT;
    WalkResult walk;
    TRY(walk_parent(dirfd, path, walk));
    if (walk.node || walk.name[0] == '\0')
        return EEXIST;
    TRY(walk.parent->make_symlink(lib::StringView(walk.name), lib::StringView(target)));
    forget_entries_of(*walk.parent);
    return 0;
}

} // namespace

// int mkdir(const char *pathname, mode_t mode);
SyscallResult sys_mkdir(SyscallArguments& a) { return make_directory(AT_FDCWD, a[0], static_cast<uint32_t>(a[1])); }

// int mkdirat(int dirfd, const char *pathname, mode_t mode);
SyscallResult sys_mkdirat(SyscallArguments& a) { return make_directory(static_cast<int>(a[0]), a[1], static_cast<uint32_t>(a[2])); }

// int mknod(const char *pathname, mode_t mode, dev_t dev);
SyscallResult sys_mknod(SyscallArguments& a) { return make_node(AT_FDCWD, a[0], static_cast<uint32_t>(a[1]), a[2]); }

// int mknodat(int dirfd, const char *pathname, mode_t mode, dev_t dev);
SyscallResult sys_mknodat(SyscallArguments& a) { return make_node(static_cast<int>(a[0]), a[1], static_cast<uint32_t>(a[2]), a[3]); }

// int unlink(const char *pathname);
SyscallResult sys_unlink(SyscallArguments& a) { return remove(AT_FDCWD, a[0], false); }

// int rmdir(const char *pathname);
SyscallResult sys_rmdir(SyscallArguments& a) { return remove(AT_FDCWD, a[0], true); }

// int unlinkat(int dirfd, const char *pathname, int flags);
SyscallResult sys_unlinkat(SyscallArguments& a)
{
    if (a[2] & ~static_cast<uint64_t>(AT_REMOVEDIR))
        return EINVAL;
    return remove(static_cast<int>(a[0]), a[1], a[2] & AT_REMOVEDIR);
}

// int rename(const char *oldpath, const char *newpath);
SyscallResult sys_rename(SyscallArguments& a) { return rename_at(AT_FDCWD, a[0], AT_FDCWD, a[1], 0); }

// int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
SyscallResult sys_renameat(SyscallArguments& a) { return rename_at(static_cast<int>(a[0]), a[1], static_cast<int>(a[2]), a[3], 0); }

// int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);
SyscallResult sys_renameat2(SyscallArguments& a)
{
    return rename_at(static_cast<int>(a[0]), a[1], static_cast<int>(a[2]), a[3], static_cast<uint32_t>(a[4]));
}

// int link(const char *oldpath, const char *newpath);
SyscallResult sys_link(SyscallArguments& a) { return link_at(AT_FDCWD, a[0], AT_FDCWD, a[1], 0); }

// int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags);
SyscallResult sys_linkat(SyscallArguments& a) { return link_at(static_cast<int>(a[0]), a[1], static_cast<int>(a[2]), a[3], static_cast<int>(a[4])); }

// int symlink(const char *target, const char *linkpath);
SyscallResult sys_symlink(SyscallArguments& a) { return symlink_at(a[0], AT_FDCWD, a[1]); }

// int symlinkat(const char *target, int newdirfd, const char *linkpath);
SyscallResult sys_symlinkat(SyscallArguments& a) { return symlink_at(a[0], static_cast<int>(a[1]), a[2]); }

} // namespace linux
