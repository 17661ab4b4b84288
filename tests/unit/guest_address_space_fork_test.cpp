// Copy-on-write address spaces (AddressSpace::fork_copy), built for the host. A model host
// holds guest RAM (one word of content a frame) and one table of mappings per host process,
// as the process platform has: the page mapper acts on whichever process runs, and a host
// fork copies the running process's mappings. After every step the tests check that each
// machine mirrors its space and that no shared private frame is writable anywhere.
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
constexpr uint64_t HEAP = 0x400000;

struct ModelHost final : mm::PageMapper {
    struct Mapping {
        uint64_t frame;
        int protection;
    };
    using Machine = std::map<uint64_t, Mapping>; // one host process's page mappings
    std::map<uint64_t, uint64_t> ram;            // frame contents; absent reads as zero
    std::vector<Machine> machines { 1 };
    size_t running = 0;
    std::vector<std::string> calls; // "map", "unmap", "protect", "copy", "release"
    uint64_t copied_pages = 0;

    Machine& machine() { return machines[running]; }
    size_t host_fork()
    {
        machines.push_back(machines[running]);
        return machines.size() - 1;
    }
    size_t count(const std::string& call) const { return std::count(calls.begin(), calls.end(), call); }

    lib::ErrorOr<void> map(uint64_t va, uint64_t pa, uint64_t length, int protection) override
    {
        calls.push_back("map");
        for (uint64_t o = 0; o < length; o += PAGE)
            machine()[va + o] = { pa + o, protection };
        return {};
    }
    lib::ErrorOr<void> unmap(uint64_t va, uint64_t length) override
    {
        calls.push_back("unmap");
        for (uint64_t o = 0; o < length; o += PAGE)
            machine().erase(va + o);
        return {};
    }
    lib::ErrorOr<void> protect(uint64_t va, uint64_t length, int protection) override
    {
        calls.push_back("protect");
        for (uint64_t o = 0; o < length; o += PAGE) {
            if (!machine().count(va + o))
                return lib::Error(12);
            machine()[va + o].protection = protection;
        }
        return {};
    }
    void release_frames(uint64_t pa, uint64_t length) override
    {
        calls.push_back("release");
        for (uint64_t o = 0; o < length; o += PAGE)
            ram.erase(pa + o);
    }
    void copy_frames(uint64_t to, uint64_t from, uint64_t length) override
    {
        calls.push_back("copy");
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

// A program: its address space and the host process it runs in.
struct Program {
    mm::AddressSpace* space;
    size_t machine;
};

struct World {
    World() : bookkeeping(mm::FrameAllocator::storage_bytes(FRAMES) / 8 + 1)
    {
        frames.initialize(bookkeeping.data(), 0x200000, FRAMES);
        parent = { lib::make<mm::AddressSpace>(host, frames, nullptr, 0, LOW, HIGH), 0 };
    }
    ~World()
    {
        for (auto* space : spaces)
            lib::destroy(space);
        lib::destroy(parent.space);
    }

    std::vector<uint64_t> bookkeeping;
    mm::FrameAllocator frames;
    ModelHost host;
    Program parent;
    std::vector<mm::AddressSpace*> spaces; // made by fork, destroyed with the world

    void run(const Program& program) { host.running = program.machine; }
    uint64_t used() const { return frames.frame_count() - frames.free_frames(); }

    // fork as the kernel does it: copy the space in the parent, then the host forks the
    // parent's process. The copy only write-protects the parent's pages (and backs its
    // shared regions): nothing is unmapped, released or copied.
    Program fork(const Program& from)
    {
        run(from);
        size_t before = host.calls.size();
        auto copy = from.space->fork_copy();
        EXPECT_FALSE(copy.is_error());
        if (copy.is_error())
            return from;
        for (size_t i = before; i < host.calls.size(); ++i)
            EXPECT_TRUE(host.calls[i] == "protect" || host.calls[i] == "map") << host.calls[i];
        spaces.push_back(copy.value());
        return { copy.value(), host.host_fork() };
    }

    // The program's own store of a word to the page at `va`: faults until the machine lets
    // it write.
    void write(const Program& program, uint64_t va, uint64_t value)
    {
        run(program);
        va &= ~(PAGE - 1);
        auto mapping = host.machine().find(va);
        if (mapping == host.machine().end() || !(mapping->second.protection & W)) {
            ASSERT_EQ(program.space->handle_fault(va, mm::Access::Write), mm::FaultResult::Resolved) << std::hex << va;
            mapping = host.machine().find(va);
            ASSERT_NE(mapping, host.machine().end());
            ASSERT_TRUE(mapping->second.protection & W) << "still read-only after the fault: " << std::hex << va;
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
        auto word = host.ram.find(mapping->second.frame);
        return word == host.ram.end() ? 0 : word->second;
    }

    // The machine mirrors the space page for page, and a private page whose frame is shared
    // is not writable there.
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
                if (!(region.protection & W))
                    ASSERT_FALSE(mapping->second.protection & W) << std::hex << va;
            }
        }
        EXPECT_EQ(backed, space.backed_pages());
        EXPECT_EQ(machine.size(), backed) << "mapped but not backed";
    }

