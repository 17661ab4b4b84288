// Mapping frames the kernel owns into an address space (see AddressSpace::map_frames).
#include <lib/errno_codes.h>
#include <mm/address_space.h>

namespace mm {

lib::ErrorOr<void> AddressSpace::map_frames(uint64_t start, uint64_t physical, uint64_t length, int protection)
{
    constexpr uint64_t PAGE = FrameAllocator::FRAME_SIZE;
    if (start % PAGE || physical % PAGE || length % PAGE || length == 0 || !is_free(start, length))
        return EINVAL;
    TRY(map_anonymous(start, length, protection, RegionShared | RegionFile));
    for (uint64_t offset = 0; offset < length; offset += PAGE) {
        if (m_pages.set(start + offset, physical + offset).is_error()) {
            (void)unmap(start, length);
            return ENOMEM;
        }
        m_frames.share(physical + offset);
    }
    auto mapped = m_mapper.map(start, physical, length, protection);
    if (mapped.is_error()) {
        (void)unmap(start, length);
        return lib::Error(mapped.error());
    }
    return {};
}

} // namespace mm
