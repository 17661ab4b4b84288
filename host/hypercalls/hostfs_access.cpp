// What every hostfs hypercall module shares: names, handles, confined opens and attributes.
#include "host/hypercalls/hostfs_access.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace host::hypercalls::hostfs {

int64_t check_name(const char (&name)[uabi::HOST_NAME_BYTES], std::string& component)
{
    auto const* nul = static_cast<const char*>(memchr(name, 0, sizeof(name)));
    if (nul == nullptr)
        return -ENAMETOOLONG;
    component.assign(name, static_cast<size_t>(nul - name));
    if (component.empty() || component == "." || component == ".." || component.find('/') != std::string::npos)
        return -EINVAL;
    return 0;
}

Handle* find_handle(VmContext& context, int64_t handle, int64_t* error)
{
    if (context.hostfs == nullptr) {
        *error = -ENOSYS;
        return nullptr;
    }
    Handle* entry = context.hostfs->find(handle);
    if (entry == nullptr)
        *error = -EBADF;
    return entry;
}

Handle* find_directory(VmContext& context, int64_t handle, int64_t* error)
{
    Handle* entry = find_handle(context, handle, error);
    if (entry != nullptr && entry->type != S_IFDIR) {
        *error = -ENOTDIR;
        return nullptr;
    }
    return entry;
}

int open_beneath(int directory_fd, const std::string& name, uint64_t flags, uint64_t mode)
{
    open_how how {};
    // openat2 refuses flags that do not apply: O_PATH takes only O_DIRECTORY and O_NOFOLLOW.
    how.flags = flags | O_NOFOLLOW | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY);
    how.mode = mode;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    for (;;) {
        long fd = syscall(SYS_openat2, directory_fd, name.c_str(), &how, sizeof(how));
        if (fd >= 0)
            return static_cast<int>(fd);
        // EAGAIN: a concurrent rename on the host; retrying is what openat2(2) suggests.
        if (errno != EINTR && errno != EAGAIN)
            return -errno;
    }
}

void fill_attributes(uabi::HostAttributes& attributes, const struct stat& status)
{
    attributes = {};
    attributes.dev = status.st_dev;
    attributes.ino = status.st_ino;
    attributes.nlink = status.st_nlink;
    attributes.mode = status.st_mode;
    attributes.uid = status.st_uid;
    attributes.gid = status.st_gid;
    attributes.rdev = status.st_rdev;
    attributes.size = status.st_size;
    attributes.blksize = status.st_blksize;
    attributes.blocks = status.st_blocks;
    attributes.atime_sec = status.st_atim.tv_sec;
    attributes.atime_nsec = status.st_atim.tv_nsec;
    attributes.mtime_sec = status.st_mtim.tv_sec;
    attributes.mtime_nsec = status.st_mtim.tv_nsec;
    attributes.ctime_sec = status.st_ctim.tv_sec;
    attributes.ctime_nsec = status.st_ctim.tv_nsec;
}

int64_t attributes_of(int fd, uabi::HostAttributes& attributes)
{
    struct stat status {};
    if (fstat(fd, &status) < 0)
        return -errno;
    fill_attributes(attributes, status);
    return 0;
}

int64_t file_new_handle(VmContext& context, int fd, uint32_t mount, int64_t* handle, uabi::HostAttributes* attributes,
    int io_fd, bool io_writable)
{
    struct stat status {};
    if (fstat(fd, &status) < 0) {
        int64_t error = -errno;
        close(fd);
        if (io_fd >= 0)
            close(io_fd);
        return error;
    }
    int64_t added = context.hostfs->add(fd, mount, status.st_mode & S_IFMT, io_fd, io_writable);
    if (added < 0)
        return added;
    fill_attributes(*attributes, status);
    *handle = added;
    return 0;
}

std::string fd_link(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

} // namespace host::hypercalls::hostfs
