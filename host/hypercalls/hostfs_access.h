// What every hostfs hypercall module shares: reading requests, checking names and handles,
// opening children confined beneath their directory, and filling attributes.
#pragma once

#include "host/hostfs_handle_table.h"
#include "host/vm_context.h"

#include <abi/hypercall.h>
#include <optional>
#include <stdint.h>
#include <string>

struct stat;

namespace host::hypercalls::hostfs {

using Handle = HostFsHandleTable::Handle;

// A private copy of the request at gpa; nullopt after stopping the VM when it is not in RAM.
template<typename Request>
std::optional<Request> read_request(VmContext& context, uabi::Gpa gpa, const char* what)
{
    auto request = context.memory.read<Request>(gpa);
    if (!request)
        context.outside_ram(what, gpa, sizeof(Request));
    return request;
}

// Copies the answered request back to gpa; `result` then, or the stop when it no longer fits.
template<typename Request>
int64_t answer(VmContext& context, uabi::Gpa gpa, const Request& reply, const char* what, int64_t result = 0)
{
    if (!context.memory.write(gpa, reply))
        return context.outside_ram(what, gpa, sizeof(Request));
    return result;
}

// The component in name: 0, -EINVAL (empty, ".", "..", a '/') or -ENAMETOOLONG (no NUL in
// the array, which also bounds it to 255 bytes).
int64_t check_name(const char (&name)[uabi::HOST_NAME_BYTES], std::string& component);

// The live handle, or nullptr with *error = -EBADF (or -ENOSYS without hostfs).
Handle* find_handle(VmContext&, int64_t handle, int64_t* error);

// find_handle() for a directory: also -ENOTDIR.
Handle* find_directory(VmContext&, int64_t handle, int64_t* error);

// openat2 of the single component `name` beneath directory_fd: no symlink followed (with
// O_PATH | O_NOFOLLOW a symlink comes back as itself), no magic link, no mount crossed.
// Returns the fd or -errno.
int open_beneath(int directory_fd, const std::string& name, uint64_t flags, uint64_t mode = 0);

void fill_attributes(uabi::HostAttributes&, const struct stat&);

// fstat(fd) into attributes; 0 or -errno.
int64_t attributes_of(int fd, uabi::HostAttributes&);

// Files fd (an fd of a file in mount) as a new handle: *handle and *attributes are set.
// 0 or -errno; fd (and io_fd) are closed on failure.
int64_t file_new_handle(VmContext&, int fd, uint32_t mount, int64_t* handle, uabi::HostAttributes* attributes,
    int io_fd = -1, bool io_writable = false);

// "/proc/self/fd/N": the magic link that reaches exactly the file fd names.
std::string fd_link(int fd);

// Files fd as a new handle into reply's handle and attributes (see file_new_handle) and
// answers it at gpa; -errno when filing fails.
template<typename Request>
int64_t answer_new_handle(VmContext& context, uabi::Gpa gpa, Request reply, const char* what, int fd, uint32_t mount,
    int io_fd = -1, bool io_writable = false)
{
    if (int64_t error = file_new_handle(context, fd, mount, &reply.handle, &reply.attributes, io_fd, io_writable); error < 0)
        return error;
    return answer(context, gpa, reply, what);
}

// fstat(fd) into reply's attributes and answers it at gpa; -errno when fstat fails.
template<typename Request>
int64_t answer_attributes(VmContext& context, uabi::Gpa gpa, Request reply, const char* what, int fd)
{
    if (int64_t error = attributes_of(fd, reply.attributes); error < 0)
        return error;
    return answer(context, gpa, reply, what);
}

} // namespace host::hypercalls::hostfs
