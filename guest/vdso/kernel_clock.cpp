// The TSC-based program clocks and the vDSO's mapping (see vdso/vdso.h).
#include <kernel/layout.h>
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
uint64_t g_vvar_address, g_vdso_address, g_vvar_physical;
mm::AddressSpace* g_space;

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
    // SAFETY: the frame is the one map_into mapped; munmap frees it, so check it is still
    // there. FIXME: one address space; fork (issue 6) must share this frame instead.
    if (!g_space)
        return;
    auto physical = g_space->translate(g_vvar_address);
    if (physical.is_error() || physical.value() != g_vvar_physical)
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

lib::ErrorOr<uint64_t> map_into(mm::AddressSpace& space)
{
    uint64_t image_size = static_cast<uint64_t>(vdso_image_end - vdso_image_start);
    uint64_t length = kernel::PAGE_SIZE + kernel::page_round_up(image_size);
    uint64_t start = TRY(space.find_free_range(length, kernel::MMAP_TOP));
    TRY(space.map_anonymous(start, length, platform::ProtRead | platform::ProtWrite));
    // Written as the program would (which backs the pages), then made read-only.
    TRY(linux::copy_to_user(start + kernel::PAGE_SIZE, vdso_image_start, image_size));
    TRY(linux::copy_to_user(start, &g_data, sizeof(g_data)));
    TRY(space.protect(start, kernel::PAGE_SIZE, platform::ProtRead));
    TRY(space.protect(start + kernel::PAGE_SIZE, length - kernel::PAGE_SIZE, platform::ProtRead | platform::ProtExec));
    g_vvar_physical = TRY(space.translate(start));
    g_vvar_address = start;
    g_vdso_address = start + kernel::PAGE_SIZE;
    g_space = &space;
    // Calibrated already if boot took long enough; else the first clock syscall does it.
    monotonic_ns();
    publish();
    return g_vdso_address;
}

uint64_t vvar_address() { return g_vvar_address; }
uint64_t vdso_address() { return g_vdso_address; }

} // namespace vdso
