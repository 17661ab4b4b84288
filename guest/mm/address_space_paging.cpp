// The pages behind a program's regions (see mm/address_space.h): frames on first touch,
// copy-on-write, populate, discard, protection of backed pages, and mremap.
#include <lib/errno_codes.h>
#include <mm/address_space.h>

namespace mm {

namespace {

constexpr uint64_t PAGE_SIZE = FrameAllocator::FRAME_SIZE;
constexpr int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
// How far below a MAP_GROWSDOWN region a fault may land and still grow it (Linux allows up
// to the stack rlimit; 8 MiB is its default).
constexpr uint64_t GROWSDOWN_REACH = 8 * 1024 * 1024;
// And how far it must stay from the region below (Linux's stack_guard_gap, 256 pages).
constexpr uint64_t GROWSDOWN_GUARD_GAP = 256 * PAGE_SIZE;
// How much of a read-only file region one fault maps (see handle_fault).
constexpr uint64_t FILE_FAULT_BLOCK = 256 * 1024;

bool page_aligned(uint64_t value) { return (value & (PAGE_SIZE - 1)) == 0; }
uint64_t round_up(uint64_t value) { return (value + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

bool permits(int protection, Access access)
{
    switch (access) {
    case Access::Write:
        return protection & PROT_WRITE;
    case Access::Execute:
        return protection & PROT_EXEC;
    case Access::Read:
        break;
    }
    return protection & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

uint64_t min(uint64_t a, uint64_t b) { return a < b ? a : b; }
uint64_t max(uint64_t a, uint64_t b) { return a > b ? a : b; }

} // namespace

int AddressSpace::machine_protection(int protection, uint32_t flags, bool frame_shared)
{
    if (!frame_shared || (flags & RegionShared) || !(protection & PROT_WRITE))
        return protection;
    // Readable still: the machine has no write-only pages anyway.
    return (protection & ~PROT_WRITE) | PROT_READ;
}

AddressSpace::Run AddressSpace::next_run(uint64_t va, uint64_t end, bool contiguous) const
{
    uint64_t start = m_pages.next_present(va, end);
    if (start >= end)
        return { end, end, 0, false };
    uint64_t physical = m_pages.lookup(start);
    bool shared = m_frames.is_shared(physical);
    uint64_t run_end = start + PAGE_SIZE;
    while (run_end < end) {
        uint64_t frame = m_pages.lookup(run_end);
        if (frame == PageTable::NO_FRAME || (contiguous && frame != physical + (run_end - start)) || m_frames.is_shared(frame) != shared)
            break;
        run_end += PAGE_SIZE;
    }
    return { start, run_end, physical, shared };
}

bool AddressSpace::shares_frame(uint64_t va) const
{
    uint64_t frame = m_pages.lookup(va);
    return frame != PageTable::NO_FRAME && m_frames.is_shared(frame);
}

lib::ErrorOr<void> AddressSpace::back_range(uint64_t start, uint64_t end, int protection, bool caller_fills)
{
    uint64_t va = start;
    while (va < end) {
        if (m_pages.lookup(va) != PageTable::NO_FRAME) {
            va += PAGE_SIZE;
            continue;
        }
        uint64_t hole_end = va + PAGE_SIZE;
        while (hole_end < end && m_pages.lookup(hole_end) == PageTable::NO_FRAME)
            hole_end += PAGE_SIZE;
        // One contiguous run of frames for the hole if there is one, halves when fragmented.
        uint64_t chunk = (hole_end - va) / PAGE_SIZE;
        while (va < hole_end) {
            uint64_t remaining = (hole_end - va) / PAGE_SIZE;
            if (chunk > remaining)
                chunk = remaining;
            auto frames = m_frames.allocate(chunk);
            if (frames.is_error()) {
                if (chunk == 1)
                    return ENOMEM;
                chunk /= 2;
                continue;
            }
            uint64_t length = chunk * PAGE_SIZE;
            // Program memory starts as zeros: frames that held data are cleared first, unless
            // the caller overwrites them all anyway (a copy of a file's pages).
            if (m_frames.take_dirty(frames.value(), chunk) && !caller_fills)
                m_mapper.clear_frames(frames.value(), length);
            auto mapped = m_mapper.map(va, frames.value(), length, protection);
            if (mapped.is_error()) {
                m_frames.free(frames.value(), chunk);
                return ENOMEM;
            }
            for (uint64_t offset = 0; offset < length; offset += PAGE_SIZE) {
                if (m_pages.set(va + offset, frames.value() + offset).is_error()) {
                    // Give back the pages not recorded; the recorded ones stay backed.
                    (void)m_mapper.unmap(va + offset, length - offset);
                    m_frames.free(frames.value() + offset, (length - offset) / PAGE_SIZE);
                    return ENOMEM;
                }
            }
            va += length;
        }
    }
    return {};
}

lib::ErrorOr<void> AddressSpace::back_pages(uint64_t start, uint64_t end, const Region& region)
{
    if (region.file)
        return back_from_file(start, end, region);
    return back_range(start, end, region.protection);
}

lib::ErrorOr<void> AddressSpace::map_lent(uint64_t start, uint64_t physical, uint64_t length, const Region& region)
{
    // The frames are referenced already (share_frame); the lender may have dropped its own
    // reference meanwhile, so whether they are shared is asked now.
    bool shared = m_frames.is_shared(physical);
    auto mapped = m_mapper.map(start, physical, length, machine_protection(region.protection, region.flags, shared));
    if (mapped.is_error()) {
        m_frames.free(physical, length / PAGE_SIZE);
        return mapped;
    }
    for (uint64_t offset = 0; offset < length; offset += PAGE_SIZE) {
        if (m_pages.set(start + offset, physical + offset).is_error()) {
            (void)m_mapper.unmap(start + offset, length - offset);
            m_frames.free(physical + offset, (length - offset) / PAGE_SIZE);
            return ENOMEM;
        }
    }
    return {};
}

lib::ErrorOr<void> AddressSpace::back_from_file(uint64_t start, uint64_t end, const Region& region)
{
    // Only regions the program cannot write borrow the file's frames. Measured with python3 -c
    // pass (whose 1.2 MiB data segment is read and then mostly written), lending the pages of
    // writable regions too made ~640 faults instead of ~350 (a copy-on-write fault a page) and
    // the run 88 ms instead of 45-65 ms; lending them only to reads that come first did no
    // better (~600 faults). So the pages of a writable region are copies, read from the file a
    // block at a time, and those of a read-only one the file's own (still copied on write if
    // mprotect makes the region writable later, as after fork).
    bool lend = !(region.flags & RegionShared) && !(region.protection & PROT_WRITE);
    // Lent frames are mapped a physically contiguous run at a time (the page cache's pages
    // often are: a miss reads a window of pages into frames allocated one after another).
    uint64_t run_start = 0, run_physical = 0, run_length = 0;
    auto flush = [&]() -> lib::ErrorOr<void> {
        if (!run_length)
            return {};
        uint64_t length = run_length;
        run_length = 0;
        return map_lent(run_start, run_physical, length, region);
    };
    for (uint64_t va = start; va < end;) {
        if (m_pages.lookup(va) != PageTable::NO_FRAME) {
            TRY(flush());
            va += PAGE_SIZE;
            continue;
        }
        uint64_t frame = MappedFile::NO_FRAME;
        if (lend) {
            auto lent = region.file->share_frame(region.offset_of(va));
            if (lent.is_error()) {
                TRY(flush());
                return lib::Error(lent.error());
            }
            frame = lent.value();
        }
        if (frame != MappedFile::NO_FRAME) {
            bool same_kind = run_length && m_frames.is_shared(frame) == m_frames.is_shared(run_physical);
            if (!(run_length && same_kind && va == run_start + run_length && frame == run_physical + run_length)) {
                auto flushed = flush();
                if (flushed.is_error()) {
                    m_frames.free(frame, 1);
                    return flushed;
                }
                run_start = va;
                run_physical = frame;
            }
            run_length += PAGE_SIZE;
            va += PAGE_SIZE;
            continue;
        }
        // A copy: the hole of unbacked pages from here gets fresh frames filled from the file.
        TRY(flush());
        uint64_t hole_end = va + PAGE_SIZE;
        while (hole_end < end && m_pages.lookup(hole_end) == PageTable::NO_FRAME)
            hole_end += PAGE_SIZE;
        auto filled = back_range(va, hole_end, region.protection, true);
        for (Run piece = next_run(va, hole_end, true); !filled.is_error() && piece.start < hole_end; piece = next_run(piece.end, hole_end, true))
            filled = region.file->read_frames(piece.physical, region.offset_of(piece.start), piece.end - piece.start);
        if (filled.is_error()) {
            // No page of the file may stay backed with anything but its contents.
            for (Run run = next_run(va, hole_end, false); run.start < hole_end; run = next_run(run.end, hole_end, false)) {
                release_range(run.start, run.end);
                (void)m_mapper.unmap(run.start, run.end - run.start);
            }
            return filled;
        }
        va = hole_end;
    }
    return flush();
}

void AddressSpace::release_range(uint64_t start, uint64_t end)
{
    for (Run run = next_run(start, end, true); run.start < end; run = next_run(run.end, end, true)) {
        // Freed frames are cleared when next handed out for program memory (take_dirty).
        m_frames.free(run.physical, (run.end - run.start) / PAGE_SIZE);
        for (uint64_t va = run.start; va < run.end; va += PAGE_SIZE)
            m_pages.clear(va);
    }
}

lib::ErrorOr<void> AddressSpace::protect_backed(uint64_t start, uint64_t end, int protection, uint32_t flags)
{
    for (Run run = next_run(start, end, false); run.start < end; run = next_run(run.end, end, false))
        TRY(m_mapper.protect(run.start, run.end - run.start, machine_protection(protection, flags, run.shared)));
    return {};
}

lib::ErrorOr<void> AddressSpace::populate(uint64_t start, uint64_t length)
{
    uint64_t end = start + round_up(length);
    if (!page_aligned(start) || end < start || !is_covered(start, end))
        return ENOMEM;
    // Clearly more than is left: fail before taking what there is.
    if ((end - start) / PAGE_SIZE > m_frames.free_frames() + m_pages.present_pages())
        return ENOMEM;
    for (uint64_t va = start; va < end;) {
        const Region* region = find(va);
        uint64_t stop = region->end < end ? region->end : end;
        TRY(back_pages(va, stop, *region));
        va = stop;
    }
    return {};
}

lib::ErrorOr<void> AddressSpace::discard(uint64_t start, uint64_t length)
{
    uint64_t end = start + round_up(length);
    if (!page_aligned(start) || end < start)
        return EINVAL;
    bool covered = is_covered(start, end);
    for (size_t index = lower_bound(start); index < m_count && m_regions[index].start < end; ++index) {
        const Region& region = m_regions[index];
        // Shared memory keeps its contents, and so do frames lent without a file to read them
        // from again (the vDSO's); a file region's pages come from the file on the next touch.
        if ((region.flags & RegionShared) || ((region.flags & RegionFile) && !region.file))
            continue;
        uint64_t from = region.start > start ? region.start : start;
        uint64_t to = region.end < end ? region.end : end;
        for (Run run = next_run(from, to, false); run.start < to; run = next_run(run.end, to, false)) {
            release_range(run.start, run.end);
            TRY(m_mapper.unmap(run.start, run.end - run.start));
        }
    }
    if (!covered)
        return ENOMEM;
    return {};
}

FaultResult AddressSpace::handle_fault(uint64_t va, Access access)
{
    uint64_t page = va & ~(PAGE_SIZE - 1);
    size_t index = lower_bound(va);
    if (index == m_count || m_regions[index].start > va) {
        // Just below a region that grows down (and not into the region below it)?
        if (index == m_count || !(m_regions[index].flags & RegionGrowsDown) || m_regions[index].start - page > GROWSDOWN_REACH)
            return FaultResult::Unmapped;
        if (index > 0 && m_regions[index - 1].end + GROWSDOWN_GUARD_GAP > page)
            return FaultResult::Unmapped;
        if (m_regions[index].file)
            m_regions[index].file_offset -= m_regions[index].start - page;
        m_regions[index].start = page;
    }
    const Region& region = m_regions[index];
    if (!permits(region.protection, access))
        return FaultResult::Denied;
    if (m_pages.lookup(va) != PageTable::NO_FRAME) {
        // A backed page the region lets the program write faults on a write only if it is
        // a copy-on-write page.
        if (access != Access::Write || (region.flags & RegionShared))
            return FaultResult::Denied;
        return unshare_on_write(page, region);
    }
    // A fault where the last block ended is a program streaming through memory: back twice
    // as much each time, up to FAULT_BLOCK_MAX; any other fault starts again at FAULT_BLOCK.
    // A file region's read-only pages cost no frames of their own (they are the page cache's),
    // so they come in bigger blocks.
    uint64_t first_block = (region.file && !(region.protection & PROT_WRITE)) ? FILE_FAULT_BLOCK : FAULT_BLOCK;
    uint64_t size = first_block;
    uint64_t block = va & ~(first_block - 1);
    if (page == m_last_fault_end) {
        size = m_fault_block < FAULT_BLOCK_MAX ? m_fault_block * 2 : FAULT_BLOCK_MAX;
        block = page;
    }
    uint64_t from = block > region.start ? block : region.start;
    uint64_t to = block + size < region.end ? block + size : region.end;
    m_fault_block = size;
    m_last_fault_end = to;
    if (back_pages(from, to, region).is_error()) {
        // FIXME: a file that cannot be read (EIO) should be SIGBUS, not the OOM kill.
        if (back_pages(page, page + PAGE_SIZE, region).is_error())
            return FaultResult::OutOfMemory;
        return FaultResult::Resolved;
    }
    // A file's lent frames are read-only on the machine: made present for reading.
    m_mapper.prefault(from, to - from, (region.protection & PROT_WRITE) && !region.file);
    return FaultResult::Resolved;
}

// How many pages a copy-on-write fault copies. Measured with a stand-alone model of the
// process platform (a memfd, a SIGSEGV handler that copies pages through a second mapping and
// maps the copies; host Linux 6.18 under a hypervisor, medians of 5 runs over 4096 pages), in
// microseconds a written page:
//
//     writes to              1 page a fault   16 pages a fault   this (1, doubling)
//     every page                   78                 40                 40
//     one page in 4                76                150                 80
//     one page in 16               69                668                 78
//
// The host's allocation of each new frame dominates (a trap is 3 to 15 us, an mmap 2.5 to 5),
// so copying pages nobody writes costs more than the traps it saves, and memory too. So: one
// page, unless the fault lands where the last copy ended (a program streaming through memory:
// memset, a growing buffer), then twice as many as last time, up to COPY_BLOCK_MAX, as
// handle_fault backs fresh memory.
FaultResult AddressSpace::unshare_on_write(uint64_t page, const Region& region)
{
    if (!m_frames.is_shared(m_pages.lookup(page))) {
        // The other holders are gone (exited, execve'd, or copied the page): no copy, and the
        // whole run of such pages around it becomes writable in one call (within the aligned
        // FAULT_BLOCK_MAX around it, so the search stays short).
        uint64_t window = page & ~(FAULT_BLOCK_MAX - 1);
        uint64_t low = max(window, region.start), high = min(window + FAULT_BLOCK_MAX, region.end);
        auto alone = [&](uint64_t va) {
            uint64_t frame = m_pages.lookup(va);
            return frame != PageTable::NO_FRAME && !m_frames.is_shared(frame);
        };
        uint64_t start = page, end = page + PAGE_SIZE;
        while (start > low && alone(start - PAGE_SIZE))
            start -= PAGE_SIZE;
        while (end < high && alone(end))
            end += PAGE_SIZE;
        if (m_mapper.protect(start, end - start, region.protection).is_error())
            return FaultResult::OutOfMemory;
        return FaultResult::Resolved;
    }
    uint64_t size = PAGE_SIZE;
    if (page == m_last_copy_end && m_copy_block)
        size = min(m_copy_block * 2, COPY_BLOCK_MAX);
    uint64_t end = min(page + size, region.end);
    m_copy_block = size;
    m_last_copy_end = end;
    if (unshare_range(page, end, region).is_error()) {
        // Short of frames for the block: the page alone (which may be done already).
        if (end == page + PAGE_SIZE || unshare_range(page, page + PAGE_SIZE, region).is_error())
            return FaultResult::OutOfMemory;
    }
    return FaultResult::Resolved;
}

lib::ErrorOr<void> AddressSpace::unshare_range(uint64_t start, uint64_t end, const Region& region)
{
    // New frames for all the shared pages in one run if there is one: adjacent pages then
    // take one map call.
    uint64_t copies = 0;
    for (Run run = next_run(start, end, false); run.start < end; run = next_run(run.end, end, false))
        if (run.shared)
            copies += (run.end - run.start) / PAGE_SIZE;
    uint64_t fresh = 0;
    if (copies)
        fresh = TRY(m_frames.allocate(copies));
    uint64_t used = 0;
    for (Run run = next_run(start, end, false); run.start < end; run = next_run(run.end, end, false)) {
        uint64_t length = run.end - run.start;
        if (!run.shared) {
            auto reprotected = (region.protection & PROT_WRITE) ? m_mapper.protect(run.start, length, region.protection) : lib::ErrorOr<void>();
            if (reprotected.is_error()) {
                if (copies > used)
                    m_frames.free(fresh + used * PAGE_SIZE, copies - used);
                return reprotected;
            }
            continue;
        }
        uint64_t target = fresh + used * PAGE_SIZE;
        // Copied a physically contiguous piece at a time.
        for (Run piece = next_run(run.start, run.end, true); piece.start < run.end; piece = next_run(piece.end, run.end, true))
            m_mapper.copy_frames(target + (piece.start - run.start), piece.physical, piece.end - piece.start);
        if (m_mapper.map(run.start, target, length, region.protection).is_error()) {
            m_frames.free(target, copies - used);
            return ENOMEM;
        }
        for (uint64_t offset = 0; offset < length; offset += PAGE_SIZE) {
            uint64_t old = m_pages.lookup(run.start + offset);
            // Cannot fail: the page's entry exists.
            (void)m_pages.set(run.start + offset, target + offset);
            m_frames.free(old, 1); // others hold it still
        }
        used += length / PAGE_SIZE;
        // The new mapping has no pages on the host yet: one call instead of a fault a page.
        m_mapper.prefault(run.start, length, region.protection & PROT_WRITE);
    }
    return {};
}

lib::ErrorOr<uint64_t> AddressSpace::backed_physical(uint64_t va, bool for_writing)
{
    const Region* region = find(va);
    if (!region)
        return EFAULT;
    uint64_t page = va & ~(PAGE_SIZE - 1);
    if (m_pages.lookup(page) == PageTable::NO_FRAME) {
        uint64_t block = va & ~(FAULT_BLOCK - 1);
        uint64_t from = block > region->start ? block : region->start;
        uint64_t to = block + FAULT_BLOCK < region->end ? block + FAULT_BLOCK : region->end;
        if (back_pages(from, to, *region).is_error())
            TRY(back_pages(page, page + PAGE_SIZE, *region));
    }
    if (for_writing && !(region->flags & RegionShared) && shares_frame(page))
        TRY(unshare_range(page, page + PAGE_SIZE, *region));
    return m_pages.lookup(page) + (va - page);
}

lib::ErrorOr<uint64_t> AddressSpace::translate(uint64_t va) const
{
    uint64_t frame = m_pages.lookup(va);
    if (frame == PageTable::NO_FRAME)
        return EFAULT;
    return frame + (va & (PAGE_SIZE - 1));
}

lib::ErrorOr<void> AddressSpace::move_pages(uint64_t from, uint64_t to, uint64_t length, int protection, uint32_t flags)
{
    uint64_t end = from + length;
    for (Run run = next_run(from, end, true); run.start < end; run = next_run(run.end, end, true)) {
        uint64_t target = to + (run.start - from);
        TRY(m_mapper.map(target, run.physical, run.end - run.start, machine_protection(protection, flags, run.shared)));
        for (uint64_t va = run.start; va < run.end; va += PAGE_SIZE) {
            TRY(m_pages.set(target + (va - run.start), run.physical + (va - run.start)));
            m_pages.clear(va);
        }
    }
    return {};
}

lib::ErrorOr<uint64_t> AddressSpace::remap(uint64_t old_start, uint64_t old_length, uint64_t new_length, bool may_move, bool fixed, uint64_t new_start, uint64_t top)
{
    if (!page_aligned(old_start) || new_length == 0 || (fixed && (!may_move || !page_aligned(new_start))))
        return EINVAL;
    old_length = round_up(old_length);
    new_length = round_up(new_length);
    if (old_start + old_length < old_start || new_start + new_length < new_start)
        return EINVAL;
    if (fixed && new_start < old_start + old_length && old_start < new_start + new_length)
        return EINVAL;
    const Region* found = find(old_start);
    if (!found || old_length == 0 || found->end < old_start + old_length)
        return EFAULT;
    Region attributes = *found;
    if (!fixed) {
        if (new_length <= old_length) {
            if (new_length < old_length)
                TRY(unmap(old_start + new_length, old_length - new_length));
            return old_start;
        }
        uint64_t grow = new_length - old_length;
        if (is_free(old_start + old_length, grow) && !(attributes.flags & RegionFile)) {
            TRY(map_anonymous(old_start + old_length, grow, attributes.protection, attributes.flags));
            return old_start;
        }
        if (!may_move)
            return ENOMEM;
        new_start = TRY(find_free_range(new_length, top));
    } else {
        if (new_start < m_lowest || new_start + new_length > m_highest)
            return EINVAL;
        TRY(unmap(new_start, new_length));
    }
    // A moved file region keeps its pages' offsets: it starts where old_start was in the file.
    Region moved = attributes;
    moved.start = new_start;
    moved.end = new_start + new_length;
    moved.file_offset = attributes.offset_of(old_start);
    size_t index = lower_bound(new_start);
    TRY(insert(index, moved));
    uint64_t kept = old_length < new_length ? old_length : new_length;
    TRY(move_pages(old_start, new_start, kept, attributes.protection, attributes.flags));
    TRY(unmap(old_start, old_length));
    merge_around(lower_bound(new_start));
    return new_start;
}

} // namespace mm
