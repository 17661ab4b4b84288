// Program lookup and ELF loading (see linux/program_loader.h).
#include <abi/boot_info.h>
#include <hv/hypercall.h>
#include <kernel/format.h>
#include <kernel/layout.h>
#include <lib/errno_codes.h>
#include <linux/elf.h>
#include <linux/file_mapping.h>
#include <linux/file_syscalls.h>
#include <linux/program_loader.h>
#include <platform/platform.h>

extern "C" size_t strlen(const char*);
extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);

namespace linux {

namespace {

using kernel::page_round_down;
using kernel::page_round_up;

constexpr uint32_t S_IFMT = 0170000, S_IFREG = 0100000, S_IFDIR = 0040000;
constexpr size_t HEADER_BYTES = 4096;
constexpr uint64_t PIE_RANDOM_PAGES = 1 << 16; // up to 256 MiB of randomisation

} // namespace

lib::ErrorOr<ProgramFile> open_program(const char* path)
{
    vfs::WalkResult walk;
    TRY(resolve_kernel_path(path, vfs::WalkOptions {}, walk));
    if (!walk.node) // a directory walk that ended on a mount point only
        return EISDIR;
    ProgramFile file {};
    file.vnode = walk.node;
    auto status = TRY(file.vnode->attributes());
    if ((status.mode & S_IFMT) != S_IFREG || !(status.mode & 0111))
        return (status.mode & S_IFMT) == S_IFDIR ? EISDIR : EACCES;
    size_t length = strlen(walk.canonical);
    memcpy(file.path, walk.canonical, length + 1);
    file.size = static_cast<uint64_t>(status.size);
    return file;
}

namespace {

// Maps the pages of [start, end) that are not mapped yet (segments may share a page).
lib::ErrorOr<void> map_missing(mm::AddressSpace& space, uint64_t start, uint64_t end)
{
    for (uint64_t page = start; page < end;) {
        if (space.find(page)) {
            page += kernel::PAGE_SIZE;
            continue;
        }
        uint64_t run_end = page;
        while (run_end < end && !space.find(run_end))
            run_end += kernel::PAGE_SIZE;
        TRY(space.map_anonymous(page, run_end - page, platform::ProtRead | platform::ProtWrite));
        page = run_end;
    }
    return {};
}

} // namespace

lib::ErrorOr<ProgramFile> find_program(const char* program, const char* search_path, const char* cwd, LoadFailure& failure)
{
    bool has_slash = false;
    for (const char* p = program; *p; ++p)
        has_slash |= *p == '/';
    if (has_slash) {
        char path[PATH_LENGTH_MAX];
        auto absolute = absolute_path(path, sizeof(path), cwd, program);
        auto file = absolute.is_error() ? lib::ErrorOr<ProgramFile>(lib::Error(absolute.error())) : open_program(path);
        if (file.is_error()) {
            failure.not_found = file.error() == ENOENT || file.error() == ENOTDIR;
            kernel::format(failure.message, sizeof(failure.message), "%s: %s", program, lib::errno_message(file.error()));
        }
        return file;
    }
    int last_error = ENOENT.code;
    if (program[0]) {
        SearchPath directories(search_path);
        char directory[PATH_LENGTH_MAX];
        while (directories.next(directory, sizeof(directory))) {
            char joined[PATH_LENGTH_MAX], path[PATH_LENGTH_MAX];
            if (kernel::format(joined, sizeof(joined), "%s/%s", directory, program) >= sizeof(joined))
                continue;
            if (absolute_path(path, sizeof(path), cwd, joined).is_error())
                continue;
            auto file = open_program(path);
            if (!file.is_error())
                return file;
            if (file.error() != ENOENT && file.error() != ENOTDIR && file.error() != EISDIR)
                last_error = file.error(); // found, but not runnable: remember, as a shell does
        }
    }
    failure.not_found = last_error == ENOENT;
    if (failure.not_found)
        kernel::format(failure.message, sizeof(failure.message), "%s: executable file not found in $PATH", program);
    else
        kernel::format(failure.message, sizeof(failure.message), "%s: %s", program, lib::errno_message(last_error));
    return lib::Error(last_error);
}

namespace {

// The bytes [va, va+length) of one page read as zero from now on: a private copy of the page.
lib::ErrorOr<void> zero_in_page(mm::AddressSpace& space, uint64_t va, uint64_t length)
{
    uint64_t physical = TRY(space.backed_physical(va, true));
    // SAFETY: [va, va+length) lies in one page, whose frame is this space's own now.
    memset(hv::physical(physical), 0, length);
    return {};
}

// Maps `image`'s segments from `file` at `bias`, with their final permissions, as Linux's
// loader mmaps each PT_LOAD: the file part of a segment is a region of the file, whose pages come
// on first touch (shared from the page cache where the file allows it); the rest of its last
// page reads as zero (a private copy), and the pages past it are anonymous (bss).
lib::ErrorOr<void> map_segments(const ProgramFile& file, const ElfImage& image, uint64_t bias, mm::AddressSpace& space)
{
    FileMappingHold mapping(TRY(FileMapping::create(file.vnode, file.path)));
    for (size_t i = 0; i < image.segment_count; ++i) {
        const ElfSegment& segment = image.segments[i];
        uint64_t start = segment.virtual_address + bias;
        uint64_t first = page_round_down(start);
        uint64_t file_end = start + segment.file_size;
        if (segment.file_size) {
            uint64_t from = first;
            if (space.find(first)) {
                // The previous segment's last page is this one's first: its bytes are copied in.
                uint64_t in_page = (file_end < first + kernel::PAGE_SIZE ? file_end : first + kernel::PAGE_SIZE) - start;
                size_t got = TRY(read_into_pages(space, *file.vnode, start, in_page, segment.file_offset));
                if (got != in_page)
                    return EIO; // parse_elf checked the segment lies within the file: it shrank
                from = first + kernel::PAGE_SIZE;
            }
            uint64_t to = page_round_up(file_end);
            if (to > from)
                TRY(space.map_file(from, to - from, segment.protection, 0, *mapping, page_round_down(segment.file_offset) + (from - first)));
            if (segment.memory_size > segment.file_size && (file_end & (kernel::PAGE_SIZE - 1)))
                TRY(zero_in_page(space, file_end, page_round_up(file_end) - file_end));
        }
        TRY(map_missing(space, first, page_round_up(start + segment.memory_size)));
    }
    // Final permissions; a page two segments share gets both.
    for (size_t i = 0; i < image.segment_count; ++i) {
        const ElfSegment& segment = image.segments[i];
        uint64_t start = page_round_down(segment.virtual_address + bias);
        uint64_t end = page_round_up(segment.virtual_address + bias + segment.memory_size);
        TRY(space.protect(start, end - start, segment.protection));
        if (i > 0) {
            const ElfSegment& previous = image.segments[i - 1];
            uint64_t previous_end = page_round_up(previous.virtual_address + bias + previous.memory_size);
            if (previous_end > start)
                TRY(space.protect(start, kernel::PAGE_SIZE, segment.protection | previous.protection));
        }
    }
    return {};
}

lib::ErrorOr<ElfImage> read_image(const ProgramFile& file, LoadFailure& failure)
{
    static uint8_t header[HEADER_BYTES];
    size_t got = TRY(file.vnode->read(0, header, sizeof(header)));
    const char* reason = "";
    auto parsed = parse_elf(header, got, file.size, &reason);
    if (parsed.is_error()) {
        kernel::format(failure.message, sizeof(failure.message), "%s: cannot execute: %s", file.path, reason);
        return lib::Error(parsed.error());
    }
    return parsed.value();
}

// PT_INTERP: the dynamic linker a program names, loaded where mmap would put a library.
lib::ErrorOr<uint64_t> load_interpreter(const ProgramFile& program, const ElfImage& image, mm::AddressSpace& space, uint64_t& entry, LoadFailure& failure)
{
    char path[PATH_LENGTH_MAX];
    if (image.interpreter_length < 2 || image.interpreter_length > sizeof(path)) {
        kernel::format(failure.message, sizeof(failure.message), "%s: cannot execute: bad interpreter path", program.path);
        return ENOEXEC;
    }
    size_t got = TRY(program.vnode->read(image.interpreter_offset, path, image.interpreter_length));
    if (got != image.interpreter_length || path[got - 1] != 0) {
        kernel::format(failure.message, sizeof(failure.message), "%s: cannot execute: bad interpreter path", program.path);
        return ENOEXEC;
    }
    auto interpreter = open_program(path);
    if (interpreter.is_error()) {
        failure.not_found = interpreter.error() == ENOENT;
        kernel::format(failure.message, sizeof(failure.message), "%s: cannot execute: its interpreter %s: %s", program.path, path, lib::errno_message(interpreter.error()));
        return lib::Error(interpreter.error());
    }
    ElfImage linker = TRY(read_image(interpreter.value(), failure));
    if (!linker.position_independent || linker.has_interpreter) {
        kernel::format(failure.message, sizeof(failure.message), "%s: cannot execute: its interpreter %s is not a dynamic linker", program.path, path);
        return ENOEXEC;
    }
    uint64_t span = linker.highest_address - linker.lowest_address;
    uint64_t base = TRY(space.find_free_range(span, kernel::MMAP_TOP - kernel::USER_STACK_SIZE));
    uint64_t bias = base - linker.lowest_address;
    TRY(map_segments(interpreter.value(), linker, bias, space));
    entry = linker.entry + bias;
    return base;
}

} // namespace

lib::ErrorOr<LoadedProgram> load_program(const ProgramFile& file, mm::AddressSpace& space, uint64_t random, LoadFailure& failure)
{
    failure.not_found = false;
    ElfImage image = TRY(read_image(file, failure));
    uint64_t bias = 0;
    if (image.position_independent)
        bias = kernel::PIE_BASE + (random % PIE_RANDOM_PAGES) * kernel::PAGE_SIZE - image.lowest_address;
    if (image.highest_address + bias > kernel::MMAP_TOP - kernel::USER_STACK_SIZE || image.lowest_address + bias < kernel::MMAP_BOTTOM) {
        kernel::format(failure.message, sizeof(failure.message), "%s: cannot execute: it wants addresses unikit reserves", file.path);
        return ENOEXEC;
    }
    TRY(map_segments(file, image, bias, space));
    LoadedProgram loaded {};
    loaded.entry = image.entry + bias;
    loaded.program_entry = loaded.entry;
    loaded.load_bias = bias;
    loaded.program_headers = image.program_headers_address ? image.program_headers_address + bias : 0;
    loaded.program_header_count = image.program_header_count;
    loaded.program_break = image.highest_address + bias;
    if (image.has_interpreter)
        loaded.interpreter_base = TRY(load_interpreter(file, image, space, loaded.entry, failure));
    return loaded;
}

} // namespace linux