    uint64_t frame(const Program& program, uint64_t va) { return program.space->translate(va).value(); }
};

TEST(AddressSpaceFork, EachSideSeesItsOwnWrites)
{
    World w;
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, 4 * PAGE, RW).is_error());
    for (uint64_t i = 0; i < 4; ++i)
        w.write(w.parent, HEAP + i * PAGE, 100 + i);
    uint64_t before = w.used();
    Program child = w.fork(w.parent);
    // Nothing is copied yet: the same frames, read-only on both machines.
    EXPECT_EQ(w.used(), before);
    EXPECT_EQ(w.host.copied_pages, 0u);
    EXPECT_EQ(child.space->region_count(), 1u);
    EXPECT_EQ(child.space->backed_pages(), 4u);
    for (uint64_t i = 0; i < 4; ++i) {
        EXPECT_EQ(w.frame(child, HEAP + i * PAGE), w.frame(w.parent, HEAP + i * PAGE));
        EXPECT_EQ(w.frames.references(w.frame(child, HEAP + i * PAGE)), 2u);
        EXPECT_EQ(w.host.machines[w.parent.machine][HEAP + i * PAGE].protection, R);
    }
    w.check(w.parent);
    w.check(child);

    w.write(child, HEAP + PAGE, 7);
    w.write(w.parent, HEAP + 2 * PAGE, 8);
    EXPECT_EQ(w.read(child, HEAP + PAGE), 7u);
    EXPECT_EQ(w.read(w.parent, HEAP + PAGE), 101u);
    EXPECT_EQ(w.read(w.parent, HEAP + 2 * PAGE), 8u);
    EXPECT_EQ(w.read(child, HEAP + 2 * PAGE), 102u);
    EXPECT_EQ(w.read(child, HEAP), 100u);
    EXPECT_EQ(w.read(w.parent, HEAP + 3 * PAGE), 103u);
    // One page copied each time (neither write continued where the last copy ended).
    EXPECT_EQ(w.host.copied_pages, 2u);
    EXPECT_EQ(w.used(), before + 2);
    EXPECT_NE(w.frame(child, HEAP + PAGE), w.frame(w.parent, HEAP + PAGE));
    w.check(w.parent);
    w.check(child);
}

TEST(AddressSpaceFork, TheLastHolderOfAFrameJustGetsItWritable)
{
    World w;
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, 8 * PAGE, RW).is_error());
    for (uint64_t i = 0; i < 8; ++i)
        w.write(w.parent, HEAP + i * PAGE, i);
    Program child = w.fork(w.parent);
    w.write(child, HEAP, 50); // the child's own copy of page 0
    uint64_t free_before = w.frames.free_frames();
    // The parent wrote page 0's frame alone now: made writable, not copied.
    w.host.calls.clear();
    w.write(w.parent, HEAP, 60);
    EXPECT_EQ(w.host.copied_pages, 1u);
    EXPECT_EQ(w.frames.free_frames(), free_before);
    EXPECT_EQ(w.host.calls, std::vector<std::string> { "protect" });
    EXPECT_EQ(w.read(child, HEAP), 50u);
    // The child exits: every frame is the parent's alone, and the first write makes the
    // whole run writable in one call.
    w.run(child);
    child.space->release_all();
    w.host.calls.clear();
    w.write(w.parent, HEAP + 5 * PAGE, 61);
    EXPECT_EQ(w.host.calls, std::vector<std::string> { "protect" });
    for (uint64_t i = 0; i < 8; ++i)
        EXPECT_EQ(w.host.machine()[HEAP + i * PAGE].protection, RW) << i;
    EXPECT_EQ(w.host.copied_pages, 1u);
    EXPECT_EQ(w.read(w.parent, HEAP + 3 * PAGE), 3u);
    w.check(w.parent);
}

