// Fuzz target: ELF validation (guest/linux/elf.cpp, built for the host), the guest kernel's first
// look at a program from ROOTFS. Anything parse_elf accepts must satisfy what the loader trusts.
#include "fuzz_require.h"
#include <fuzzer/FuzzedDataProvider.h>
#include <linux/elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vector>

static constexpr uint64_t PAGE = 4096;
static constexpr uint64_t ADDRESS_LIMIT = 0x7f0000000000; // where the guest kernel starts

static void require(bool condition, const char* what) { fuzz_require(condition, "fuzz_elf: accepted an ELF file but", what); }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // The loader reads the first bytes of the file into a buffer and knows the file's size: the
    // input's last 8 bytes (when present) make the claimed size differ from the bytes read.
    FuzzedDataProvider input(data, size);
    uint64_t claimed_extra = size >= 8 ? input.ConsumeIntegralInRange<uint64_t>(0, 1 << 20) : 0;
    // An exact-size heap copy, so reading one byte too many is an ASan report.
    std::vector<uint8_t> file = input.ConsumeRemainingBytes<uint8_t>();
    uint64_t file_size = file.size() + claimed_extra;
    for (size_t available : { file.size(), file.size() / 2 }) {
        const char* reason = nullptr;
        auto result = linux::parse_elf(file.data(), available, file_size, &reason);
        if (result.is_error()) {
            require(reason != nullptr && *reason != 0, "gave no reason for refusing");
            continue;
        }
        auto const& image = result.value();
        require(image.segment_count > 0 && image.segment_count <= linux::ElfImage::MAX_SEGMENTS, "segment count out of range");
        require(image.lowest_address % PAGE == 0 && image.highest_address % PAGE == 0, "span not page-aligned");
        require(image.lowest_address < image.highest_address, "span empty");
        require(image.highest_address <= ADDRESS_LIMIT, "span reaches the kernel");
        require(image.entry >= image.lowest_address && image.entry < image.highest_address, "entry outside the span");
        for (size_t i = 0; i < image.segment_count; ++i) {
            auto const& segment = image.segments[i];
            require(segment.file_size <= segment.memory_size, "segment file size > memory size");
            require(segment.file_offset + segment.file_size >= segment.file_offset
                    && segment.file_offset + segment.file_size <= file_size, "segment outside the file");
            require(segment.virtual_address % PAGE == segment.file_offset % PAGE, "segment misaligned");
            require(segment.virtual_address >= image.lowest_address, "segment below the span");
            require(segment.virtual_address + segment.memory_size <= image.highest_address, "segment beyond the span");
        }
    }
    return 0;
}
