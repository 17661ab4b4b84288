// Physical frames of guest RAM: a bitmap, one bit a 4 KiB frame, handing out contiguous runs
// with a first-fit search from the lowest free frame, so freed frames are reused before
// untouched ones further up (untouched guest memory costs the host nothing).
#pragma once

#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace mm {

class FrameAllocator {
public:
    static constexpr uint64_t FRAME_SIZE = 4096;
    static constexpr size_t bitmap_words(uint64_t frame_count) { return (frame_count + 63) / 64; }

    // `bitmap` must hold bitmap_words(frame_count) words; frames start at `base` (a physical
    // address) and are all free at first.
    void initialize(uint64_t* bitmap, uint64_t base, uint64_t frame_count);

    // A run of `count` contiguous free frames, or ENOMEM. Returns its physical address.
    lib::ErrorOr<uint64_t> allocate(uint64_t count);
    void free(uint64_t address, uint64_t count);
    // Marks frames that someone else already owns (the bitmap itself, say).
    void reserve(uint64_t address, uint64_t count);

    bool is_allocated(uint64_t address) const;
    uint64_t free_frames() const { return m_free; }
    uint64_t frame_count() const { return m_count; }

private:
    bool test(uint64_t index) const { return (m_bitmap[index / 64] >> (index % 64)) & 1; }
    void set_range(uint64_t first, uint64_t count, bool used);
    // The first free run of `count` frames in [from, to), or `to`.
    uint64_t find_run(uint64_t from, uint64_t to, uint64_t count) const;

    uint64_t* m_bitmap { nullptr };
    uint64_t m_base { 0 };
    uint64_t m_count { 0 };
    uint64_t m_free { 0 };
    uint64_t m_lowest_freed { 0 }; // a hint: nothing below it is free
};

} // namespace mm