TEST(AddressSpaceFork, SharedRegionsStayShared)
{
    World w;
    constexpr uint64_t SHARED = 0x800000;
    ASSERT_FALSE(w.parent.space->map_anonymous(SHARED, 4 * PAGE, RW, mm::RegionShared).is_error());
    w.write(w.parent, SHARED, 1); // backs the whole (small) region
    ASSERT_EQ(w.parent.space->backed_pages(), 4u);
    ASSERT_FALSE(w.parent.space->map_anonymous(SHARED + 0x100000, 64 * PAGE, RW, mm::RegionShared).is_error());
    Program child = w.fork(w.parent);
    // Backed in full before the copy, so both hold the same frames for good.
    EXPECT_EQ(child.space->backed_pages(), 4u + 64u);
    for (uint64_t va : { SHARED, SHARED + 3 * PAGE, SHARED + 0x100000 + 63 * PAGE}) {
        EXPECT_EQ(w.frame(child, va), w.frame(w.parent, va));
        EXPECT_EQ(w.host.machines[w.parent.machine][va].protection, RW);
        EXPECT_EQ(w.host.machines[child.machine][va].protection, RW);
    }
    w.write(child, SHARED + 2 * PAGE, 5);
    w.write(w.parent, SHARED + 0x100000 + 63 * PAGE, 6);
    EXPECT_EQ(w.read(w.parent, SHARED + 2 * PAGE), 5u);
    EXPECT_EQ(w.read(child, SHARED + 0x100000 + 63 * PAGE), 6u);
    EXPECT_EQ(w.read(child, SHARED), 1u);
    EXPECT_EQ(w.host.copied_pages, 0u);
    // MADV_DONTNEED keeps shared memory; munmap in one leaves the other's frames.
    ASSERT_FALSE(child.space->discard(SHARED, 4 * PAGE).is_error());
    ASSERT_FALSE(child.space->unmap(SHARED, 4 * PAGE).is_error());
    EXPECT_EQ(w.read(w.parent, SHARED + 2 * PAGE), 5u);
    EXPECT_EQ(w.frames.references(w.frame(w.parent, SHARED)), 1u);
    w.check(w.parent);
    w.check(child);
}

TEST(AddressSpaceFork, KernelOwnedFramesOutliveEverySpace)
{
    World w;
    uint64_t vdso = w.frames.allocate(2).value(); // the kernel's reference
    w.host.ram[vdso] = 11;
    ASSERT_FALSE(w.parent.space->map_frames(0x700000, vdso, 2 * PAGE, R).is_error());
    Program child = w.fork(w.parent);
    EXPECT_EQ(w.frames.references(vdso), 3u);
    EXPECT_EQ(w.read(child, 0x700000), 11u);
    w.check(child);
    child.space->release_all();
    w.parent.space->release_all();
    EXPECT_EQ(w.frames.references(vdso), 1u);
    EXPECT_EQ(w.host.ram[vdso], 11u) << "released, not zeroed";
    w.frames.free(vdso, 2);
}

TEST(AddressSpaceFork, UnmapAndDiscardInOneSpaceKeepTheOthersFrames)
{
    World w;
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, 16 * PAGE, RW).is_error());
    for (uint64_t i = 0; i < 16; ++i)
        w.write(w.parent, HEAP + i * PAGE, 1000 + i);
    Program child = w.fork(w.parent);
    uint64_t used = w.used();
    w.run(child);
    ASSERT_FALSE(child.space->unmap(HEAP, 4 * PAGE).is_error());
    ASSERT_FALSE(child.space->discard(HEAP + 4 * PAGE, 4 * PAGE).is_error());
    EXPECT_EQ(w.used(), used);
    EXPECT_EQ(w.host.count("release"), 0u) << "a frame the parent holds must keep its contents";
    EXPECT_EQ(w.read(child, HEAP + 5 * PAGE), 0u); // discarded: zero in the child
    for (uint64_t i = 0; i < 16; ++i)
        EXPECT_EQ(w.read(w.parent, HEAP + i * PAGE), 1000 + i);
    // The parent's unmap frees the eight frames only it held now; the child's eight others
    // stay, and its read of a discarded page backed four fresh ones.
    w.run(w.parent);
    ASSERT_FALSE(w.parent.space->unmap(HEAP, 16 * PAGE).is_error());
    EXPECT_EQ(w.used(), child.space->backed_pages());
    EXPECT_EQ(w.read(child, HEAP + 9 * PAGE), 1009u);
    w.check(w.parent);
    w.check(child);
}

