// A program's virtual memory: regions of user addresses (what mmap, brk and the loader
// reserved, with their protection), kept sorted, and a PageTable saying which pages have a
// guest frame behind them. Frames come on first touch: a fault inside a region backs an
// aligned block around the address (FAULT_BLOCK), as Linux overcommits. Mapping changes go
// to a PageMapper (host mmap on the process platform, page tables under KVM).
//
// fork copies an address space by sharing its frames (FrameAllocator reference counts).
// The rule that keeps this correct: a page of a private region whose frame is shared is never
// writable on the machine; the first write to it faults, and the fault gives the page a copy
// of its own (copy-on-write). Shared regions (MAP_SHARED) keep their frames writable in every
// space that holds them.
//
// A file region (map_file) gets its pages from a MappedFile on first touch. A private read-only
// one maps the frames the file lends (the page cache's) instead of copying them: the lender holds a
// reference of its own, so such a frame counts as shared and is copied on the first write,
// like a page after fork; when the lender drops it (cache eviction), the mapping holds it alone.
#pragma once

#include <lib/error_or.h>
#include <mm/frame_allocator.h>
#include <mm/page_table.h>
#include <stddef.h>
#include <stdint.h>

namespace mm {

class PageMapper {
public:
    virtual lib::ErrorOr<void> map(uint64_t va, uint64_t pa, uint64_t length, int protection) = 0;
    virtual lib::ErrorOr<void> unmap(uint64_t va, uint64_t length) = 0;
    virtual lib::ErrorOr<void> protect(uint64_t va, uint64_t length, int protection) = 0;
    // The frames' contents are dead: they must read as zero when next handed out.
    virtual void release_frames(uint64_t pa, uint64_t length) = 0;
    // Frames about to become program memory held data: zero them.
    virtual void clear_frames(uint64_t pa, uint64_t length) { release_frames(pa, length); }
    // A hint: the program is about to touch [va, va+length), so make it present now rather
    // than a machine fault a page.
    virtual void prefault(uint64_t, uint64_t, bool /* for_writing */) {}
    // Copies `length` bytes of guest RAM from the frames at physical address `from` to those
    // at `to` (the kernel does it through its physical map): copy-on-write.
    virtual void copy_frames(uint64_t to, uint64_t from, uint64_t length) = 0;

protected:
    ~PageMapper() = default;
};

// A file mapped into address spaces, as mm sees it: opaque (the kernel's file layer implements
// it), reference counted (each region naming it holds one), and the source of its pages.
class MappedFile {
public:
    static constexpr uint64_t NO_FRAME = ~0ull;

    virtual void retain() = 0;
    virtual void release() = 0;
    // The frame holding the file's page at `offset` (page aligned) for a private mapping to map
    // read-only, with one more reference (FrameAllocator::share) that the caller owns; NO_FRAME
    // when this page is not to be shared (the file may change, or the page lies past its end):
    // then the caller copies it with read_frames.
    virtual lib::ErrorOr<uint64_t> share_frame(uint64_t offset) = 0;
    // Fills the `length` bytes of the contiguous frames at `physical` with the file from
    // `offset` on; what lies past the end of the file reads as zero.
    virtual lib::ErrorOr<void> read_frames(uint64_t physical, uint64_t offset, uint64_t length) = 0;
    // What /proc/PID/maps shows of it.
    virtual uint64_t device() const = 0;
    virtual uint64_t inode() const = 0;
    virtual const char* path() const = 0;

protected:
    ~MappedFile() = default;
};

enum RegionFlags : uint32_t {
    RegionShared = 1,    // MAP_SHARED: MADV_DONTNEED keeps the contents
    RegionGrowsDown = 2, // MAP_GROWSDOWN: a fault just below extends it
    RegionFile = 4,      // a file's pages (or the vDSO's frames); never merged with a neighbour
};

struct Region {
    uint64_t start;
    uint64_t end;
    int protection;
    uint32_t flags;
    // The file whose pages back the region (file regions only), and the offset in it of
    // `start`. The region's reference to it is taken and dropped by the AddressSpace.
    MappedFile* file { nullptr };
    uint64_t file_offset { 0 };
    uint64_t size() const { return end - start; }
    uint64_t offset_of(uint64_t va) const { return file_offset + (va - start); }
};

enum class Access { Read, Write, Execute };

enum class FaultResult {
    Resolved,    // the page is backed now: retry the access
    Unmapped,    // no region there (SEGV_MAPERR)
    Denied,      // the region's protection forbids the access (SEGV_ACCERR)
    OutOfMemory, // no guest frame left to back it
};

class AddressSpace {
public:
    // Bytes backed by one fault: 64 KiB, doubling up to 2 MiB while a program streams through
    // memory (each fault where the last block ended). Few faults, and little memory backed
    // that is never used (see guest/linux/page_fault.cpp for the measurements).
    static constexpr uint64_t FAULT_BLOCK = 64 * 1024;
    static constexpr uint64_t FAULT_BLOCK_MAX = 2 * 1024 * 1024;

