// getdents64, chdir, fchdir, getcwd.
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/syscalls.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" size_t strlen(const char*);

namespace linux {

namespace {

constexpr size_t HEADER = 19; // d_ino, d_off, d_reclen, d_type

struct Listing {
    uint8_t* buffer;
    size_t size;
    size_t used;
    uint64_t next_cookie;
    size_t count;
};

bool add_entry(void* context, const vfs::DirectoryEntry& entry, uint64_t next_cookie)
{
    auto& listing = *static_cast<Listing*>(context);
    size_t name_length = strlen(entry.name);
    size_t record_length = (HEADER + name_length + 1 + 7) & ~size_t(7);
    if (listing.used + record_length > listing.size)
        return false;
    uint8_t* record = listing.buffer + listing.used;
    int64_t offset = static_cast<int64_t>(next_cookie);
    uint16_t length16 = static_cast<uint16_t>(record_length);
    memcpy(record, &entry.inode, 8);
    memcpy(record + 8, &offset, 8);
    memcpy(record + 16, &length16, 2);
    record[18] = entry.type;
    memcpy(record + HEADER, entry.name, name_length);
    for (size_t i = HEADER + name_length; i < record_length; ++i)
        record[i] = 0;
    listing.used += record_length;
    listing.next_cookie = next_cookie;
    ++listing.count;
    return true;
}

// Walks `path` from the cwd and, if it is a directory, makes it the cwd.
lib::ErrorOr<void> change_directory(const char* path)
{
    vfs::WalkResult walk;
    static vfs::Location location;
    Process& process = current_process();
    auto walked = vfs::walk(path, process.cwd, vfs::WalkOptions {}, walk, &location);
    bool is_directory = !walked.is_error() && walk.node->is_directory();
    if (walked.is_error() || !is_directory) {
        location.clear();
        return walked.is_error() ? lib::Error(walked.error()) : ENOTDIR;
    }
    process.cwd.clear();
    for (size_t i = 0; i < location.depth; ++i)
        process.cwd.frames[i] = location.frames[i];
    process.cwd.depth = location.depth;
    memcpy(process.cwd.canonical, location.canonical, strlen(location.canonical) + 1);
    location.clear();
    return {};
}

} // namespace

// ssize_t getdents64(int fd, void *dirp, size_t count);
SyscallResult sys_getdents64(SyscallArguments& a)
{
    auto file = TRY(file_for(a[0]));
    if (!file->vnode().is_directory())
        return ENOTDIR;
    // A removed directory has no entries left, not even . and ..: Linux says ENOENT.
    auto attributes = TRY(file->vnode().attributes());
    if (attributes.link_count == 0)
        return ENOENT;
    static uint8_t buffer[32768];
    size_t size = a[2] < sizeof(buffer) ? a[2] : sizeof(buffer);
    if (!is_user_range(a[1], size))
        return EFAULT;
    Listing listing { buffer, size, 0, file->offset(), 0 };
    TRY(file->vnode().read_directory(file->offset(), add_entry, &listing));
    if (listing.count == 0 && listing.used == 0) {
        // Either the end, or the next entry does not fit in the program's buffer.
        uint8_t probe[HEADER + vfs::NAME_LENGTH_MAX + 8];
        Listing check { probe, sizeof(probe), 0, 0, 0 };
        TRY(file->vnode().read_directory(file->offset(), add_entry, &check));
        if (check.count)
            return EINVAL;
        return 0;
    }
    TRY(copy_to_user(a[1], buffer, listing.used));
    file->set_offset(listing.next_cookie);
    return static_cast<int64_t>(listing.used);
}

// int chdir(const char *path);
SyscallResult sys_chdir(SyscallArguments& a)
{
    static char path[vfs::PATH_LENGTH_MAX];
    TRY(copy_string_from_user(path, sizeof(path), a[0]));
    if (!path[0])
        return ENOENT;
    TRY(change_directory(path));
    return 0;
}

// int fchdir(int fd);
SyscallResult sys_fchdir(SyscallArguments& a)
{
    auto file = TRY(file_for(a[0]));
    if (!file->vnode().is_directory())
        return ENOTDIR;
    TRY(change_directory(file->path()));
    return 0;
}

// char *getcwd(char *buf, size_t size);  (the raw syscall returns the length with its NUL)
SyscallResult sys_getcwd(SyscallArguments& a)
{
    Process& process = current_process();
    // A cwd that was removed (or moved) has no path any more: ENOENT, as Linux.
    vfs::WalkResult walk;
    auto walked = vfs::walk(process.cwd.canonical, process.cwd, vfs::WalkOptions {}, walk);
    bool same = !walked.is_error() && walk.node.ptr() == process.cwd.node();
    if (!same)
        return ENOENT;
    const char* cwd = process.cwd.canonical;
    size_t length = strlen(cwd) + 1;
    if (a[1] < length)
        return ERANGE;
    TRY(copy_to_user(a[0], cwd, length));
    return static_cast<int64_t>(length);
}

} // namespace linux
