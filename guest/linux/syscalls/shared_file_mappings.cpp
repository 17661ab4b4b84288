// MAP_SHARED file mappings written back to their files (see linux/shared_file_mappings.h).
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <linux/shared_file_mappings.h>

namespace linux {

namespace {

struct SharedFileMapping {
    uint64_t start;
    uint64_t end;
    uint64_t offset; // in the file, of `start`
    lib::RefPtr<vfs::OpenFile> file;
    SharedFileMapping* next;
};

SharedFileMapping* g_mappings;

lib::ErrorOr<void> write_back(mm::AddressSpace& space, const SharedFileMapping& mapping, uint64_t from, uint64_t to)
{
    auto attributes = TRY(mapping.file->vnode().attributes());
    uint64_t size = static_cast<uint64_t>(attributes.size);
    for (uint64_t va = space.next_backed(from, to); va < to; va = space.next_backed(va + kernel::PAGE_SIZE, to)) {
        uint64_t file_offset = mapping.offset + (va - mapping.start);
        if (file_offset >= size)
            break; // as Linux: a shared mapping never extends its file
        uint64_t length = size - file_offset < kernel::PAGE_SIZE ? size - file_offset : kernel::PAGE_SIZE;
        uint64_t physical = TRY(space.translate(va));
        // SAFETY: `physical` is a backed frame of this program, inside guest RAM.
        TRY(mapping.file->vnode().write(file_offset, hv::physical(physical), length));
    }
    return {};
}

} // namespace

lib::ErrorOr<void> add_shared_file_mapping(uint64_t start, uint64_t length, const lib::RefPtr<vfs::OpenFile>& file, uint64_t offset)
{
    auto* mapping = lib::make<SharedFileMapping>(SharedFileMapping { start, start + length, offset, file, g_mappings });
    if (!mapping)
        return ENOMEM;
    g_mappings = mapping;
    return {};
}

lib::ErrorOr<void> write_back_shared_files(mm::AddressSpace& space, uint64_t start, uint64_t length)
{
    uint64_t end = start + length;
    for (SharedFileMapping* mapping = g_mappings; mapping; mapping = mapping->next) {
        uint64_t from = mapping->start > start ? mapping->start : start;
        uint64_t to = mapping->end < end ? mapping->end : end;
        if (from < to)
            TRY(write_back(space, *mapping, from, to));
    }
    return {};
}

void forget_shared_files(mm::AddressSpace& space, uint64_t start, uint64_t length)
{
    uint64_t end = start + length;
    (void)write_back_shared_files(space, start, length);
    for (SharedFileMapping** link = &g_mappings; *link;) {
        SharedFileMapping& mapping = **link;
        if (mapping.end <= start || mapping.start >= end) {
            link = &mapping.next;
            continue;
        }
        if (mapping.start < start && mapping.end > end) {
            // A hole in the middle: the part above becomes a mapping of its own.
            if (add_shared_file_mapping(end, mapping.end - end, mapping.file, mapping.offset + (end - mapping.start)).is_error())
                return; // FIXME: the upper part is no longer written back
            mapping.end = start;
            return;
        }
        if (mapping.start < start) {
            mapping.end = start;
        } else if (mapping.end > end) {
            mapping.offset += end - mapping.start;
            mapping.start = end;
        } else {
            *link = mapping.next;
            lib::destroy(&mapping);
            continue;
        }
        link = &mapping.next;
    }
}

} // namespace linux
