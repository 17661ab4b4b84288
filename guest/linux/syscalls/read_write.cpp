// read, write, readv, writev, pread64, pwrite64, preadv, pwritev, preadv2, pwritev2, lseek,
// sendfile, copy_file_range, splice. A read or write that would block (an empty or full pipe,
// an eventfd at zero) sleeps until the file changes state and runs again, unless O_NONBLOCK.
#include <linux/file_syscalls.h>
#include <linux/io_wait.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <net/socket.h>
#include <vfs/pipe.h>

namespace linux {

namespace {

constexpr int IOV_MAX = 1024;

struct IoVector {
    uint64_t base;
    uint64_t length;
};

IoVector g_vectors[IOV_MAX];

// read and write of the file offset, sleeping while they would block.
// FIXME: a signal that interrupts a blocking write after some bytes went in gives EINTR, not
// the count of those bytes as on Linux.
SyscallResult transfer(bool writing, uint64_t fd, UserAddress buffer, size_t length)
{
    auto file = TRY(file_for(fd));
    if (!writing) {
        auto got = read_to_user(*file, buffer, length, -1);
        if (got.is_error() && should_wait(*file, lib::Error(got.error())))
            return wait_for_state_change();
        if (got.is_error())
            return lib::Error(got.error());
        return static_cast<int64_t>(got.value());
    }
    // A blocking write is not done until all its bytes are in (a pipe reader makes room bit by
    // bit); what earlier runs of the call wrote before it slept counts.
    size_t done = resume_progress(fd, buffer, length);
    do {
        auto put = write_from_user(*file, buffer + done, length - done, -1);
        if (put.is_error()) {
            if (should_wait(*file, lib::Error(put.error())) && save_progress(fd, buffer, length, done))
                return wait_for_state_change();
            if (done)
                break;
            return lib::Error(put.error());
        }
        done += put.value();
        // Only a pipe or a stream socket takes the rest of a short write later; elsewhere (a
        // full disk, an eventfd's 8 bytes) a short write ends the call.
        if (put.value() == 0 || (file->flags() & vfs::NonBlocking) || !(vfs::as_pipe_end(file->vnode()) || net::as_socket(file->vnode())))
            break;
    } while (done < length);
    return static_cast<int64_t>(done);
}

lib::ErrorOr<int> read_vectors(UserAddress address, uint64_t count)
{
    if (count > IOV_MAX)
        return EINVAL;
    TRY(copy_from_user(g_vectors, address, count * sizeof(IoVector)));
    uint64_t total = 0;
    for (uint64_t i = 0; i < count; ++i) {
        if (g_vectors[i].length > static_cast<uint64_t>(INT64_MAX) - total)
            return EINVAL;
        total += g_vectors[i].length;
    }
    return static_cast<int>(count);
}

lib::ErrorOr<lib::RefPtr<vfs::OpenFile>> positional_file(uint64_t fd, int64_t offset)
{
    auto file = TRY(file_for(fd));
    if (!vfs::is_seekable(file->vnode()))
        return ESPIPE;
    if (offset < 0)
        return EINVAL;
    return file;
}

// The vector calls: `offset` < 0 means the file offset.
SyscallResult vectored(bool writing, uint64_t fd, UserAddress vectors, uint64_t count, int64_t offset)
{
    auto file = TRY(file_for(fd));
    int vector_count = TRY(read_vectors(vectors, count));
    int64_t total = 0;
    for (int i = 0; i < vector_count; ++i) {
        if (g_vectors[i].length == 0)
            continue;
        int64_t at = offset < 0 ? -1 : offset + total;
        auto moved = writing ? write_from_user(*file, g_vectors[i].base, g_vectors[i].length, at)
                             : read_to_user(*file, g_vectors[i].base, g_vectors[i].length, at);
        if (moved.is_error()) {
            if (total)
                return total;
            // FIXME: a blocking writev that fills the pipe part way returns a short count.
            if (offset < 0 && should_wait(*file, lib::Error(moved.error())))
                return wait_for_state_change();
            return lib::Error(moved.error());
        }
        total += static_cast<int64_t>(moved.value());
        if (moved.value() < g_vectors[i].length)
            break;
    }
    return total;
}

// Copies between two open files through the transfer buffer (sendfile, copy_file_range,
// splice). `in_offset` / `out_offset`: a program pointer to an offset to use and update, or 0
// for the file offset.
SyscallResult copy_between(uint64_t in_fd, UserAddress in_offset, uint64_t out_fd, UserAddress out_offset, uint64_t length)
{
    auto in = TRY(file_for(in_fd));
    auto out = TRY(file_for(out_fd));
    if (!in->can_read() || !out->can_write())
        return EBADF;
    int64_t in_position = in_offset ? TRY(read_user<int64_t>(in_offset)) : -1;
    int64_t out_position = out_offset ? TRY(read_user<int64_t>(out_offset)) : -1;
    if ((in_offset && in_position < 0) || (out_offset && out_position < 0))
        return EINVAL;
    static uint8_t buffer[65536];
    uint64_t done = 0;
    while (done < length) {
        size_t chunk = length - done < sizeof(buffer) ? length - done : sizeof(buffer);
        // Into a pipe, read no more than it has room for: what a pipe or socket input gave
        // cannot be put back (seek below only works for files), so it would be lost.
        if (vfs::PipeEnd* pipe = out_position < 0 ? vfs::as_pipe_end(out->vnode()) : nullptr) {
            size_t room = pipe->pipe().room();
            if (room == 0) {
                if (done)
                    break;
                if (should_wait(*out, EAGAIN))
                    return wait_for_state_change();
                return EAGAIN;
            }
            chunk = chunk < room ? chunk : room;
        }
        auto got = in_position >= 0 ? in->vnode().read(static_cast<uint64_t>(in_position), buffer, chunk) : in->read(buffer, chunk);
        if (got.is_error()) {
            if (done)
                break;
            return lib::Error(got.error());
        }
        if (got.value() == 0)
            break;
        auto put = out_position >= 0 ? out->vnode().write(static_cast<uint64_t>(out_position), buffer, got.value()) : out->write(buffer, got.value());
        // What the output did not take goes back to the input (a pipe that filled up).
        size_t written = put.is_error() ? 0 : put.value();
        if (written < got.value() && in_position < 0)
            (void)in->seek(-static_cast<int64_t>(got.value() - written), 1 /* SEEK_CUR */);
        if (put.is_error()) {
            if (done)
                break;
            if (should_wait(*out, lib::Error(put.error())))
                return wait_for_state_change();
            return lib::Error(put.error());
        }
        if (in_position >= 0)
            in_position += static_cast<int64_t>(written);
        if (out_position >= 0)
            out_position += static_cast<int64_t>(put.value());
        done += put.value();
        if (put.value() < got.value() || got.value() < chunk)
            break;
    }
    if (in_offset)
        TRY(write_user(in_offset, in_position));
    if (out_offset)
        TRY(write_user(out_offset, out_position));
    return static_cast<int64_t>(done);
}

} // namespace

// ssize_t read(int fd, void *buf, size_t count);
SyscallResult sys_read(SyscallArguments& a) { return transfer(false, a[0], a[1], a[2]); }

// ssize_t write(int fd, const void *buf, size_t count);
SyscallResult sys_write(SyscallArguments& a) { return transfer(true, a[0], a[1], a[2]); }

// ssize_t pread64(int fd, void *buf, size_t count, off_t offset);
SyscallResult sys_pread64(SyscallArguments& a)
{
    auto file = TRY(positional_file(a[0], static_cast<int64_t>(a[3])));
    return static_cast<int64_t>(TRY(read_to_user(*file, a[1], a[2], static_cast<int64_t>(a[3]))));
}

// ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset);
SyscallResult sys_pwrite64(SyscallArguments& a)
{
    auto file = TRY(positional_file(a[0], static_cast<int64_t>(a[3])));
    return static_cast<int64_t>(TRY(write_from_user(*file, a[1], a[2], static_cast<int64_t>(a[3]))));
}

// ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
SyscallResult sys_readv(SyscallArguments& a) { return vectored(false, a[0], a[1], a[2], -1); }

// ssize_t writev(int fd, const struct iovec *iov, int iovcnt);
SyscallResult sys_writev(SyscallArguments& a) { return vectored(true, a[0], a[1], a[2], -1); }

// ssize_t preadv(int fd, const struct iovec *iov, int iovcnt, off_t offset);
SyscallResult sys_preadv(SyscallArguments& a)
{
    TRY(positional_file(a[0], static_cast<int64_t>(a[3])));
    return vectored(false, a[0], a[1], a[2], static_cast<int64_t>(a[3]));
}

// ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset);
SyscallResult sys_pwritev(SyscallArguments& a)
{
    TRY(positional_file(a[0], static_cast<int64_t>(a[3])));
    return vectored(true, a[0], a[1], a[2], static_cast<int64_t>(a[3]));
}

// ssize_t preadv2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags);
SyscallResult sys_preadv2(SyscallArguments& a)
{
    if (static_cast<int64_t>(a[3]) == -1)
        return vectored(false, a[0], a[1], a[2], -1);
    return sys_preadv(a);
}

// ssize_t pwritev2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags);
SyscallResult sys_pwritev2(SyscallArguments& a)
{
    if (static_cast<int64_t>(a[3]) == -1)
        return vectored(true, a[0], a[1], a[2], -1);
    return sys_pwritev(a);
}

// off_t lseek(int fd, off_t offset, int whence);
SyscallResult sys_lseek(SyscallArguments& a)
{
    auto file = TRY(file_for(a[0]));
    return static_cast<int64_t>(TRY(file->seek(static_cast<int64_t>(a[1]), static_cast<int>(a[2]))));
}

// ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
SyscallResult sys_sendfile(SyscallArguments& a) { return copy_between(a[1], a[2], a[0], 0, a[3]); }

// ssize_t copy_file_range(int fd_in, off64_t *off_in, int fd_out, off64_t *off_out, size_t len, unsigned int flags);
SyscallResult sys_copy_file_range(SyscallArguments& a)
{
    if (a[5])
        return EINVAL;
    auto in = TRY(file_for(a[0]));
    auto out = TRY(file_for(a[2]));
    if (in->vnode().type() != vfs::TypeRegular || out->vnode().type() != vfs::TypeRegular)
        return in->vnode().is_directory() || out->vnode().is_directory() ? EISDIR : EINVAL;
    return copy_between(a[0], a[1], a[2], a[3], a[4]);
}

// ssize_t splice(int fd_in, off64_t *off_in, int fd_out, off64_t *off_out, size_t len, unsigned int flags);
SyscallResult sys_splice(SyscallArguments& a)
{
    auto in = TRY(file_for(a[0]));
    auto out = TRY(file_for(a[2]));
    if (in->vnode().type() != vfs::TypeFifo && out->vnode().type() != vfs::TypeFifo)
        return EINVAL; // one side must be a pipe
    if ((a[1] && in->vnode().type() == vfs::TypeFifo) || (a[3] && out->vnode().type() == vfs::TypeFifo))
        return ESPIPE;
    return copy_between(a[0], a[1], a[2], a[3], a[4]);
}

} // namespace linux
