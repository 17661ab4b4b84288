// Physical frames of guest RAM: a bitmap, one bit a 4 KiB frame, handing out contiguous runs
// with a first-fit search from the lowest free frame, so freed frames are reused before
// untouched ones further up (untouched guest memory costs the host nothing). Each allocated
// frame has a reference count, so that address spaces copied by fork can share it: free()
// drops a reference and the frame is free again when the last one goes. A frame freed after
// use is "dirty" until the next user that needs zeros takes it (take_dirty) and clears it:
// clearing at free time (a hole punched in guest RAM) made the host unmap the frame from every
// host process and flush their TLBs, ~12% of the CPU time of a fork+exec loop.
#pragma once

#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace mm {

class FrameAllocator {
public:
    static constexpr uint64_t FRAME_SIZE = 4096;
    // The bookkeeping for `frame_count` frames: the bitmap, a 32-bit reference count a frame,
    // and the dirty bitmap (0.1% of the memory it describes).
    static constexpr uint64_t storage_bytes(uint64_t frame_count) { return 2 * bitmap_words(frame_count) * sizeof(uint64_t) + (frame_count + 1) / 2 * 2 * sizeof(uint32_t); }

    // `storage` must hold storage_bytes(frame_count) bytes, 8-byte aligned; frames start at
    // `base` (a physical address) and are all free at first.
    void initialize(void* storage, uint64_t base, uint64_t frame_count);

    // A run of `count` contiguous free frames, each with one reference, or ENOMEM. Returns its
    // physical address.
    lib::ErrorOr<uint64_t> allocate(uint64_t count);
    // Drops one reference to each frame of the run; a frame whose last reference goes is free.
    // Frames already free are left alone.
    void free(uint64_t address, uint64_t count);
    // Adds a reference to an allocated frame (one more address space uses it).
    void share(uint64_t address);
    // Whether any frame of the run held data since it was last cleared; forgets it (the
    // caller clears the run now).
    bool take_dirty(uint64_t address, uint64_t count);
    // Marks frames that someone else already owns (the bitmap itself, say): one reference each.
    void reserve(uint64_t address, uint64_t count);

    bool is_allocated(uint64_t address) const;
    // How many holders the frame has: 0 when free, more than 1 when shared.
    uint32_t references(uint64_t address) const;
    bool is_shared(uint64_t address) const { return references(address) > 1; }
    uint64_t free_frames() const { return m_free; }
    uint64_t frame_count() const { return m_count; }

private:
    static constexpr size_t bitmap_words(uint64_t frame_count) { return (frame_count + 63) / 64; }
    bool test(uint64_t index) const { return (m_bitmap[index / 64] >> (index % 64)) & 1; }
    void set_range(uint64_t first, uint64_t count, bool used);
    // The first free run of `count` frames in [from, to), or `to`.
    uint64_t find_run(uint64_t from, uint64_t to, uint64_t count) const;
    // The frame's index, or m_count if `address` is not one of ours.
    uint64_t index_of(uint64_t address) const;

    uint64_t* m_bitmap { nullptr };
    // Meaningful only for allocated frames (set when allocated), so the array's untouched
    // pages cost the host nothing either.
    uint32_t* m_references { nullptr };
    uint64_t* m_dirty { nullptr }; // freed after use, contents not cleared yet
    uint64_t m_base { 0 };
    uint64_t m_count { 0 };
    uint64_t m_free { 0 };
    uint64_t m_lowest_freed { 0 }; // a hint: nothing below it is free
};

} // namespace mm
