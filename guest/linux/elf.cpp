// ELF64 validation (see linux/elf.h). Every field that later code trusts is checked here.
#include <lib/errno_codes.h>
#include <linux/elf.h>

namespace linux {

namespace {

struct Elf64Header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
static_assert(sizeof(Elf64Header) == 64);

struct Elf64ProgramHeader {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
static_assert(sizeof(Elf64ProgramHeader) == 56);

constexpr uint16_t ET_EXEC = 2, ET_DYN = 3, EM_X86_64 = 62;
constexpr uint32_t PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6;
constexpr uint32_t PF_X = 1, PF_W = 2, PF_R = 4;
constexpr uint64_t PAGE = 4096;
constexpr uint64_t ADDRESS_LIMIT = 0x7f0000000000; // kernel::USER_END
constexpr uint16_t MAX_PROGRAM_HEADERS = 128;

lib::ErrorOr<ElfImage> fail(const char** reason, const char* why)
{
    *reason = why;
    return ENOEXEC;
}

template<typename T>
T read_at(const uint8_t* bytes, uint64_t offset)
{
    T value;
    __builtin_memcpy(&value, bytes + offset, sizeof(T));
    return value;
}

} // namespace

lib::ErrorOr<ElfImage> parse_elf(const uint8_t* bytes, size_t available, uint64_t file_size, const char** reason)
{
    if (available > file_size)
        available = file_size;
    if (available < 4 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
        return fail(reason, "not an ELF file");
    if (available < sizeof(Elf64Header))
        return fail(reason, "truncated ELF header");
    auto header = read_at<Elf64Header>(bytes, 0);
    if (header.ident[4] != 2 || header.ident[5] != 1 || header.ident[6] != 1)
        return fail(reason, "not a 64-bit little-endian ELF file");
    if (header.machine != EM_X86_64)
        return fail(reason, "not an x86_64 program");
    if (header.type != ET_EXEC && header.type != ET_DYN)
        return fail(reason, "not an executable ELF file");
    if (header.phentsize != sizeof(Elf64ProgramHeader) || header.phnum == 0 || header.phnum > MAX_PROGRAM_HEADERS)
        return fail(reason, "bad ELF program header table");
    uint64_t table_end = header.phoff + uint64_t(header.phnum) * sizeof(Elf64ProgramHeader);
    if (header.phoff < sizeof(Elf64Header) || table_end < header.phoff || table_end > file_size)
        return fail(reason, "ELF program headers lie outside the file");
    if (table_end > available)
        return fail(reason, "ELF program headers too far into the file");

    ElfImage image;
    image.position_independent = header.type == ET_DYN;
    image.entry = header.entry;
    image.program_headers_offset = header.phoff;
    image.program_header_count = header.phnum;
    uint64_t phdr_segment_address = 0;
    bool have_phdr_segment = false;
    for (uint16_t i = 0; i < header.phnum; ++i) {
        auto ph = read_at<Elf64ProgramHeader>(bytes, header.phoff + i * sizeof(Elf64ProgramHeader));
        if (ph.type == PT_INTERP) {
            image.has_interpreter = true;
            image.interpreter_offset = ph.offset;
            image.interpreter_length = ph.filesz;
            continue;
        }
        if (ph.type == PT_PHDR) {
            phdr_segment_address = ph.vaddr;
            have_phdr_segment = true;
            continue;
        }
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (image.segment_count == ElfImage::MAX_SEGMENTS)
            return fail(reason, "too many ELF load segments");
        if (ph.filesz > ph.memsz || ph.offset + ph.filesz < ph.offset || ph.offset + ph.filesz > file_size)
            return fail(reason, "ELF segment lies outside the file");
        if (ph.vaddr % PAGE != ph.offset % PAGE)
            return fail(reason, "misaligned ELF segment");
        if (ph.vaddr + ph.memsz < ph.vaddr || ph.vaddr + ph.memsz > ADDRESS_LIMIT)
            return fail(reason, "ELF segment outside the user address range");
        if (image.segment_count > 0 && ph.vaddr < image.segments[image.segment_count - 1].virtual_address)
            return fail(reason, "ELF segments out of order");
        int protection = ((ph.flags & PF_R) ? 1 : 0) | ((ph.flags & PF_W) ? 2 : 0) | ((ph.flags & PF_X) ? 4 : 0);
        image.segments[image.segment_count++] = { ph.vaddr, ph.memsz, ph.offset, ph.filesz, protection };
        if (ph.offset <= header.phoff && table_end <= ph.offset + ph.filesz && !have_phdr_segment)
            image.program_headers_address = ph.vaddr + (header.phoff - ph.offset);
    }
    if (have_phdr_segment)
        image.program_headers_address = phdr_segment_address;
    if (image.segment_count == 0)
        return fail(reason, "ELF file has nothing to load");
    image.lowest_address = image.segments[0].virtual_address & ~(PAGE - 1);
    // The span ends where the furthest-reaching segment ends, which need not be the last one:
    // the loader checks the whole span against the address-space limits.
    for (size_t i = 0; i < image.segment_count; ++i) {
        uint64_t end = (image.segments[i].virtual_address + image.segments[i].memory_size + PAGE - 1) & ~(PAGE - 1);
        if (end > image.highest_address)
            image.highest_address = end;
    }
    if (image.entry < image.lowest_address || image.entry >= image.highest_address)
        return fail(reason, "ELF entry point outside the program");
    return image;
}

} // namespace linux