TEST(AddressSpaceFork, MprotectKeepsCopyOnWritePagesReadOnly)
{
    World w;
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, 4 * PAGE, RW).is_error());
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP + 0x100000, 4 * PAGE, RW).is_error());
    for (uint64_t i = 0; i < 4; ++i) {
        w.write(w.parent, HEAP + i * PAGE, i);
        w.write(w.parent, HEAP + 0x100000 + i * PAGE, 10 + i);
    }
    // Read-only at fork time (as RELRO is), writable later.
    ASSERT_FALSE(w.parent.space->protect(HEAP + 0x100000, 4 * PAGE, R).is_error());
    Program child = w.fork(w.parent);
    for (const Program* program : { &w.parent, &child }) {
        w.run(*program);
        ASSERT_FALSE(program->space->protect(HEAP, 4 * PAGE, R).is_error());
        ASSERT_FALSE(program->space->protect(HEAP, 4 * PAGE, RW).is_error());
        ASSERT_FALSE(program->space->protect(HEAP + 0x100000, 4 * PAGE, RW).is_error());
        for (uint64_t i = 0; i < 4; ++i) {
            EXPECT_EQ(w.host.machine()[HEAP + i * PAGE].protection, R) << i;
            EXPECT_EQ(w.host.machine()[HEAP + 0x100000 + i * PAGE].protection, R) << i;
        }
        w.check(*program);
    }
    w.write(child, HEAP + 0x100000 + PAGE, 77);
    EXPECT_EQ(w.read(w.parent, HEAP + 0x100000 + PAGE), 11u);
    EXPECT_EQ(w.read(child, HEAP + 0x100000 + PAGE), 77u);
    // A region the program may not write stays unwritable by the program.
    w.run(w.parent);
    ASSERT_FALSE(w.parent.space->protect(HEAP, 4 * PAGE, R).is_error());
    EXPECT_EQ(w.parent.space->handle_fault(HEAP, mm::Access::Write), mm::FaultResult::Denied);
    w.check(w.parent);
    w.check(child);
}

TEST(AddressSpaceFork, RemapMovesCopyOnWritePagesReadOnly)
{
    World w;
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, 4 * PAGE, RW).is_error());
    for (uint64_t i = 0; i < 4; ++i)
        w.write(w.parent, HEAP + i * PAGE, 40 + i);
    Program child = w.fork(w.parent);
    uint64_t shared_frame = w.frame(w.parent, HEAP + PAGE);
    w.run(w.parent);
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP + 4 * PAGE, PAGE, R).is_error()); // blocks growth
    auto moved = w.parent.space->remap(HEAP, 4 * PAGE, 8 * PAGE, true, false, 0, 0x10000000);
    ASSERT_FALSE(moved.is_error());
    ASSERT_NE(moved.value(), HEAP);
    EXPECT_EQ(w.frame(w.parent, moved.value() + PAGE), shared_frame);
    EXPECT_EQ(w.frames.references(shared_frame), 2u);
    EXPECT_EQ(w.host.machine()[moved.value() + PAGE].protection, R);
    w.check(w.parent);
    w.write(w.parent, moved.value() + PAGE, 9);
    EXPECT_EQ(w.read(child, HEAP + PAGE), 41u);
    EXPECT_EQ(w.read(w.parent, moved.value() + 2 * PAGE), 42u);
    // Shrinking drops references; fixed moves keep the rule too.
    auto fixed = w.parent.space->remap(moved.value(), 8 * PAGE, 2 * PAGE, true, true, 0x2000000, 0);
    ASSERT_FALSE(fixed.is_error());
    EXPECT_EQ(w.read(w.parent, 0x2000000 + PAGE), 9u);
    EXPECT_EQ(w.host.machine()[0x2000000].protection, R);
    EXPECT_EQ(w.frames.references(w.frame(child, HEAP + 2 * PAGE)), 1u);
    w.check(w.parent);
    w.check(child);
    EXPECT_EQ(w.read(child, HEAP + 3 * PAGE), 43u);
}

