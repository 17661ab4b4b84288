// getdents64. FIXME: issue 4 merges the overlay's entries and those of mounts.
#include <hv/hypercall.h>
#include <linux/host_file.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace linux {

// ssize_t getdents64(int fd, void *dirp, size_t count);
SyscallResult sys_getdents64(SyscallArguments& a)
{
    OpenFile* file = current_process().files.get(static_cast<int>(a[0]));
    if (!file)
        return EBADF;
    if (file->kind != FileKind::HostFile || (file->mode & 0170000) != 0040000)
        return ENOTDIR;
    uint64_t length = a[2] < uabi::BOUNCE_BUFFER_SIZE ? a[2] : uabi::BOUNCE_BUFFER_SIZE;
    if (!is_user_range(a[1], length))
        return EFAULT;
    size_t got = TRY(host_file::read_directory_physical(file->handle, uabi::BOUNCE_BUFFER_GPA, length, file->offset));
    if (got == 0)
        return 0;
    // The position to continue from is the d_off of the last whole record.
    const uint8_t* records = hv::physical(uabi::BOUNCE_BUFFER_GPA);
    uint64_t next = file->offset;
    for (size_t at = 0; at + 19 <= got;) {
        uint16_t record_length;
        memcpy(&record_length, records + at + 16, sizeof(record_length));
        if (record_length < 19 || at + record_length > got)
            return EIO;
        memcpy(&next, records + at + 8, sizeof(next));
        at += record_length;
    }
    TRY(copy_to_user(a[1], records, got));
    file->offset = next;
    return static_cast<int64_t>(got);
}

} // namespace linux
