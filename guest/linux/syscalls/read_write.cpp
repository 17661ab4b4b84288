// read, write, readv, writev, pread64, pwrite64, lseek.
#include <hv/hypercall.h>
#include <linux/host_file.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace linux {

namespace {

constexpr int SIGPIPE = 13;
constexpr int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
constexpr int IOV_MAX = 1024;

struct IoVector {
    uint64_t base;
    uint64_t length;
};

lib::ErrorOr<OpenFile*> file_for(uint64_t fd)
{
    OpenFile* file = current_process().files.get(static_cast<int>(fd));
    if (!file)
        return EBADF;
    return file;
}

// Reads from `file` at `offset` straight into program memory.
SyscallResult read_into_user(OpenFile& file, UserAddress buffer, uint64_t length, uint64_t offset)
{
    if (!is_user_range(buffer, length))
        return EFAULT;
    if (file.kind == FileKind::Console) {
        if (file.console_fd != 0)
            return EBADF;
        uint8_t* bounce = hv::physical(uabi::BOUNCE_BUFFER_GPA);
        // At most one bounce buffer per call: a short read, as from a pipe.
        uint64_t chunk = length < uabi::BOUNCE_BUFFER_SIZE ? length : uabi::BOUNCE_BUFFER_SIZE;
        uabi::ConsoleRequest console { 0, 0, uabi::BOUNCE_BUFFER_GPA, chunk };
        int64_t got = TRY(hv::result_of(hv::call(uabi::Hypercall::Console, console)));
        TRY(copy_to_user(buffer, bounce, static_cast<size_t>(got)));
        return got;
    }
    if ((file.mode & 0170000) == 0040000)
        return EISDIR;
    uint64_t done = 0;
    while (done < length) {
        uint64_t chunk = length - done < uabi::BOUNCE_BUFFER_SIZE ? length - done : uabi::BOUNCE_BUFFER_SIZE;
        auto got = host_file::read_physical(file.handle, uabi::BOUNCE_BUFFER_GPA, chunk, offset + done);
        if (got.is_error())
            return done ? SyscallResult(static_cast<int64_t>(done)) : SyscallResult(lib::Error(got.error()));
        TRY(copy_to_user(buffer + done, hv::physical(uabi::BOUNCE_BUFFER_GPA), got.value()));
        done += got.value();
        if (got.value() < chunk)
            break;
    }
    return static_cast<int64_t>(done);
}

// Writes program memory to `file`; console writes gather up to one bounce buffer per hypercall.
SyscallResult write_from_user(OpenFile& file, const IoVector* vectors, int count)
{
    if (file.kind != FileKind::Console || file.console_fd == 0)
        return EBADF; // FIXME: issue 4 makes files writable through the overlay
    uint8_t* bounce = hv::physical(uabi::BOUNCE_BUFFER_GPA);
    uint64_t total = 0, staged = 0;
    auto flush = [&]() -> lib::ErrorOr<void> {
        if (staged == 0)
            return {};
        uabi::ConsoleRequest console { static_cast<uint32_t>(file.console_fd), 0, uabi::BOUNCE_BUFFER_GPA, staged };
        int64_t written = hv::call(uabi::Hypercall::Console, console);
        if (written == -EPIPE.code)
            raise_signal(SIGPIPE); // kills the program unless it ignores SIGPIPE
        if (written < 0)
            return lib::Error(static_cast<int>(-written));
        total += static_cast<uint64_t>(written);
        staged = 0;
        return {};
    };
    for (int i = 0; i < count; ++i) {
        uint64_t done = 0;
        while (done < vectors[i].length) {
            uint64_t room = uabi::BOUNCE_BUFFER_SIZE - staged;
            uint64_t chunk = vectors[i].length - done < room ? vectors[i].length - done : room;
            auto copied = copy_from_user(bounce + staged, vectors[i].base + done, chunk);
            if (copied.is_error()) {
                if (total + staged == 0)
                    return EFAULT;
                (void)flush();
                return static_cast<int64_t>(total);
            }
            staged += chunk;
            done += chunk;
            if (staged == uabi::BOUNCE_BUFFER_SIZE) {
                auto flushed = flush();
                if (flushed.is_error())
                    return total ? SyscallResult(static_cast<int64_t>(total)) : SyscallResult(lib::Error(flushed.error()));
            }
        }
    }
    auto flushed = flush();
    if (flushed.is_error() && total == 0)
        return lib::Error(flushed.error());
    return static_cast<int64_t>(total);
}

lib::ErrorOr<int> read_vectors(UserAddress address, uint64_t count, IoVector* vectors)
{
    if (count > IOV_MAX)
        return EINVAL;
    TRY(copy_from_user(vectors, address, count * sizeof(IoVector)));
    uint64_t total = 0;
    for (uint64_t i = 0; i < count; ++i) {
        if (vectors[i].length > INT64_MAX - total)
            return EINVAL;
        total += vectors[i].length;
    }
    return static_cast<int>(count);
}

IoVector g_vectors[IOV_MAX];

} // namespace

