// File regions of address spaces (AddressSpace::map_file), built for the host: a model file
// lends frames from a model page cache that holds a reference to each, as the kernel's page
// cache does; a model host keeps guest RAM (one word of content a frame) and one table of
// mappings per host process. Checked: lent frames are shared and read-only on the machine, a
// write copies them, eviction while mapped keeps the frame, MADV_DONTNEED brings the file back,
// regions split and moved keep their file offsets, and every reference is given back.
#include <algorithm>
#include <gtest/gtest.h>
#include <lib/allocator.h>
#include <map>
#include <memory>
#include <mm/address_space.h>
#include <string>
#include <vector>

namespace {

constexpr uint64_t PAGE = 4096;
constexpr uint64_t LOW = 0x10000, HIGH = 0x100000000;
constexpr uint64_t FRAMES = 1024;
constexpr int R = 1, W = 2, RW = 3;
constexpr uint64_t MAP = 0x400000;

struct ModelHost final : mm::PageMapper {
    struct Mapping {
        uint64_t frame;
        int protection;
    };
    using Machine = std::map<uint64_t, Mapping>;
    std::map<uint64_t, uint64_t> ram; // frame contents; absent reads as zero
    std::vector<Machine> machines { 1 };
    size_t running = 0;
    uint64_t copied_pages = 0;

    Machine& machine() { return machines[running]; }
    lib::ErrorOr<void> map(uint64_t va, uint64_t pa, uint64_t length, int protection) override
    {
        for (uint64_t o = 0; o < length; o += PAGE)
            machine()[va + o] = { pa + o, protection };
        return {};
    }
    lib::ErrorOr<void> unmap(uint64_t va, uint64_t length) override
    {
        for (uint64_t o = 0; o < length; o += PAGE)
            machine().erase(va + o);
        return {};
    }
    lib::ErrorOr<void> protect(uint64_t va, uint64_t length, int protection) override
    {
        for (uint64_t o = 0; o < length; o += PAGE) {
            if (!machine().count(va + o))
                return lib::Error(12);
            machine()[va + o].protection = protection;
        }
        return {};
    }
    void release_frames(uint64_t pa, uint64_t length) override
    {
        for (uint64_t o = 0; o < length; o += PAGE)
            ram.erase(pa + o);
    }
    void copy_frames(uint64_t to, uint64_t from, uint64_t length) override
    {
        for (uint64_t o = 0; o < length; o += PAGE) {
            auto word = ram.find(from + o);
            if (word == ram.end())
                ram.erase(to + o);
            else
                ram[to + o] = word->second;
        }
        copied_pages += length / PAGE;
    }
};

// A file of `pages` pages whose page i holds 1000 + i. If `lends`, its pages are cached in
// frames the cache holds one reference to, and lent to mappings.
struct ModelFile final : mm::MappedFile {
    ModelFile(mm::FrameAllocator& frames, ModelHost& host, uint64_t pages, bool lends) : frames(frames), host(host), pages(pages), lends(lends) {}
    mm::FrameAllocator& frames;
    ModelHost& host;
    uint64_t pages;
    bool lends;
    int references = 0;
    std::map<uint64_t, uint64_t> cache; // page index -> frame
    int reads = 0;

    static uint64_t content(uint64_t index) { return 1000 + index; }
    void retain() override { ++references; }
    void release() override { --references; }
    lib::ErrorOr<uint64_t> share_frame(uint64_t offset) override
    {
        uint64_t index = offset / PAGE;
        if (!lends || index >= pages)
            return NO_FRAME;
        auto cached = cache.find(index);
        if (cached == cache.end()) {
            uint64_t frame = TRY(frames.allocate(1));
            host.ram[frame] = content(index);
            cached = cache.emplace(index, frame).first;
        }
        frames.share(cached->second);
        return cached->second;
    }
    lib::ErrorOr<void> read_frames(uint64_t physical, uint64_t offset, uint64_t length) override
    {
        ++reads;
        for (uint64_t o = 0; o < length; o += PAGE) {
            uint64_t index = (offset + o) / PAGE;
            if (index < pages)
                host.ram[physical + o] = content(index);
            else
                host.ram.erase(physical + o);
        }
        return {};
    }
    uint64_t device() const override { return 0x801; }
    uint64_t inode() const override { return 42; }
    const char* path() const override { return "/lib/model.so"; }