TEST(AddressSpaceFork, ReleaseAllFreesExactlyTheFramesNoOtherSpaceHolds)
{
    World w;
    uint64_t free_at_start = w.frames.free_frames();
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, 32 * PAGE, RW).is_error());
    for (uint64_t i = 0; i < 32; i += 4)
        w.write(w.parent, HEAP + i * PAGE, i);
    uint64_t parent_pages = w.parent.space->backed_pages();
    Program child = w.fork(w.parent);
    w.write(child, HEAP + 4 * PAGE, 1);  // copied: the child's own
    w.write(child, HEAP + 12 * PAGE, 1); // copied
    ASSERT_FALSE(child.space->map_anonymous(0x900000, 3 * PAGE, RW).is_error());
    w.write(child, 0x900000, 1); // three new frames of the child's own
    uint64_t free_before = w.frames.free_frames();
    size_t calls_before = w.host.calls.size();
    child.space->release_all();
    EXPECT_EQ(w.frames.free_frames(), free_before + 5);
    EXPECT_EQ(child.space->region_count(), 0u);
    EXPECT_EQ(child.space->backed_pages(), 0u);
    for (size_t i = calls_before; i < w.host.calls.size(); ++i)
        EXPECT_EQ(w.host.calls[i], "release") << "release_all leaves the machine's mappings alone";
    EXPECT_EQ(w.host.machines[child.machine].size(), parent_pages + 3) << "the exiting host process still has its mappings";
    for (uint64_t i = 0; i < 32; i += 4)
        EXPECT_EQ(w.read(w.parent, HEAP + i * PAGE), i);
    // Twice is harmless (the destructor does it again).
    child.space->release_all();
    w.parent.space->release_all();
    EXPECT_EQ(w.frames.free_frames(), free_at_start);
}

TEST(AddressSpaceFork, AForkOfAForkHasThreeHolders)
{
    World w;
    uint64_t free_at_start = w.frames.free_frames();
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, 4 * PAGE, RW).is_error());
    for (uint64_t i = 0; i < 4; ++i)
        w.write(w.parent, HEAP + i * PAGE, 10 * i);
    Program child = w.fork(w.parent);
    w.write(child, HEAP, 1);
    Program grandchild = w.fork(child);
    EXPECT_EQ(w.frames.references(w.frame(grandchild, HEAP + PAGE)), 3u);
    EXPECT_EQ(w.frames.references(w.frame(grandchild, HEAP)), 2u); // the child's copy
    w.check(w.parent);
    w.check(child);
    w.check(grandchild);
    w.write(grandchild, HEAP + PAGE, 2);
    w.write(w.parent, HEAP + 2 * PAGE, 3);
    w.write(child, HEAP + 3 * PAGE, 4);
    uint64_t expected[3][4] = { { 0, 10, 3, 30 }, { 1, 10, 20, 4 }, { 1, 2, 20, 30 } };
    const Program* programs[3] = { &w.parent, &child, &grandchild };
    for (int p = 0; p < 3; ++p)
        for (uint64_t i = 0; i < 4; ++i)
            EXPECT_EQ(w.read(*programs[p], HEAP + i * PAGE), expected[p][i]) << p << " " << i;
    EXPECT_EQ(w.frames.references(w.frame(w.parent, HEAP + PAGE)), 2u);
    // The middle one exits first; the others keep their pages.
    w.run(child);
    child.space->release_all();
    for (uint64_t i = 0; i < 4; ++i) {
        EXPECT_EQ(w.read(w.parent, HEAP + i * PAGE), expected[0][i]);
        EXPECT_EQ(w.read(grandchild, HEAP + i * PAGE), expected[2][i]);
    }
    w.write(grandchild, HEAP, 5);
    EXPECT_EQ(w.read(w.parent, HEAP), 0u);
    w.check(w.parent);
    w.check(grandchild);
    grandchild.space->release_all();
    w.parent.space->release_all();
    EXPECT_EQ(w.frames.free_frames(), free_at_start);
}

