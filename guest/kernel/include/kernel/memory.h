// Guest RAM at boot: the frame allocator over all free RAM, the kernel heap on top of it, and
// the page mapper that turns address-space changes into platform mappings.
#pragma once

#include <mm/address_space.h>
#include <mm/frame_allocator.h>

namespace kernel {

void initialize_memory();
mm::FrameAllocator& frame_allocator();
mm::PageMapper& page_mapper();

} // namespace kernel
