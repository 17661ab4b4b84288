// The TSC-based program clocks and the vDSO's mapping (see vdso/vdso.h).
#include <kernel/layout.h>
#include <kernel/memory.h>
#include <linux/user_memory.h>
#include <platform/platform.h>
#include <vdso/calibration.h>
#include <vdso/vdso.h>

extern "C" const uint8_t vdso_image_start[];
extern "C" const uint8_t vdso_image_end[];

namespace vdso {

namespace {

constexpr int HOST_REALTIME = 0, HOST_MONOTONIC = 1;
constexpr int SAMPLE_TRIES = 5;

bool g_tsc_invariant;
ClockSample g_first;
// The kernel's copy is the truth; the program's read-only page mirrors it.
TimeData g_data;
uint64_t g_vvar_address, g_vdso_address;
// The kernel's own frames for [vvar] and [vdso], shared by every address space.
uint64_t g_vvar_physical, g_vdso_physical;

bool tsc_is_invariant()
{
    uint32_t eax = 0x80000000, ebx, ecx = 0, edx;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    if (eax < 0x80000007)
        return false;
    eax = 0x80000007;
    ecx = 0;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return edx & (1u << 8); // "Invariant TSC"
}

// The host clocks with the TSC read just before and after; of a few tries, the one that
// took least time (a try the host preempted is worthless).
ClockSample take_sample()
{
    ClockSample best {};
    uint64_t best_width = UINT64_MAX;
    for (int i = 0; i < SAMPLE_TRIES; ++i) {
        uint64_t before = read_tsc();
        int64_t monotonic = platform::clock_ns(HOST_MONOTONIC);
        uint64_t after = read_tsc();
        int64_t realtime = platform::clock_ns(HOST_REALTIME);
        int64_t monotonic_again = platform::clock_ns(HOST_MONOTONIC);
        if (after - before < best_width) {
            best_width = after - before;
            best = { before + (after - before) / 2, monotonic, realtime - (monotonic + (monotonic_again - monotonic) / 2) };
        }
    }
    return best;
}

// Copies g_data to the program's page, if it is still mapped where we put it.
void publish()
{
    // The frame is the kernel's for good: every address space maps it with a reference of its
    // own, so a program's munmap or exit never frees it.
    if (!g_vvar_physical)
        return;
    auto* page = reinterpret_cast<volatile TimeData*>(kernel::PHYSICAL_MAP_BASE + g_vvar_physical);
    page->sequence = g_data.sequence + 1;
    asm volatile("" ::: "memory");
    page->tsc_usable = g_data.tsc_usable;
    page->tsc_base = g_data.tsc_base;
    page->monotonic_base = g_data.monotonic_base;
    page->realtime_offset = g_data.realtime_offset;
    page->multiplier = g_data.multiplier;
    page->shift = g_data.shift;
    page->tsc_limit = g_data.tsc_limit;
    page->coarse_resolution_ns = g_data.coarse_resolution_ns;
    asm volatile("" ::: "memory");
    g_data.sequence += 2;
    page->sequence = g_data.sequence;
}

void reanchor()
{
    anchor(g_data, g_first, take_sample());
    g_data.tsc_usable = 1;
    publish();
}

} // namespace

void start_clock()
{
    g_tsc_invariant = tsc_is_invariant();
    g_data.coarse_resolution_ns = platform::coarse_clock_resolution_ns();
    if (g_tsc_invariant)
        g_first = take_sample();
}

bool tsc_clock_usable() { return g_data.tsc_usable; }

int64_t monotonic_ns()
{
    if (!g_data.tsc_usable) {
        int64_t host = platform::clock_ns(HOST_MONOTONIC);
        if (!g_tsc_invariant || host - g_first.monotonic < MIN_BASELINE_NS)
            return host;
        reanchor();
    }
    uint64_t tsc = read_tsc();
    if (tsc - g_data.tsc_base >= g_data.tsc_limit) {
        reanchor();
        tsc = read_tsc();
        if (tsc < g_data.tsc_base) // the TSC of another host CPU, a little behind
            tsc = g_data.tsc_base;
    }
    return monotonic_at(g_data, tsc);
}

int64_t realtime_ns()
{
    if (!g_data.tsc_usable && (!g_tsc_invariant || platform::clock_ns(HOST_MONOTONIC) - g_first.monotonic < MIN_BASELINE_NS))
        return platform::clock_ns(HOST_REALTIME);
    int64_t monotonic = monotonic_ns();
    return monotonic + g_data.realtime_offset;
}

// The frames, made once: the data page and the image after it.
lib::ErrorOr<void> make_frames()
{
    uint64_t image_size = static_cast<uint64_t>(vdso_image_end - vdso_image_start);
    uint64_t pages = 1 + kernel::page_round_up(image_size) / kernel::PAGE_SIZE;
    uint64_t physical = TRY(kernel::frame_allocator().allocate(pages));
    auto* bytes = reinterpret_cast<uint8_t*>(kernel::PHYSICAL_MAP_BASE + physical);
    for (uint64_t i = 0; i < pages * kernel::PAGE_SIZE; ++i)
        bytes[i] = 0;
    for (uint64_t i = 0; i < image_size; ++i)
        bytes[kernel::PAGE_SIZE + i] = vdso_image_start[i];
    g_vvar_physical = physical;
    g_vdso_physical = physical + kernel::PAGE_SIZE;
    return {};
}

lib::ErrorOr<uint64_t> map_into(mm::AddressSpace& space)
{
    if (!g_vvar_physical)
        TRY(make_frames());
    uint64_t image_size = static_cast<uint64_t>(vdso_image_end - vdso_image_start);
    uint64_t image_length = kernel::page_round_up(image_size);
    uint64_t start = TRY(space.find_free_range(kernel::PAGE_SIZE + image_length, kernel::MMAP_TOP));
    TRY(space.map_frames(start, g_vvar_physical, kernel::PAGE_SIZE, platform::ProtRead));
    auto image = space.map_frames(start + kernel::PAGE_SIZE, g_vdso_physical, image_length, platform::ProtRead | platform::ProtExec);
    if (image.is_error()) {
        (void)space.unmap(start, kernel::PAGE_SIZE);
        return lib::Error(image.error());
    }
    g_vvar_address = start;
    g_vdso_address = start + kernel::PAGE_SIZE;
    // Calibrated already if boot took long enough; else the first clock syscall does it.
    monotonic_ns();
    publish();
    return g_vdso_address;
}

uint64_t vvar_address() { return g_vvar_address; }
uint64_t vdso_address() { return g_vdso_address; }

} // namespace vdso
