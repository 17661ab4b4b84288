// Shared machinery of the file syscalls (see linux/file_syscalls.h).
#include <hv/hypercall.h>
#include <lib/errno_codes.h>
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/syscalls.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" size_t strlen(const char*);

namespace linux {

namespace {

constexpr size_t TRANSFER_SIZE = 64 * 1024;
uint8_t g_transfer[TRANSFER_SIZE];
constexpr int SIGPIPE = 13;

struct LinuxStat {
    uint64_t dev, ino, nlink;
    uint32_t mode, uid, gid, pad;
    uint64_t rdev;
    int64_t size, blksize, blocks;
    int64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
    int64_t reserved[3];
};
static_assert(sizeof(LinuxStat) == 144);

} // namespace

lib::ErrorOr<lib::RefPtr<vfs::OpenFile>> file_for(uint64_t fd)
{
    auto file = current_process().files.get(static_cast<int>(fd));
    if (!file || fd > static_cast<uint64_t>(FdTable::MAX_FDS))
        return EBADF;
    return file;
}

lib::ErrorOr<void> base_directory(int dirfd, char (&out)[vfs::PATH_LENGTH_MAX])
{
    const char* directory = current_process().cwd.canonical;
    lib::RefPtr<vfs::OpenFile> file;
    if (dirfd != AT_FDCWD) {
        file = TRY(file_for(static_cast<uint64_t>(static_cast<uint32_t>(dirfd))));
        if (!file->vnode().is_directory())
            return ENOTDIR;
        directory = file->path();
    }
    size_t length = strlen(directory);
    if (length >= sizeof(out))
        return ENAMETOOLONG;
    memcpy(out, directory, length + 1);
    return {};
}

lib::ErrorOr<void> resolve(int dirfd, UserAddress user_path, const vfs::WalkOptions& options, vfs::WalkResult& result, int at_flags)
{
    static char path[vfs::PATH_LENGTH_MAX];
    auto copied = copy_string_from_user(path, sizeof(path), user_path);
    if (copied.is_error())
        return lib::Error(copied.error());
    if (path[0] == '\0') {
        if (!(at_flags & AT_EMPTY_PATH))
            return ENOENT;
        if (dirfd == AT_FDCWD)
            return vfs::walk(".", current_process().cwd, options, result);
        auto file = TRY(file_for(static_cast<uint64_t>(static_cast<uint32_t>(dirfd == AT_FDCWD ? -1 : dirfd))));
        result.node = file->vnode_ptr();
        result.parent = file->vnode_ptr();
        result.name[0] = '\0';
        size_t length = strlen(file->path());
        memcpy(result.canonical, file->path(), length < sizeof(result.canonical) ? length + 1 : 1);
        return {};
    }
    if (path[0] == '/' || dirfd == AT_FDCWD)
        return vfs::walk(path, current_process().cwd, options, result);
    static char base[vfs::PATH_LENGTH_MAX];
    TRY(base_directory(dirfd, base));
    return vfs::walk(path, base, options, result);
}

lib::ErrorOr<void> resolve_kernel_path(const char* path, const vfs::WalkOptions& options, vfs::WalkResult& result)
{
    return vfs::walk(path, current_process().cwd, options, result);
}

lib::ErrorOr<size_t> read_to_user(vfs::OpenFile& file, UserAddress buffer, size_t length, int64_t offset)
{
    if (!is_user_range(buffer, length))
        return EFAULT;
    if (!file.can_read())
        return EBADF;
    size_t done = 0;
    while (done < length) {
        size_t chunk = length - done < TRANSFER_SIZE ? length - done : TRANSFER_SIZE;
        auto got = offset < 0 ? file.read(g_transfer, chunk) : file.vnode().read(static_cast<uint64_t>(offset) + done, g_transfer, chunk);
        if (got.is_error()) {
            if (done)
                break;
            return lib::Error(got.error());
        }
        auto copied = copy_to_user(buffer + done, g_transfer, got.value());
        if (copied.is_error())
            return done ? lib::ErrorOr<size_t>(done) : lib::ErrorOr<size_t>(EFAULT);
        done += got.value();
        // A short read ends it: the next one might block (pipes, terminals) or hit the end.
        if (got.value() < chunk)
            break;
    }
    return done;
}

lib::ErrorOr<size_t> write_from_user(vfs::OpenFile& file, UserAddress buffer, size_t length, int64_t offset)
{
    if (!is_user_range(buffer, length))
        return EFAULT;
    if (!file.can_write())
        return EBADF;
    size_t done = 0;
    while (done < length || length == 0) {
        size_t chunk = length - done < TRANSFER_SIZE ? length - done : TRANSFER_SIZE;
        if (copy_from_user(g_transfer, buffer + done, chunk).is_error())
            return done ? lib::ErrorOr<size_t>(done) : lib::ErrorOr<size_t>(EFAULT);
        // Linux appends even pwrite()s to a file opened with O_APPEND.
        bool at_offset = offset >= 0 && !(file.flags() & vfs::Append);
        auto written = at_offset ? file.vnode().write(static_cast<uint64_t>(offset) + done, g_transfer, chunk) : file.write(g_transfer, chunk);
        if (written.is_error()) {
            if (written.error() == EPIPE.code)
                raise_signal(SIGPIPE);
            if (done)
                break;
            return lib::Error(written.error());
        }
        done += written.value();
        if (written.value() < chunk || length == 0)
            break;
    }
    return done;
}

lib::ErrorOr<size_t> read_into_pages(mm::AddressSpace& space, vfs::Vnode& vnode, uint64_t address, uint64_t length, uint64_t offset)
{
    uint64_t done = 0;
    while (done < length) {
        // A physically contiguous run at a time, backing the pages first if they have no frames
        // and copying those whose frames another address space shares (copy-on-write).
        uint64_t physical = TRY(space.backed_physical(address + done, true));
        uint64_t run = kernel::PAGE_SIZE - ((address + done) & (kernel::PAGE_SIZE - 1));
        while (done + run < length) {
            auto next = space.translate(address + done + run);
            if (next.is_error() || next.value() != physical + run || space.shares_frame(address + done + run))
                break;
            run += kernel::PAGE_SIZE;
        }
        uint64_t chunk = length - done < run ? length - done : run;
        uint8_t* destination = hv::physical(physical);
        size_t got = TRY(vnode.read(offset + done, destination, chunk));
        if (got == 0)
            break;
        done += got;
    }
    return done;
}

lib::ErrorOr<void> write_stat(UserAddress buffer, vfs::Vnode& vnode)
{
    auto a = TRY(vnode.attributes());
    LinuxStat s {};
    s.dev = a.device;
    s.ino = a.inode;
    s.nlink = a.link_count;
    s.mode = a.mode;
    s.uid = a.uid;
    s.gid = a.gid;
    s.rdev = a.rdev;
    s.size = a.size;
    s.blksize = a.block_size ? a.block_size : 4096;
    s.blocks = a.blocks;
    s.atime_sec = a.access_time.seconds;
    s.atime_nsec = a.access_time.nanoseconds;
    s.mtime_sec = a.modify_time.seconds;
    s.mtime_nsec = a.modify_time.nanoseconds;
    s.ctime_sec = a.change_time.seconds;
    s.ctime_nsec = a.change_time.nanoseconds;
    return write_user(buffer, s);
}

} // namespace linux
