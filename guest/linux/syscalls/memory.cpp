// brk, mmap, munmap, mprotect, madvise.
#include <kernel/layout.h>
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>

namespace linux {

namespace {

using kernel::page_round_up;
using kernel::PAGE_SIZE;

constexpr uint64_t MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_TYPE = 0xf, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20;
constexpr uint64_t MAP_FIXED_NOREPLACE = 0x100000;
constexpr uint64_t PROT_ALL = 7;
constexpr int MADV_DONTNEED = 4;

// Fills a fresh mapping with file contents; the rest of the last page stays zero.
lib::ErrorOr<void> fill_from_file(mm::AddressSpace& space, vfs::Vnode& vnode, uint64_t start, uint64_t length, uint64_t offset)
{
    auto attributes = TRY(vnode.attributes());
    uint64_t size = static_cast<uint64_t>(attributes.size);
    uint64_t available = size > offset ? size - offset : 0;
    TRY(read_into_pages(space, vnode, start, length < available ? length : available, offset));
    return {};
}

} // namespace

// void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
SyscallResult sys_mmap(SyscallArguments& a)
{
    uint64_t hint = a[0], length = a[1], protection = a[2], flags = a[3], offset = a[5];
    int fd = static_cast<int>(a[4]);
    uint64_t type = flags & MAP_TYPE;
    if (length == 0 || (offset & (PAGE_SIZE - 1)) || (protection & ~PROT_ALL))
        return EINVAL;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return EINVAL;
    if (length > kernel::USER_END)
        return ENOMEM;
    length = page_round_up(length);
    Process& process = current_process();
    mm::AddressSpace& space = *process.address_space;

    lib::RefPtr<vfs::OpenFile> file;
    if (!(flags & MAP_ANONYMOUS)) {
        file = process.files.get(fd);
        if (!file || (file->flags() & vfs::Path))
            return EBADF;
        if (file->vnode().type() != vfs::TypeRegular)
            return file->vnode().is_directory() ? ENODEV : EACCES;
        if (!file->can_read())
            return EACCES;
        // FIXME: MAP_SHARED file mappings are private copies: writes do not reach the file.
        if (type != MAP_PRIVATE && (protection & platform::ProtWrite) && !file->can_write())
            return EACCES;
    }

    uint64_t start;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (hint & (PAGE_SIZE - 1) || !is_user_range(hint, length) || hint < kernel::MMAP_BOTTOM)
            return EINVAL;
        if (!space.is_free(hint, length)) {
            if (!(flags & MAP_FIXED))
                return EEXIST;
            TRY(space.unmap(hint, length));
        }
        start = hint;
    } else if (hint && !(hint & (PAGE_SIZE - 1)) && space.is_free(hint, length)) {
        start = hint;
    } else {
        start = TRY(space.find_free_range(length, kernel::MMAP_TOP));
    }

    int initial = file ? (platform::ProtRead | platform::ProtWrite) : static_cast<int>(protection);
    TRY(space.map_anonymous(start, length, initial));
    if (file) {
        auto filled = fill_from_file(space, file->vnode(), start, length, offset);
        if (!filled.is_error())
            filled = space.protect(start, length, static_cast<int>(protection));
        if (filled.is_error()) {
            (void)space.unmap(start, length);
            return lib::Error(filled.error());
        }
    }
    return static_cast<int64_t>(start);
}

// int munmap(void *addr, size_t length);
SyscallResult sys_munmap(SyscallArguments& a)
{
    if ((a[0] & (PAGE_SIZE - 1)) || a[1] == 0 || !is_user_range(a[0], a[1]))
        return EINVAL;
    TRY(current_process().address_space->unmap(a[0], a[1]));
    return 0;
}

// int mprotect(void *addr, size_t len, int prot);
SyscallResult sys_mprotect(SyscallArguments& a)
{
    if ((a[0] & (PAGE_SIZE - 1)) || (a[2] & ~PROT_ALL) || !is_user_range(a[0], a[1]))
        return EINVAL;
    if (a[1] == 0)
        return 0;
    TRY(current_process().address_space->protect(a[0], a[1], static_cast<int>(a[2])));
    return 0;
}

// int madvise(void *addr, size_t length, int advice);
SyscallResult sys_madvise(SyscallArguments& a)
{
    if ((a[0] & (PAGE_SIZE - 1)) || !is_user_range(a[0], a[1]))
        return EINVAL;
    if (static_cast<int>(a[2]) == MADV_DONTNEED)
        current_process().address_space->discard(a[0], page_round_up(a[1]));
    return 0;
}

// int brk(void *addr);  (the raw syscall returns the new break, or the old one on failure)
SyscallResult sys_brk(SyscallArguments& a)
{
    Process& process = current_process();
    uint64_t wanted = a[0];
    if (wanted < process.program_break_start || !is_user_range(wanted, 0))
        return static_cast<int64_t>(process.program_break);
    uint64_t old_end = page_round_up(process.program_break);
    uint64_t new_end = page_round_up(wanted);
    mm::AddressSpace& space = *process.address_space;
    if (new_end > old_end) {
        if (space.map_anonymous(old_end, new_end - old_end, platform::ProtRead | platform::ProtWrite).is_error())
            return static_cast<int64_t>(process.program_break);
    } else if (new_end < old_end) {
        (void)space.unmap(new_end, old_end - new_end);
    }
    process.program_break = wanted;
    return static_cast<int64_t>(wanted);
}

} // namespace linux