    // A write fault on a page whose frame another space shares copies just that page, unless
    // it lands where the last copy ended: then twice as many pages as last time, up to
    // COPY_BLOCK_MAX (see address_space_paging.cpp for the measurements behind this).
    static constexpr uint64_t COPY_BLOCK_MAX = 16 * FrameAllocator::FRAME_SIZE;

    // `storage` holds the first `capacity` regions; more are allocated as needed.
    AddressSpace(PageMapper&, FrameAllocator&, Region* storage, size_t capacity, uint64_t lowest, uint64_t highest);
    // Releases everything as release_all() does: the machine's mappings are left alone.
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    // The highest free, page-aligned range of `length` bytes that ends at or below `top`.
    lib::ErrorOr<uint64_t> find_free_range(uint64_t length, uint64_t top) const;
    bool is_free(uint64_t start, uint64_t length) const;

    // Reserves [start, start+length), which must be free; frames come on first touch.
    lib::ErrorOr<void> map_anonymous(uint64_t start, uint64_t length, int protection, uint32_t flags = 0);
    // Reserves [start, start+length) for `file` from `offset` (page aligned): each page comes
    // from the file on first touch (private regions share the frames it lends, shared ones get
    // copies), and again after discard().
    lib::ErrorOr<void> map_file(uint64_t start, uint64_t length, int protection, uint32_t flags, MappedFile& file, uint64_t offset);
    // Maps frames someone else owns (the vDSO's) at [start, start+length), a shared region
    // holding one more reference to each: they stay the owner's when the space goes.
    lib::ErrorOr<void> map_frames(uint64_t start, uint64_t physical, uint64_t length, int protection);
    // Backs every page of the range now (MAP_POPULATE, mlock): ENOMEM when frames run out,
    // ENOMEM too if part of the range is not mapped.
    lib::ErrorOr<void> populate(uint64_t start, uint64_t length);
    // Unmapped holes inside the range are fine, as with Linux munmap.
    lib::ErrorOr<void> unmap(uint64_t start, uint64_t length);
    // ENOMEM at the first unmapped page, the pages before it changed (as Linux).
    lib::ErrorOr<void> protect(uint64_t start, uint64_t length, int protection);
    // MADV_DONTNEED: private pages in the range lose their frames; anonymous ones read as zero
    // afterwards, those of a file region as the file again. ENOMEM if part of the range is not
    // mapped.
    lib::ErrorOr<void> discard(uint64_t start, uint64_t length);
    // mremap: resizes the mapping at [old_start, old_start+old_length), which must lie in one
    // region, in place or (may_move) elsewhere; `fixed` moves it to `new_start` exactly,
    // replacing what was there; otherwise a move goes to the highest free range below `top`.
    // The pages keep their frames. Returns the new start.
    lib::ErrorOr<uint64_t> remap(uint64_t old_start, uint64_t old_length, uint64_t new_length, bool may_move, bool fixed, uint64_t new_start, uint64_t top);

    // fork, in the parent: a new space (lib::make; lib::destroy it) with this one's regions,
    // whose backed pages share this one's frames. Pages of private writable regions become
    // read-only on this (the current) machine, and a host fork of it inherits exactly that;
    // the copy calls its mapper not at all. Shared regions are backed in full first, so that
    // both spaces hold the same frames for good. On failure this space stays as it was (but
    // for shared regions backed, and pages made read-only that a write fault makes writable).
    lib::ErrorOr<AddressSpace*> fork_copy();
    // Drops every frame reference and forgets every region, without touching the machine's
    // mappings: for exit and execve, which discard the host process's mappings in bulk. Frames
    // no other space holds go back to the allocator (through PageMapper::release_frames).
    void release_all();

    // A program fault at `va`: backs the block around it if its region allows `access`, or
    // gives a written copy-on-write page a frame of its own. A kernel copy to user memory that
    // hits a read-only page comes here too.
    FaultResult handle_fault(uint64_t va, Access);
    // The frame behind `va` for the kernel to read or write through the physical map, backing
    // the page first if needed (whatever the region's protection); EFAULT outside regions,
    // ENOMEM when frames run out. `for_writing` first gives a page of a private region whose
    // frame is shared a copy of its own, so that the write stays in this space.
    lib::ErrorOr<uint64_t> backed_physical(uint64_t va, bool for_writing);
    // The physical address behind `va` if its page is backed, or EFAULT. For reading: the
    // frame may be shared with other spaces (see shares_frame).
    lib::ErrorOr<uint64_t> translate(uint64_t va) const;
    bool is_backed(uint64_t va) const { return m_pages.lookup(va) != PageTable::NO_FRAME; }
    // True if the page at `va` is backed by a frame that some other space holds too.
    bool shares_frame(uint64_t va) const;
    // The first backed page at or above `va` and below `end`, or `end`.
    uint64_t next_backed(uint64_t va, uint64_t end) const { return m_pages.next_present(va, end); }
    uint64_t backed_pages() const { return m_pages.present_pages(); }