TEST(AddressSpaceFork, StreamingWritesCopyGrowingBlocksAndScatteredOnesSinglePages)
{
    World w;
    constexpr uint64_t PAGES = 64;
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, PAGES * PAGE, RW).is_error());
    ASSERT_FALSE(w.parent.space->populate(HEAP, PAGES * PAGE).is_error());
    Program child = w.fork(w.parent);
    // A memset through the child's memory: 1, 2, 4, 8, 16, 16, 16, 1 pages a fault.
    w.host.calls.clear();
    size_t faults = 0;
    for (uint64_t i = 0; i < PAGES; ++i) {
        w.run(child);
        if (!(w.host.machine()[HEAP + i * PAGE].protection & W))
            ++faults;
        w.write(child, HEAP + i * PAGE, i);
    }
    EXPECT_EQ(faults, 8u); // the last one clipped to the region's end
    EXPECT_EQ(w.host.copied_pages, PAGES);
    EXPECT_EQ(w.host.count("map"), faults);
    // Scattered writes in the parent copy only what they write.
    uint64_t copied = w.host.copied_pages;
    for (uint64_t i = 0; i < PAGES; i += 8)
        w.write(w.parent, HEAP + i * PAGE, 1);
    EXPECT_EQ(w.host.copied_pages, copied) << "the child copied every page: the parent's are its alone";
    Program second = w.fork(w.parent);
    copied = w.host.copied_pages;
    for (uint64_t i = 0; i < PAGES; i += 8)
        w.write(second, HEAP + i * PAGE + 8, 2);
    EXPECT_EQ(w.host.copied_pages, copied + PAGES / 8);
    EXPECT_EQ(w.read(w.parent, HEAP + 8 * PAGE), 1u);
    EXPECT_EQ(w.read(second, HEAP + 9 * PAGE), 0u);
}

TEST(AddressSpaceFork, KernelWritesThroughThePhysicalMapCopyFirst)
{
    World w;
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, 4 * PAGE, R).is_error()); // as the loader's text
    w.run(w.parent);
    uint64_t physical = w.parent.space->backed_physical(HEAP + PAGE + 16, true).value();
    w.host.ram[physical - 16] = 33;
    Program child = w.fork(w.parent);
    w.run(child);
    // Reading: the shared frame. Writing: a copy of its own first, mapped as the region says.
    EXPECT_EQ(child.space->backed_physical(HEAP + PAGE, false).value(), physical - 16);
    EXPECT_TRUE(child.space->shares_frame(HEAP + PAGE));
    uint64_t own = child.space->backed_physical(HEAP + PAGE + 16, true).value();
    EXPECT_NE(own, physical);
    EXPECT_FALSE(child.space->shares_frame(HEAP + PAGE));
    EXPECT_EQ(w.host.ram[own - 16], 33u);
    w.host.ram[own - 16] = 44;
    EXPECT_EQ(w.host.machine()[HEAP + PAGE].protection, R);
    EXPECT_EQ(w.read(w.parent, HEAP + PAGE), 33u);
    EXPECT_EQ(w.read(child, HEAP + PAGE), 44u);
    // The program itself still may not write it.
    EXPECT_EQ(child.space->handle_fault(HEAP + PAGE, mm::Access::Write), mm::FaultResult::Denied);
    w.check(w.parent);
    w.check(child);
}

TEST(AddressSpaceFork, OutOfFramesForACopyChangesNothing)
{
    World w;
    ASSERT_FALSE(w.parent.space->map_anonymous(HEAP, 4 * PAGE, RW).is_error());
    w.write(w.parent, HEAP, 5);
    Program child = w.fork(w.parent);
    std::vector<uint64_t> hoard;
    while (w.frames.free_frames())
        hoard.push_back(w.frames.allocate(1).value());
    w.run(child);
    EXPECT_EQ(child.space->handle_fault(HEAP, mm::Access::Write), mm::FaultResult::OutOfMemory);
    EXPECT_TRUE(child.space->backed_physical(HEAP, true).is_error());
    EXPECT_TRUE(child.space->shares_frame(HEAP));
    w.check(child);
    w.frames.free(hoard.back(), 1);
    w.write(child, HEAP, 6);
    EXPECT_EQ(w.read(w.parent, HEAP), 5u);
    for (uint64_t frame : hoard)
        w.frames.free(frame, 1);
}

} // namespace
