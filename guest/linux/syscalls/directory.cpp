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

lib::ErrorOr<void> change_directory(vfs::WalkResult& walk)
{
    if (!walk.node->is_directory())
        return ENOTDIR;
    size_t length = strlen(walk.canonical);
    memcpy(current_process().cwd, walk.canonical, length + 1);
    return {};
}

} // namespace

// ssize_t getdents64(int fd, void *dirp, size_t count);
SyscallResult sys_getdents64(SyscallArguments& a)
{
    auto file = TRY(file_for(a[0]));
    if (!file->vnode().is_directory())
        return ENOTDIR;
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
    static vfs::WalkResult walk;
    TRY(resolve(AT_FDCWD, a[0], vfs::WalkOptions {}, walk));
    auto result = change_directory(walk);
    walk.node.clear();
    walk.parent.clear();
    TRY(result);
    return 0;
}

// int fchdir(int fd);
SyscallResult sys_fchdir(SyscallArguments& a)
{
    auto file = TRY(file_for(a[0]));
    if (!file->vnode().is_directory())
        return ENOTDIR;
    size_t length = strlen(file->path());
    memcpy(current_process().cwd, file->path(), length + 1);
    return 0;
}

// char *getcwd(char *buf, size_t size);  (the raw syscall returns the length with its NUL)
SyscallResult sys_getcwd(SyscallArguments& a)
{
    const char* cwd = current_process().cwd;
    size_t length = strlen(cwd) + 1;
    if (a[1] < length)
        return ERANGE;
    TRY(copy_to_user(a[0], cwd, length));
    return static_cast<int64_t>(length);
}

} // namespace linux