// ssize_t read(int fd, void *buf, size_t count);
SyscallResult sys_read(SyscallArguments& a)
{
    OpenFile* file = TRY(file_for(a[0]));
    int64_t got = TRY(read_into_user(*file, a[1], a[2], file->offset));
    if (file->kind == FileKind::HostFile)
        file->offset += static_cast<uint64_t>(got);
    return got;
}

// ssize_t pread64(int fd, void *buf, size_t count, off_t offset);
SyscallResult sys_pread64(SyscallArguments& a)
{
    OpenFile* file = TRY(file_for(a[0]));
    if (file->kind == FileKind::Console)
        return ESPIPE;
    if (static_cast<int64_t>(a[3]) < 0)
        return EINVAL;
    return read_into_user(*file, a[1], a[2], a[3]);
}

// ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
SyscallResult sys_readv(SyscallArguments& a)
{
    OpenFile* file = TRY(file_for(a[0]));
    int count = TRY(read_vectors(a[1], a[2], g_vectors));
    int64_t total = 0;
    for (int i = 0; i < count; ++i) {
        auto got = read_into_user(*file, g_vectors[i].base, g_vectors[i].length, file->offset);
        if (got.is_error())
            return total ? SyscallResult(total) : SyscallResult(lib::Error(got.error()));
        if (file->kind == FileKind::HostFile)
            file->offset += static_cast<uint64_t>(got.value());
        total += got.value();
        if (static_cast<uint64_t>(got.value()) < g_vectors[i].length)
            break;
    }
    return total;
}

// ssize_t write(int fd, const void *buf, size_t count);
SyscallResult sys_write(SyscallArguments& a)
{
    OpenFile* file = TRY(file_for(a[0]));
    IoVector vector { a[1], a[2] };
    if (!is_user_range(a[1], a[2]))
        return EFAULT;
    return write_from_user(*file, &vector, 1);
}

// ssize_t writev(int fd, const struct iovec *iov, int iovcnt);
SyscallResult sys_writev(SyscallArguments& a)
{
    OpenFile* file = TRY(file_for(a[0]));
    int count = TRY(read_vectors(a[1], a[2], g_vectors));
    return write_from_user(*file, g_vectors, count);
}

// ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset);
SyscallResult sys_pwrite64(SyscallArguments& a)
{
    OpenFile* file = TRY(file_for(a[0]));
    if (file->kind == FileKind::Console)
        return ESPIPE;
    return EBADF;
}

// off_t lseek(int fd, off_t offset, int whence);
SyscallResult sys_lseek(SyscallArguments& a)
{
    OpenFile* file = TRY(file_for(a[0]));
    if (file->kind == FileKind::Console)
        return ESPIPE;
    int64_t offset = static_cast<int64_t>(a[1]);
    int64_t base;
    switch (static_cast<int>(a[2])) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = static_cast<int64_t>(file->offset);
        break;
    case SEEK_END: {
        auto status = TRY(host_file::stat(file->handle));
        base = status.size;
        break;
    }
    default:
        return EINVAL;
    }
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
        return EINVAL;
    file->offset = static_cast<uint64_t>(base + offset);
    return static_cast<int64_t>(file->offset);
}

} // namespace linux
