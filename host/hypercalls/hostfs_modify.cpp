// hostfs hypercalls that change a read-write mount: HostCreate, HostMakeDirectory,
// HostMakeSymlink, HostLink, HostUnlink, HostRemoveDirectory, HostRename, HostSetAttributes.
// Each answers -EROFS on a read-only mount before touching anything.
#include "host/hypercalls/hostfs_access.h"
#include "host/hypercalls/hypercalls.h"

#include <algorithm>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

namespace host::hypercalls {

using namespace hostfs;

namespace {

// Permission bits the guest may set on host files: setuid and setgid never reach the host.
constexpr uint32_t HOST_MODE_MASK = 01777;

// A directory handle on a read-write mount, or nullptr with *error set.
Handle* writable_directory(VmContext& context, int64_t handle, int64_t* error)
{
    Handle* directory = find_directory(context, handle, error);
    if (directory != nullptr && context.hostfs->is_read_only(*directory)) {
        *error = -EROFS;
        return nullptr;
    }
    return directory;
}

// writable_directory() and the checked component of its request's `name` field.
Handle* writable_directory(VmContext& context, int64_t handle, const char (&name_field)[uabi::HOST_NAME_BYTES],
    std::string& name, int64_t* error)
{
    Handle* directory = writable_directory(context, handle, error);
    if (directory != nullptr && (*error = check_name(name_field, name)) < 0)
        return nullptr;
    return directory;
}

} // namespace

// HostCreate: a regular file `name` (or, unless exclusive, the regular file already there);
// a new handle and its attributes.
int64_t host_create::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostCreateRequest>(context, request_gpa, "HostCreate request");
    if (!request)
        return -EINVAL;
    int64_t error = 0;
    std::string name;
    Handle* directory = writable_directory(context, request->directory, request->name, name, &error);
    if (directory == nullptr)
        return error;
    if (request->flags & ~uint32_t(uabi::HostCreateExclusive))
        return -EINVAL;
    uint32_t mode = request->mode & HOST_MODE_MASK;
    int fd = open_beneath(directory->path_fd, name, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, mode);
    if (fd >= 0) {
        // The monitor's umask must not change what the guest asked for.
        (void)fchmod(fd, mode);
        int path_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (path_fd < 0) {
            error = -errno;
            close(fd);
            return error;
        }
        return answer_new_handle(context, request_gpa, *request, "HostCreate request", path_fd, directory->mount, fd, true);
    }
    if (fd != -EEXIST || (request->flags & uabi::HostCreateExclusive))
        return fd;
    // It exists: hand back a regular file as it is; never open anything else.
    fd = open_beneath(directory->path_fd, name, O_PATH);
    if (fd < 0)
        return fd;
    struct stat status {};
    if (fstat(fd, &status) < 0 || !S_ISREG(status.st_mode)) {
        close(fd);
        return S_ISDIR(status.st_mode) ? -EISDIR : -EEXIST;
    }
    return answer_new_handle(context, request_gpa, *request, "HostCreate request", fd, directory->mount);
}

// HostMakeDirectory: a new directory `name`; its handle and attributes.
int64_t host_make_directory::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostCreateRequest>(context, request_gpa, "HostMakeDirectory request");
    if (!request)
        return -EINVAL;
    int64_t error = 0;
    std::string name;
    Handle* directory = writable_directory(context, request->directory, request->name, name, &error);
    if (directory == nullptr)
        return error;
    uint32_t mode = request->mode & HOST_MODE_MASK;
    if (mkdirat(directory->path_fd, name.c_str(), mode) < 0)
        return -errno;
    int fd = open_beneath(directory->path_fd, name, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return fd;
    (void)fchmod(fd, mode);
    return answer_new_handle(context, request_gpa, *request, "HostMakeDirectory request", fd, directory->mount);
}

// HostMakeSymlink: a symlink `name` -> target (stored as given, never resolved by the monitor).
int64_t host_make_symlink::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostMakeSymlinkRequest>(context, request_gpa, "HostMakeSymlink request");
    if (!request)
        return -EINVAL;
    if (!context.memory.contains(request->target, request->target_length))
        return context.outside_ram("HostMakeSymlink target", request->target, request->target_length);
    int64_t error = 0;
    std::string name;
    Handle* directory = writable_directory(context, request->directory, request->name, name, &error);
    if (directory == nullptr)
        return error;
    auto target = context.memory.read_string(request->target, std::min<uint64_t>(request->target_length, uabi::PATH_MAX_BYTES));
    if (!target)
        return -ENAMETOOLONG;
    if (target->empty())
        return -ENOENT;
    if (symlinkat(target->c_str(), directory->path_fd, name.c_str()) < 0)
        return -errno;
    int fd = open_beneath(directory->path_fd, name, O_PATH);
    if (fd < 0)
        return fd;
    return answer_new_handle(context, request_gpa, *request, "HostMakeSymlink request", fd, directory->mount);
}

