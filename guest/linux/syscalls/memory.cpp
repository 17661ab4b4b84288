// brk, mmap, munmap, mprotect, mremap, madvise, mincore, msync, mlock family.
#include <kernel/layout.h>
#include <linux/file_mapping.h>
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/shared_file_mappings.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>

namespace linux {

namespace {

using kernel::page_round_up;
using kernel::PAGE_SIZE;

constexpr uint64_t MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_TYPE = 0xf, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20;
constexpr uint64_t MAP_GROWSDOWN = 0x100, MAP_DENYWRITE = 0x800, MAP_EXECUTABLE = 0x1000, MAP_LOCKED = 0x2000;
constexpr uint64_t MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_NONBLOCK = 0x10000, MAP_STACK = 0x20000;
constexpr uint64_t MAP_HUGETLB = 0x40000, MAP_SYNC = 0x80000, MAP_FIXED_NOREPLACE = 0x100000;
constexpr uint64_t MAP_KNOWN = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED
    | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE | (0x3full << 26);
constexpr uint64_t PROT_ALL = 7;
constexpr uint64_t PROT_GROWSDOWN = 0x01000000, PROT_GROWSUP = 0x02000000;
constexpr int MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9, MADV_POPULATE_READ = 22, MADV_POPULATE_WRITE = 23;
constexpr uint64_t MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
constexpr uint64_t MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
constexpr uint64_t MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;

mm::AddressSpace& space() { return *current_process().address_space(); }

bool is_user_pages(uint64_t start, uint64_t length)
{
    return !(start & (PAGE_SIZE - 1)) && is_user_range(start, length);
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
    if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
        return EOPNOTSUPP;
    if (length > kernel::USER_END)
        return ENOMEM;
    length = page_round_up(length);
    Process& process = current_process();
    mm::AddressSpace& space = *process.address_space();

    lib::RefPtr<vfs::OpenFile> file;
    if (!(flags & MAP_ANONYMOUS)) {
        file = process.files.get(fd);
        if (!file || (file->flags() & vfs::Path))
            return EBADF;
        if (file->vnode().type() != vfs::TypeRegular)
            return file->vnode().is_directory() ? ENODEV : EACCES;
        if (!file->can_read())
            return EACCES;
        if (type != MAP_PRIVATE && (protection & platform::ProtWrite) && !file->can_write())
            return EACCES;
    }

    uint64_t start;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (hint & (PAGE_SIZE - 1) || !is_user_range(hint, length) || hint < kernel::MMAP_BOTTOM)
            return flags & MAP_FIXED ? EINVAL : EPERM;
        if (!space.is_free(hint, length)) {
            if (!(flags & MAP_FIXED))
                return EEXIST;
            forget_shared_files(space, hint, length);
            TRY(space.unmap(hint, length));
        }
        start = hint;
    } else if (hint && !(hint & (PAGE_SIZE - 1)) && space.is_free(hint, length)) {
        start = hint;
    } else {
        start = TRY(space.find_free_range(length, kernel::MMAP_TOP));
    }

