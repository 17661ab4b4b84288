// hostfs hypercalls that walk and describe: HostRoot, HostLookup, HostGetAttributes,
// HostReadLink and HostRelease.
#include "host/hypercalls/hostfs_access.h"
#include "host/hypercalls/hypercalls.h"

#include <errno.h>
#include <fcntl.h>
#include <algorithm>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace host::hypercalls {

using namespace hostfs;

// HostRoot: a new handle on mount `mount`'s root directory, with its attributes.
int64_t host_root::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostRootRequest>(context, request_gpa, "HostRoot request");
    if (!request)
        return -EINVAL;
    if (context.hostfs == nullptr)
        return -ENOSYS;
    auto const* mount = context.hostfs->mount(request->mount);
    if (mount == nullptr)
        return -ENOENT;
    int fd = fcntl(mount->root_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    return answer_new_handle(context, request_gpa, *request, "HostRoot request", fd, request->mount);
}

// HostLookup: a new handle on `name` in a directory, never following a symlink.
int64_t host_lookup::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostLookupRequest>(context, request_gpa, "HostLookup request");
    if (!request)
        return -EINVAL;
    int64_t error = 0;
    Handle* directory = find_directory(context, request->directory, &error);
    if (directory == nullptr)
        return error;
    std::string name;
    if ((error = check_name(request->name, name)) < 0)
        return error;
    int fd = open_beneath(directory->path_fd, name, O_PATH);
    if (fd < 0)
        return fd;
    return answer_new_handle(context, request_gpa, *request, "HostLookup request", fd, directory->mount);
}

// HostGetAttributes: fstat of the handle (a symlink's own attributes).
int64_t host_get_attributes::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostGetAttributesRequest>(context, request_gpa, "HostGetAttributes request");
    if (!request)
        return -EINVAL;
    int64_t error = 0;
    Handle* file = find_handle(context, request->handle, &error);
    if (file == nullptr)
        return error;
    return answer_attributes(context, request_gpa, *request, "HostGetAttributes request", file->path_fd);
}

// HostReadLink: the symlink's target into the guest buffer (cut to its length); its full length.
int64_t host_read_link::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostReadLinkRequest>(context, request_gpa, "HostReadLink request");
    if (!request)
        return -EINVAL;
    auto buffer = context.memory.bytes(request->buffer, request->length);
    if (buffer.data() == nullptr && request->length != 0)
        return context.outside_ram("HostReadLink buffer", request->buffer, request->length);
    int64_t error = 0;
    Handle* link = find_handle(context, request->handle, &error);
    if (link == nullptr)
        return error;
    if (link->type != S_IFLNK)
        return -EINVAL;
    char target[PATH_MAX];
    ssize_t length = readlinkat(link->path_fd, "", target, sizeof(target));
    if (length < 0)
        return -errno;
    // SAFETY: buffer was checked against guest RAM; at most its size is copied.
    if (!buffer.empty())
        memcpy(buffer.data(), target, std::min(buffer.size(), static_cast<size_t>(length)));
    return length;
}

// HostRelease: closes the handle; 0 or -EBADF.
int64_t host_release::handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = read_request<uabi::HostReleaseRequest>(context, request_gpa, "HostRelease request");
    if (!request)
        return -EINVAL;
    if (context.hostfs == nullptr)
        return -ENOSYS;
    return context.hostfs->release(request->handle);
}

} // namespace host::hypercalls
