// ELF validation, built for the host: a well-formed synthetic executable, then one field at
// a time broken the way a truncated or hostile file would be.
#include <cstring>
#include <elf.h>
#include <gtest/gtest.h>
#include <linux/elf.h>
#include <string>
#include <vector>

namespace {

struct Image {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(0x3000);
    Elf64_Ehdr& header() { return *reinterpret_cast<Elf64_Ehdr*>(bytes.data()); }
    Elf64_Phdr& program_header(int i) { return *reinterpret_cast<Elf64_Phdr*>(bytes.data() + 64 + i * 56); }

    // A static executable: headers + text in the first page, data (with bss) in the second.
    Image(uint16_t type = ET_EXEC, uint64_t base = 0x400000)
    {
        Elf64_Ehdr& h = header();
        std::memcpy(h.e_ident, ELFMAG, SELFMAG);
        h.e_ident[EI_CLASS] = ELFCLASS64;
        h.e_ident[EI_DATA] = ELFDATA2LSB;
        h.e_ident[EI_VERSION] = EV_CURRENT;
        h.e_type = type;
        h.e_machine = EM_X86_64;
        h.e_version = EV_CURRENT;
        h.e_entry = base + 0x200;
        h.e_phoff = 64;
        h.e_ehsize = 64;
        h.e_phentsize = 56;
        h.e_phnum = 2;
        program_header(0) = { PT_LOAD, PF_R | PF_X, 0, base, base, 0x1000, 0x1000, 0x1000 };
        program_header(1) = { PT_LOAD, PF_R | PF_W, 0x1000, base + 0x1000, base + 0x1000, 0x800, 0x5000, 0x1000 };
    }

    lib::ErrorOr<linux::ElfImage> parse(size_t available = SIZE_MAX, std::string* why = nullptr)
    {
        const char* reason = "";
        auto result = linux::parse_elf(bytes.data(), std::min(available, bytes.size()), bytes.size(), &reason);
        if (why)
            *why = reason;
        return result;
    }
};

std::string rejection(Image& image, size_t available = SIZE_MAX)
{
    std::string why;
    auto result = image.parse(available, &why);
    if (!result.is_error())
        return "accepted";
    EXPECT_EQ(result.error(), ENOEXEC);
    return why;
}

// Found by fuzz_elf: an earlier segment that reaches further than the last one.
TEST(Elf, SpanEndsAtTheFurthestSegmentEnd)
{
    Image image;
    image.program_header(0).p_memsz = 0x100000;
    auto result = image.parse();
    ASSERT_FALSE(result.is_error());
    EXPECT_EQ(result.value().highest_address, 0x400000u + 0x100000);
}

TEST(Elf, AcceptsAStaticExecutable)
{
    Image image;
    auto result = image.parse();
    ASSERT_FALSE(result.is_error());
    const linux::ElfImage& elf = result.value();
    EXPECT_FALSE(elf.position_independent);
    EXPECT_FALSE(elf.has_interpreter);
    EXPECT_EQ(elf.entry, 0x400200u);
    EXPECT_EQ(elf.segment_count, 2u);
    EXPECT_EQ(elf.segments[0].protection, 5); // r-x
    EXPECT_EQ(elf.segments[1].protection, 3); // rw-
    EXPECT_EQ(elf.segments[1].memory_size, 0x5000u);
    EXPECT_EQ(elf.program_headers_address, 0x400040u);
    EXPECT_EQ(elf.lowest_address, 0x400000u);
    EXPECT_EQ(elf.highest_address, 0x406000u);
}

TEST(Elf, AcceptsStaticPieAndNotesAnInterpreter)
{
    Image pie(ET_DYN, 0);
    auto result = pie.parse();
    ASSERT_FALSE(result.is_error());
    EXPECT_TRUE(result.value().position_independent);

    Image dynamic;
    dynamic.header().e_phnum = 3;
    dynamic.program_header(2) = { PT_INTERP, PF_R, 0x100, 0x400100, 0x400100, 28, 28, 1 };
    ASSERT_FALSE(dynamic.parse().is_error());
    EXPECT_TRUE(dynamic.parse().value().has_interpreter);
}

TEST(Elf, RejectsWhatIsNotAnX86_64Executable)
{
    Image text;
    std::memcpy(text.bytes.data(), "#!/bin/sh\n", 10);
    EXPECT_EQ(rejection(text), "not an ELF file");
    Image tiny;
    EXPECT_EQ(rejection(tiny, 3), "not an ELF file");
    EXPECT_EQ(rejection(tiny, 40), "truncated ELF header");
    Image elf32;
    elf32.header().e_ident[EI_CLASS] = ELFCLASS32;
    EXPECT_EQ(rejection(elf32), "not a 64-bit little-endian ELF file");
    Image arm;
    arm.header().e_machine = EM_AARCH64;
    EXPECT_EQ(rejection(arm), "not an x86_64 program");
    Image object;
    object.header().e_type = ET_REL;
    EXPECT_EQ(rejection(object), "not an executable ELF file");
}

TEST(Elf, RejectsBrokenProgramHeaders)
{
    Image past_end;
    past_end.header().e_phoff = 0x10000;
    EXPECT_EQ(rejection(past_end), "ELF program headers lie outside the file");
    Image overflow;
    overflow.header().e_phoff = UINT64_MAX - 10;
    EXPECT_EQ(rejection(overflow), "ELF program headers lie outside the file");
    Image none;
    none.header().e_phnum = 0;
    EXPECT_EQ(rejection(none), "bad ELF program header table");
    Image size;
    size.header().e_phentsize = 32;
    EXPECT_EQ(rejection(size), "bad ELF program header table");
    Image truncated;
    EXPECT_EQ(rejection(truncated, 100), "ELF program headers too far into the file");
}

TEST(Elf, RejectsBrokenSegments)
{
    Image bigger_file_than_memory;
    bigger_file_than_memory.program_header(1).p_filesz = 0x6000;
    EXPECT_EQ(rejection(bigger_file_than_memory), "ELF segment lies outside the file");
    Image outside_file;
    outside_file.program_header(1).p_offset = 0x2900;
    outside_file.program_header(1).p_vaddr = 0x401900;
    EXPECT_EQ(rejection(outside_file), "ELF segment lies outside the file");
    Image misaligned;
    misaligned.program_header(1).p_vaddr += 8;
    EXPECT_EQ(rejection(misaligned), "misaligned ELF segment");
    Image kernel_half;
    kernel_half.program_header(1).p_vaddr = 0x7f0000001000;
    EXPECT_EQ(rejection(kernel_half), "ELF segment outside the user address range");
    Image wraps;
    wraps.program_header(1).p_vaddr = 0xfffffffffffff000;
    EXPECT_EQ(rejection(wraps), "ELF segment outside the user address range");
    Image backwards;
    backwards.program_header(1).p_vaddr = 0x300000 + 0x1000;
    EXPECT_EQ(rejection(backwards), "ELF segments out of order");
    Image nothing;
    nothing.program_header(0).p_type = PT_NOTE;
    nothing.program_header(1).p_type = PT_NOTE;
    EXPECT_EQ(rejection(nothing), "ELF file has nothing to load");
    Image wild_entry;
    wild_entry.header().e_entry = 0x10;
    EXPECT_EQ(rejection(wild_entry), "ELF entry point outside the program");
}

} // namespace