    const Region* find(uint64_t va) const;
    size_t region_count() const { return m_count; }
    const Region& region(size_t index) const { return m_regions[index]; }

private:
    // Index of the first region whose end is above `va`.
    size_t lower_bound(uint64_t va) const;
    // Makes `va` a region boundary, splitting the region that spans it.
    lib::ErrorOr<void> split_at(uint64_t va);
    lib::ErrorOr<void> insert(size_t index, const Region&);
    void erase(size_t index);
    // Joins the region at `index` with equal neighbours that touch it.
    void merge_around(size_t index);
    // True if every page of [start, end) lies in some region.
    bool is_covered(uint64_t start, uint64_t end) const;

    // Gives the unbacked pages of [start, end) fresh frames, mapped with `protection` and
    // cleared unless `caller_fills` (the caller then writes every byte of them, or releases
    // them on failure).
    lib::ErrorOr<void> back_range(uint64_t start, uint64_t end, int protection, bool caller_fills = false);
    // Gives the unbacked pages of [start, end), inside `region`, what they hold: zeros, or the
    // file's pages for a file region.
    lib::ErrorOr<void> back_pages(uint64_t start, uint64_t end, const Region& region);
    // back_pages for a file region: the frames the file lends where the region is private and
    // read-only (and the file lends them), copies filled from the file elsewhere.
    lib::ErrorOr<void> back_from_file(uint64_t start, uint64_t end, const Region& region);
    // Maps lent frames: the run [start, start+length) at `physical`, one reference each taken.
    lib::ErrorOr<void> map_lent(uint64_t start, uint64_t physical, uint64_t length, const Region& region);
    // Returns the frames behind [start, end) to the allocator and forgets them; the
    // machine's mappings are left to the caller.
    void release_range(uint64_t start, uint64_t end);
    // Applies `protection` to the backed pages of [start, end), which lie in one region with
    // `flags` (copy-on-write pages stay read-only).
    lib::ErrorOr<void> protect_backed(uint64_t start, uint64_t end, int protection, uint32_t flags);
    // Moves the frames behind [from, from+length) to [to, to+length), mapped with `protection`
    // (copy-on-write pages read-only) for a region with `flags`.
    lib::ErrorOr<void> move_pages(uint64_t from, uint64_t to, uint64_t length, int protection, uint32_t flags);
    // fork_copy's work: `child` is empty and on the same FrameAllocator.
    lib::ErrorOr<void> fork_into(AddressSpace& child);
    // The protection a page of a region with `protection` and `flags` gets on the machine:
    // without write if the page is private and its frame shared (copy-on-write).
    static int machine_protection(int protection, uint32_t flags, bool frame_shared);
    // Gives the backed pages of [start, end), in the private `region`, frames of their own:
    // a frame shared with another space is copied into a new one, a frame this space alone
    // holds is just made writable (if the region is). ENOMEM when frames run out.
    lib::ErrorOr<void> unshare_range(uint64_t start, uint64_t end, const Region& region);
    // The write fault on copy-on-write page `page` (see handle_fault).
    FaultResult unshare_on_write(uint64_t page, const Region& region);
    // The run of backed pages starting at the first backed page in [va, end), physically
    // contiguous if `contiguous`, whose frames are all shared with other spaces or all held
    // by this one alone (`shared`); empty (start == end) when none.
    struct Run {
        uint64_t start, end, physical;
        bool shared;
    };
    Run next_run(uint64_t va, uint64_t end, bool contiguous) const;

    PageMapper& m_mapper;
    FrameAllocator& m_frames;
    PageTable m_pages;
    Region* m_regions;
    size_t m_capacity;
    size_t m_count { 0 };
    bool m_owns_storage { false };
    uint64_t m_last_fault_end { 0 }; // where the last fault's block ended
    uint64_t m_fault_block { FAULT_BLOCK };
    uint64_t m_last_copy_end { 0 }; // where the last copy-on-write fault's copies ended
    uint64_t m_copy_block { 0 };
    uint64_t m_lowest;
    uint64_t m_highest;
};

} // namespace mm