    // The cache drops its reference, as PageCache eviction does.
    void evict(uint64_t index)
    {
        frames.free(cache.at(index), 1);
        cache.erase(index);
    }
    void evict_all()
    {
        while (!cache.empty())
            evict(cache.begin()->first);
    }
};

struct Program {
    mm::AddressSpace* space;
    size_t machine;
};

struct World {
    World() : bookkeeping(mm::FrameAllocator::storage_bytes(FRAMES) / 8 + 1)
    {
        frames.initialize(bookkeeping.data(), 0x200000, FRAMES);
        first = { lib::make<mm::AddressSpace>(host, frames, nullptr, 0, LOW, HIGH), 0 };
    }
    ~World()
    {
        for (auto* space : spaces)
            lib::destroy(space);
        lib::destroy(first.space);
    }

    std::vector<uint64_t> bookkeeping;
    mm::FrameAllocator frames;
    ModelHost host;
    Program first;
    std::vector<mm::AddressSpace*> spaces;
    std::vector<std::unique_ptr<ModelFile>> files; // outlive the spaces that name them

    ModelFile& make_file(uint64_t pages, bool lends)
    {
        files.push_back(std::make_unique<ModelFile>(frames, host, pages, lends));
        return *files.back();
    }
    void run(const Program& program) { host.running = program.machine; }
    Program another()
    {
        host.machines.emplace_back();
        spaces.push_back(lib::make<mm::AddressSpace>(host, frames, nullptr, 0, LOW, HIGH));
        return { spaces.back(), host.machines.size() - 1 };
    }
    Program fork(const Program& from)
    {
        run(from);
        auto copy = from.space->fork_copy();
        EXPECT_FALSE(copy.is_error());
        spaces.push_back(copy.value());
        host.machines.push_back(host.machine());
        return { copy.value(), host.machines.size() - 1 };
    }
    void write(const Program& program, uint64_t va, uint64_t value)
    {
        run(program);
        va &= ~(PAGE - 1);
        auto mapping = host.machine().find(va);
        if (mapping == host.machine().end() || !(mapping->second.protection & W)) {
            ASSERT_EQ(program.space->handle_fault(va, mm::Access::Write), mm::FaultResult::Resolved) << std::hex << va;
            mapping = host.machine().find(va);
            ASSERT_NE(mapping, host.machine().end());
            ASSERT_TRUE(mapping->second.protection & W) << std::hex << va;
        }
        host.ram[mapping->second.frame] = value;
        check(program);
    }
    uint64_t read(const Program& program, uint64_t va)
    {
        run(program);
        va &= ~(PAGE - 1);
        auto mapping = host.machine().find(va);
        if (mapping == host.machine().end()) {
            EXPECT_EQ(program.space->handle_fault(va, mm::Access::Read), mm::FaultResult::Resolved) << std::hex << va;
            mapping = host.machine().find(va);
            if (mapping == host.machine().end())
                return ~0ull;
        }
        check(program);
        auto word = host.ram.find(mapping->second.frame);
        return word == host.ram.end() ? 0 : word->second;
    }
    // The machine mirrors the space, and no private page whose frame is shared is writable.
    void check(const Program& program)
    {
        const auto& machine = host.machines[program.machine];
        const mm::AddressSpace& space = *program.space;
        uint64_t backed = 0;
        for (size_t i = 0; i < space.region_count(); ++i) {
            const mm::Region& region = space.region(i);
            for (uint64_t va = space.next_backed(region.start, region.end); va < region.end; va = space.next_backed(va + PAGE, region.end)) {
                ++backed;
                auto mapping = machine.find(va);
                ASSERT_NE(mapping, machine.end()) << "backed but not mapped: " << std::hex << va;
                ASSERT_EQ(mapping->second.frame, space.translate(va).value()) << std::hex << va;
                if (space.shares_frame(va) && !(region.flags & mm::RegionShared))
                    ASSERT_FALSE(mapping->second.protection & W) << "a shared private frame is writable at " << std::hex << va;
            }
        }
        EXPECT_EQ(backed, space.backed_pages());
        EXPECT_EQ(machine.size(), backed) << "mapped but not backed";
    }
    uint64_t frame(const Program& program, uint64_t va) { return program.space->translate(va).value(); }
};

TEST(FileMapping, ReadOnlyPrivatePagesAreTheCachesFrames)
{
    World w;
    ModelFile& file = w.make_file(8, true);
    ASSERT_FALSE(w.first.space->map_file(MAP, 8 * PAGE, R, 0, file, 0).is_error());
    EXPECT_EQ(file.references, 1);
    EXPECT_EQ(w.first.space->backed_pages(), 0u) << "pages come on first touch";
    EXPECT_EQ(w.read(w.first, MAP + 3 * PAGE), 1003u);
    // One fault maps the block around it; each page is the cache's frame, one more holder.
    EXPECT_EQ(w.first.space->backed_pages(), 8u);
    for (uint64_t i = 0; i < 8; ++i) {
        EXPECT_EQ(w.frame(w.first, MAP + i * PAGE), file.cache.at(i));
        EXPECT_EQ(w.frames.references(file.cache.at(i)), 2u);
        EXPECT_EQ(w.host.machine()[MAP + i * PAGE].protection, R);
    }
    EXPECT_EQ(w.host.copied_pages, 0u);
    EXPECT_EQ(file.reads, 0);
    // A second program mapping the file gets the same frames.
    Program other = w.another();
    ASSERT_FALSE(other.space->map_file(0x900000, 4 * PAGE, R, 0, file, 4 * PAGE).is_error());
    EXPECT_EQ(w.read(other, 0x900000 + PAGE), 1005u);
    EXPECT_EQ(w.frame(other, 0x900000), file.cache.at(4));
    EXPECT_EQ(w.frames.references(file.cache.at(4)), 3u);
    // Unmapping gives the references back; the cache keeps its own.
    uint64_t used = w.frames.frame_count() - w.frames.free_frames();
    w.run(w.first);
    ASSERT_FALSE(w.first.space->unmap(MAP, 8 * PAGE).is_error());
    EXPECT_EQ(file.references, 1) << "the other program's region";
    EXPECT_EQ(w.frames.frame_count() - w.frames.free_frames(), used);
    EXPECT_EQ(w.frames.references(file.cache.at(0)), 1u);
    EXPECT_EQ(w.frames.references(file.cache.at(4)), 2u);
    w.run(other);
    other.space->release_all();
    EXPECT_EQ(file.references, 0);
    EXPECT_EQ(w.frames.references(file.cache.at(4)), 1u);
    file.evict_all();
    EXPECT_EQ(w.frames.free_frames(), FRAMES);
}

TEST(FileMapping, AWriteCopiesTheCachePageAndLeavesTheFile)
{
    World w;
    ModelFile& file = w.make_file(4, true);
    ASSERT_FALSE(w.first.space->map_file(MAP, 4 * PAGE, R, 0, file, 0).is_error());
    EXPECT_EQ(w.read(w.first, MAP), 1000u);
    // RELRO the other way round: made writable after the pages were lent.
    ASSERT_FALSE(w.first.space->protect(MAP, 4 * PAGE, RW).is_error());
    EXPECT_EQ(w.host.machine()[MAP + PAGE].protection, R) << "lent frames stay read-only on the machine";
    w.write(w.first, MAP + PAGE, 7);
    EXPECT_EQ(w.host.copied_pages, 1u);
    EXPECT_NE(w.frame(w.first, MAP + PAGE), file.cache.at(1));
    EXPECT_EQ(w.host.ram[file.cache.at(1)], 1001u) << "the cache's page is untouched";
    EXPECT_EQ(w.frames.references(file.cache.at(1)), 1u);
    EXPECT_EQ(w.read(w.first, MAP + PAGE), 7u);
    EXPECT_EQ(w.read(w.first, MAP + 2 * PAGE), 1002u);
    // Another program sees the file, and a fork shares the copy and the lent frames alike.
    Program other = w.another();
    ASSERT_FALSE(other.space->map_file(0x900000, 4 * PAGE, R, 0, file, 0).is_error());
    EXPECT_EQ(w.read(other, 0x900000 + PAGE), 1001u);
    Program child = w.fork(w.first);
    EXPECT_EQ(w.frames.references(file.cache.at(2)), 4u);
    w.write(child, MAP + 2 * PAGE, 9);
    EXPECT_EQ(w.read(w.first, MAP + 2 * PAGE), 1002u);
    EXPECT_EQ(w.read(other, 0x900000 + 2 * PAGE), 1002u);
    EXPECT_EQ(w.read(child, MAP + PAGE), 7u);
    w.write(w.first, MAP + PAGE, 8);
    EXPECT_EQ(w.read(child, MAP + PAGE), 7u);
    w.check(w.first);
    w.check(child);
    w.check(other);
    EXPECT_EQ(file.references, 3);
}

TEST(FileMapping, EvictionWhileMappedKeepsTheFrame)
{
    World w;
    ModelFile& file = w.make_file(4, true);
    ASSERT_FALSE(w.first.space->map_file(MAP, 4 * PAGE, R, 0, file, 0).is_error());
    EXPECT_EQ(w.read(w.first, MAP), 1000u);
    uint64_t frame = file.cache.at(2);
    file.evict_all();
    // The mapping holds the frames alone now: allocated still, contents kept.
    EXPECT_TRUE(w.frames.is_allocated(frame));
    EXPECT_EQ(w.frames.references(frame), 1u);
    EXPECT_EQ(w.read(w.first, MAP + 2 * PAGE), 1002u);
    // Nobody else holds it: a write makes it writable without a copy.
    ASSERT_FALSE(w.first.space->protect(MAP, 4 * PAGE, RW).is_error());
    w.write(w.first, MAP + 2 * PAGE, 5);
    EXPECT_EQ(w.host.copied_pages, 0u);
    EXPECT_EQ(w.frame(w.first, MAP + 2 * PAGE), frame);
    // The cache reads the page anew into another frame; the program keeps its own.
    Program other = w.another();
    ASSERT_FALSE(other.space->map_file(0x900000, 4 * PAGE, R, 0, file, 0).is_error());
    EXPECT_EQ(w.read(other, 0x900000 + 2 * PAGE), 1002u);
    EXPECT_NE(w.frame(other, 0x900000 + 2 * PAGE), frame);
    EXPECT_EQ(w.read(w.first, MAP + 2 * PAGE), 5u);
    w.run(w.first);
    w.first.space->release_all();
    EXPECT_FALSE(w.frames.is_allocated(frame)) << "the last holder let go";
    w.run(other);
    other.space->release_all();
    file.evict_all();
    EXPECT_EQ(w.frames.free_frames(), FRAMES);
}

TEST(FileMapping, DiscardBringsBackTheFile)
{
    World w;
    ModelFile& lent = w.make_file(4, true);
    ModelFile& copied = w.make_file(4, false);
    // Writable private regions get copies (read from the file); read-only ones the lent frames.
    ASSERT_FALSE(w.first.space->map_file(MAP, 4 * PAGE, RW, 0, lent, 0).is_error());
    ASSERT_FALSE(w.first.space->map_file(0x800000, 4 * PAGE, RW, 0, copied, 0).is_error());
    EXPECT_EQ(w.read(w.first, MAP + PAGE), 1001u);
    EXPECT_TRUE(lent.cache.empty()) << "a writable region's pages are copies";
    w.write(w.first, MAP + PAGE, 11);
    w.write(w.first, 0x800000 + 3 * PAGE, 12);
    EXPECT_EQ(copied.reads, 1) << "one block read from the file";
    uint64_t free_before = w.frames.free_frames();
    ASSERT_FALSE(w.first.space->discard(MAP, 4 * PAGE).is_error());
    ASSERT_FALSE(w.first.space->discard(0x800000, 4 * PAGE).is_error());
    EXPECT_EQ(w.frames.free_frames(), free_before + 8);
    EXPECT_EQ(w.first.space->backed_pages(), 0u);
    EXPECT_EQ(w.read(w.first, MAP + PAGE), 1001u) << "MADV_DONTNEED gives back the file, not zeros";
    EXPECT_EQ(w.read(w.first, 0x800000 + 3 * PAGE), 1003u);
    // A read-only region's written copy goes back to the cache's frame.
    ASSERT_FALSE(w.first.space->map_file(0x900000, 2 * PAGE, R, 0, lent, 0).is_error());
    EXPECT_EQ(w.read(w.first, 0x900000), 1000u);
    ASSERT_FALSE(w.first.space->protect(0x900000, 2 * PAGE, RW).is_error());
    w.write(w.first, 0x900000, 13);
    ASSERT_FALSE(w.first.space->protect(0x900000, 2 * PAGE, R).is_error());
    ASSERT_FALSE(w.first.space->discard(0x900000, 2 * PAGE).is_error());
    EXPECT_EQ(w.read(w.first, 0x900000), 1000u);
    EXPECT_EQ(w.frame(w.first, 0x900000), lent.cache.at(0));
    // Anonymous memory still reads as zero after it.
    ASSERT_FALSE(w.first.space->map_anonymous(0xa00000, PAGE, RW).is_error());
    w.write(w.first, 0xa00000, 3);
    ASSERT_FALSE(w.first.space->discard(0xa00000, PAGE).is_error());
    EXPECT_EQ(w.read(w.first, 0xa00000), 0u);
    w.first.space->release_all();
    lent.evict_all();
    EXPECT_EQ(w.frames.free_frames(), FRAMES);
}

TEST(FileMapping, PagesPastTheEndOfTheFileReadAsZero)
{
    World w;
    ModelFile& file = w.make_file(2, true);
    ASSERT_FALSE(w.first.space->map_file(MAP, 4 * PAGE, R, 0, file, 0).is_error());
    EXPECT_EQ(w.read(w.first, MAP + PAGE), 1001u);
    EXPECT_EQ(w.read(w.first, MAP + 2 * PAGE), 0u);
    EXPECT_EQ(w.read(w.first, MAP + 3 * PAGE), 0u);
    EXPECT_EQ(file.cache.size(), 2u);
    EXPECT_EQ(w.frames.references(w.frame(w.first, MAP + 3 * PAGE)), 1u) << "a copy of the program's own";
}

TEST(FileMapping, SplitAndMovedRegionsKeepTheirOffsets)
{
    World w;
    ModelFile& file = w.make_file(16, true);
    ASSERT_FALSE(w.first.space->map_file(MAP, 8 * PAGE, R, 0, file, 2 * PAGE).is_error());
    // mprotect splits it in three (RELRO-like), munmap cuts its head.
    ASSERT_FALSE(w.first.space->protect(MAP + 3 * PAGE, 2 * PAGE, RW).is_error());
    ASSERT_FALSE(w.first.space->unmap(MAP, PAGE).is_error());
    const mm::AddressSpace& space = *w.first.space;
    ASSERT_EQ(space.region_count(), 3u);
    struct Expected {
        uint64_t start, end, offset;
    } expected[] = { { MAP + PAGE, MAP + 3 * PAGE, 3 * PAGE }, { MAP + 3 * PAGE, MAP + 5 * PAGE, 5 * PAGE }, { MAP + 5 * PAGE, MAP + 8 * PAGE, 7 * PAGE } };
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(space.region(i).start, expected[i].start) << i;
        EXPECT_EQ(space.region(i).end, expected[i].end) << i;
        EXPECT_EQ(space.region(i).file_offset, expected[i].offset) << i;
        EXPECT_EQ(space.region(i).file, &file) << i;
    }
    EXPECT_EQ(file.references, 3);
    for (uint64_t page = 1; page < 8; ++page)
        EXPECT_EQ(w.read(w.first, MAP + page * PAGE), 1002u + page) << page;
    // mremap moves the tail (from its second page) elsewhere: offset of where it started.
    auto moved = w.first.space->remap(MAP + 6 * PAGE, 2 * PAGE, 4 * PAGE, true, true, 0x2000000, 0);
    ASSERT_FALSE(moved.is_error());
    const mm::Region* region = space.find(0x2000000);
    ASSERT_NE(region, nullptr);
    EXPECT_EQ(region->file_offset, 8 * PAGE);
    EXPECT_EQ(w.read(w.first, 0x2000000), 1008u);
    EXPECT_EQ(w.read(w.first, 0x2000000 + 3 * PAGE), 1011u) << "the grown part is the file's too";
    EXPECT_EQ(space.find(MAP + 6 * PAGE), nullptr);
    // Restoring the protection does not merge file regions, and every region holds a reference.
    ASSERT_FALSE(w.first.space->protect(MAP + PAGE, 5 * PAGE, R).is_error());
    EXPECT_EQ(file.references, static_cast<int>(space.region_count()));
    w.first.space->release_all();
    EXPECT_EQ(file.references, 0);
    file.evict_all();
    EXPECT_EQ(w.frames.free_frames(), FRAMES);
}

} // namespace