    uint32_t region_flags = type == MAP_PRIVATE ? 0u : static_cast<uint32_t>(mm::RegionShared);
    if (flags & MAP_GROWSDOWN)
        region_flags |= mm::RegionGrowsDown;
    if (!file) {
        TRY(space.map_anonymous(start, length, static_cast<int>(protection), region_flags));
    } else {
        // Private: pages come on first touch, shared from the page cache where the file allows
        // (read-only ROOTFS files), copied otherwise. Shared: copies, all read now, written back
        // by msync and munmap.
        FileMappingHold mapping(TRY(FileMapping::create(file->vnode_ptr(), file->path())));
        TRY(space.map_file(start, length, static_cast<int>(protection), region_flags, *mapping, offset));
        if (type != MAP_PRIVATE) {
            auto filled = space.populate(start, length);
            if (!filled.is_error())
                filled = add_shared_file_mapping(start, length, file, offset);
            if (filled.is_error()) {
                (void)space.unmap(start, length);
                return lib::Error(filled.error());
            }
        }
    }
    if (flags & (MAP_POPULATE | MAP_LOCKED)) {
        auto populated = space.populate(start, length);
        if (populated.is_error()) {
            (void)space.unmap(start, length);
            return ENOMEM;
        }
    }
    return static_cast<int64_t>(start);
}

// int munmap(void *addr, size_t length);
SyscallResult sys_munmap(SyscallArguments& a)
{
    if (a[1] == 0 || !is_user_pages(a[0], a[1]))
        return EINVAL;
    forget_shared_files(space(), a[0], page_round_up(a[1]));
    TRY(space().unmap(a[0], a[1]));
    return 0;
}

// int mprotect(void *addr, size_t len, int prot);
SyscallResult sys_mprotect(SyscallArguments& a)
{
    uint64_t protection = a[2] & ~(PROT_GROWSDOWN | PROT_GROWSUP);
    if ((protection & ~PROT_ALL) || !is_user_pages(a[0], a[1]))
        return EINVAL;
    if (a[1] == 0)
        return 0;
    TRY(space().protect(a[0], a[1], static_cast<int>(protection)));
    return 0;
}

// void *mremap(void *old_address, size_t old_size, size_t new_size, int flags, ... /* void *new_address */);
SyscallResult sys_mremap(SyscallArguments& a)
{
    uint64_t old_start = a[0], old_length = a[1], new_length = a[2], flags = a[3], new_start = a[4];
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
        return EINVAL;
    // FIXME: MREMAP_DONTUNMAP (leave the old range mapped, empty) is not supported.
    if (flags & MREMAP_DONTUNMAP)
        return EINVAL;
    if (!is_user_pages(old_start, old_length) || !is_user_range(new_start, new_length) || new_length > kernel::USER_END)
        return EINVAL;
    bool fixed = flags & MREMAP_FIXED;
    if (fixed && new_start < kernel::MMAP_BOTTOM)
        return EINVAL;
    // FIXME: a moved or resized shared file mapping is written back and then stays private.
    forget_shared_files(space(), old_start, page_round_up(old_length));
    if (fixed)
        forget_shared_files(space(), new_start, page_round_up(new_length));
    uint64_t result = TRY(space().remap(old_start, old_length, new_length, flags & MREMAP_MAYMOVE, fixed, new_start, kernel::MMAP_TOP));
    return static_cast<int64_t>(result);
}

// int madvise(void *addr, size_t length, int advice);
SyscallResult sys_madvise(SyscallArguments& a)
{
    if (!is_user_pages(a[0], a[1]))
        return EINVAL;
    int advice = static_cast<int>(a[2]);
    if (a[1] == 0)
        return 0;
    switch (advice) {
    case MADV_DONTNEED:
    case MADV_FREE:
    case MADV_REMOVE:
        TRY(space().discard(a[0], page_round_up(a[1])));
        return 0;
    case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE:
        TRY(space().populate(a[0], page_round_up(a[1])));
        return 0;
    default:
        // Hints about the future (WILLNEED, SEQUENTIAL, HUGEPAGE, DONTFORK...) change nothing here.
        if (advice < 0 || advice > 100)
            return EINVAL;
        return 0;
    }
}

// int mincore(void *addr, size_t length, unsigned char *vec);
SyscallResult sys_mincore(SyscallArguments& a)
{
    uint64_t start = a[0], length = page_round_up(a[1]);
    if (start & (PAGE_SIZE - 1))
        return EINVAL;
    if (!is_user_range(start, length))
        return ENOMEM;
    mm::AddressSpace& space = linux::space();
    for (uint64_t va = start; va < start + length;) {
        if (!space.find(va))
            return ENOMEM;
        va = space.find(va)->end;
    }
    uint8_t residency[512];
    for (uint64_t done = 0; done < length;) {
        uint64_t pages = (length - done) / PAGE_SIZE;
        if (pages > sizeof(residency))
            pages = sizeof(residency);
        for (uint64_t i = 0; i < pages; ++i)
            residency[i] = space.is_backed(start + done + i * PAGE_SIZE) ? 1 : 0;
        TRY(copy_to_user(a[2] + done / PAGE_SIZE, residency, pages));
        done += pages * PAGE_SIZE;
    }
    return 0;
}

// int msync(void *addr, size_t length, int flags);
SyscallResult sys_msync(SyscallArguments& a)
{
    uint64_t start = a[0], length = page_round_up(a[1]), flags = a[2];
    if ((start & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return EINVAL;
    if (!is_user_range(start, length))
        return ENOMEM;
    for (uint64_t va = start; va < start + length;) {
        const mm::Region* region = space().find(va);
        if (!region)
            return ENOMEM;
        va = region->end;
    }
    TRY(write_back_shared_files(space(), start, length));
    return 0;
}

// int mlock(const void *addr, size_t len);
SyscallResult sys_mlock(SyscallArguments& a)
{
    uint64_t start = kernel::page_round_down(a[0]);
    uint64_t length = page_round_up(a[0] + a[1]) - start;
    if (!is_user_range(start, length))
        return ENOMEM;
    if (length)
        TRY(space().populate(start, length));
    return 0;
}

// int munlock(const void *addr, size_t len);
SyscallResult sys_munlock(SyscallArguments& a)
{
    if (!is_user_range(a[0], a[1]))
        return ENOMEM;
    return 0;
}

// int mlockall(int flags);
SyscallResult sys_mlockall(SyscallArguments& a)
{
    uint64_t flags = a[0];
    if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
        return EINVAL;
    // FIXME: MCL_CURRENT does not back every mapped page now, and MCL_FUTURE is not remembered.
    return 0;
}

// int munlockall(void);
SyscallResult sys_munlockall(SyscallArguments&) { return 0; }

// int brk(void *addr);  (the raw syscall returns the new break, or the old one on failure)
SyscallResult sys_brk(SyscallArguments& a)
{
    Process& process = current_process();
    uint64_t wanted = a[0];
    if (wanted < process.program_break_start || !is_user_range(wanted, 0))
        return static_cast<int64_t>(process.program_break);
    uint64_t old_end = page_round_up(process.program_break);
    uint64_t new_end = page_round_up(wanted);
    mm::AddressSpace& space = *process.address_space();
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