// HostLink: a new name for `target` in `directory` (same mount); the target's new attributes.
int64_t host_link::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostLinkRequest>(context, request_gpa, "HostLink request");
    if (!request)
        return -EINVAL;
    int64_t error = 0;
    Handle* directory = writable_directory(context, request->directory, &error);
    if (directory == nullptr)
        return error;
    Handle* target = find_handle(context, request->target, &error);
    if (target == nullptr)
        return error;
    if (target->mount != directory->mount)
        return -EXDEV;
    if (target->type == S_IFDIR)
        return -EPERM;
    std::string name;
    if ((error = check_name(request->name, name)) < 0)
        return error;
    // The magic link names exactly the target's inode (a symlink links as itself); unlike
    // AT_EMPTY_PATH it needs no CAP_DAC_READ_SEARCH.
    if (linkat(AT_FDCWD, fd_link(target->path_fd).c_str(), directory->path_fd, name.c_str(), AT_SYMLINK_FOLLOW) < 0)
        return -errno;
    return answer_attributes(context, request_gpa, *request, "HostLink request", target->path_fd);
}

namespace {

// HostUnlink and HostRemoveDirectory.
int64_t remove_name(VmContext& context, uabi::Gpa request_gpa, int flags, const char* what)
{
    auto request = read_request<uabi::HostNameRequest>(context, request_gpa, what);
    if (!request)
        return -EINVAL;
    int64_t error = 0;
    std::string name;
    Handle* directory = writable_directory(context, request->directory, request->name, name, &error);
    if (directory == nullptr)
        return error;
    if (unlinkat(directory->path_fd, name.c_str(), flags) < 0)
        return -errno;
    return 0;
}

} // namespace

// HostUnlink: removes a name that is not a directory (-EISDIR).
int64_t host_unlink::handle(VmContext& context, uabi::Gpa request_gpa)
{
    return remove_name(context, request_gpa, 0, "HostUnlink request");
}

// HostRemoveDirectory: removes an empty directory.
int64_t host_remove_directory::handle(VmContext& context, uabi::Gpa request_gpa)
{
    return remove_name(context, request_gpa, AT_REMOVEDIR, "HostRemoveDirectory request");
}

// HostRename: renameat2 within one mount, with RENAME_NOREPLACE or RENAME_EXCHANGE.
int64_t host_rename::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostRenameRequest>(context, request_gpa, "HostRename request");
    if (!request)
        return -EINVAL;
    int64_t error = 0;
    Handle* directory = writable_directory(context, request->directory, &error);
    if (directory == nullptr)
        return error;
    Handle* new_directory = writable_directory(context, request->new_directory, &error);
    if (new_directory == nullptr)
        return error;
    if (new_directory->mount != directory->mount)
        return -EXDEV;
    std::string name;
    std::string new_name;
    if ((error = check_name(request->name, name)) < 0 || (error = check_name(request->new_name, new_name)) < 0)
        return error;
    unsigned flags = 0;
    switch (request->flags) {
    case 0: break;
    case uabi::HostRenameNoReplace: flags = RENAME_NOREPLACE; break;
    case uabi::HostRenameExchange: flags = RENAME_EXCHANGE; break;
    default: return -EINVAL;
    }
    if (renameat2(directory->path_fd, name.c_str(), new_directory->path_fd, new_name.c_str(), flags) < 0)
        return -errno;
    return 0;
}

// HostSetAttributes: mode and times (owner is accepted, not applied); the new attributes.
int64_t host_set_attributes::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostSetAttributesRequest>(context, request_gpa, "HostSetAttributes request");
    if (!request)
        return -EINVAL;
    int64_t error = 0;
    Handle* file = find_handle(context, request->handle, &error);
    if (file == nullptr)
        return error;
    if (context.hostfs->is_read_only(*file))
        return -EROFS;
    constexpr uint32_t known = uabi::HostSetMode | uabi::HostSetOwner | uabi::HostSetAccessTime | uabi::HostSetModifyTime;
    if (request->which & ~known)
        return -EINVAL;
    auto valid_nsec = [](int64_t nsec) { return (nsec >= 0 && nsec < 1000000000) || nsec == UTIME_NOW || nsec == UTIME_OMIT; };
    timespec times[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
    if (request->which & uabi::HostSetAccessTime)
        times[0] = { static_cast<time_t>(request->atime_sec), static_cast<long>(request->atime_nsec) };
    if (request->which & uabi::HostSetModifyTime)
        times[1] = { static_cast<time_t>(request->mtime_sec), static_cast<long>(request->mtime_nsec) };
    if (!valid_nsec(times[0].tv_nsec) || !valid_nsec(times[1].tv_nsec))
        return -EINVAL;

    if (request->which & uabi::HostSetMode) {
        // Linux has no mode on a symlink of its own.
        if (file->type == S_IFLNK)
            return -EOPNOTSUPP;
        // The magic link reaches the inode itself, which is not a symlink: nothing is followed.
        if (fchmodat(AT_FDCWD, fd_link(file->path_fd).c_str(), request->mode & HOST_MODE_MASK, 0) < 0)
            return -errno;
    }
    if (request->which & (uabi::HostSetAccessTime | uabi::HostSetModifyTime)) {
        if (utimensat(file->path_fd, "", times, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
    }
    // FIXME: HostSetOwner is accepted and ignored: the host files keep the monitor's owner.
    return answer_attributes(context, request_gpa, *request, "HostSetAttributes request", file->path_fd);
}

} // namespace host::hypercalls
