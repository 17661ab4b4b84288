// VmStats: counting hypercalls and boot phases, and printing the --stats report.
#include "host/vm_stats.h"
#include "host/hypercall_table.h"

#include <sys/resource.h>

namespace host {

uint64_t to_ns(const timespec& time)
{
    return static_cast<uint64_t>(time.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(time.tv_nsec);
}

uint64_t monotonic_ns()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return to_ns(now);
}

void VmStats::count_hypercall(uint64_t number, uint64_t elapsed_ns)
{
    if (number >= m_hypercalls.size())
        return;
    m_hypercalls[number].count++;
    m_hypercalls[number].total_ns += elapsed_ns;
}

static void print_phase(FILE* stream, const char* name, std::optional<uint64_t> from, std::optional<uint64_t> to)
{
    if (from && to && *to >= *from)
        fprintf(stream, "  %-16s %10.3f ms\n", name, static_cast<double>(*to - *from) / 1e6);
    else
        fprintf(stream, "  %-16s %10s\n", name, "-");
}

void VmStats::print(FILE* stream) const
{
    fprintf(stream, "unikit stats:\n");
    fprintf(stream, "hypercalls:        count    total ms\n");
    uint64_t all_count = 0;
    uint64_t all_ns = 0;
    for (uint64_t number = 1; number < m_hypercalls.size(); ++number) {
        auto const& counter = m_hypercalls[number];
        if (counter.count == 0)
            continue;
        fprintf(stream, "  %-12s %10llu %11.3f\n", hypercall_name(number),
            static_cast<unsigned long long>(counter.count), static_cast<double>(counter.total_ns) / 1e6);
        all_count += counter.count;
        all_ns += counter.total_ns;
    }
    fprintf(stream, "  %-12s %10llu %11.3f\n", "total", static_cast<unsigned long long>(all_count),
        static_cast<double>(all_ns) / 1e6);
    if (m_syscall_traps)
        fprintf(stream, "program syscalls trapped: %llu\n", static_cast<unsigned long long>(*m_syscall_traps));
    else
        fprintf(stream, "program syscalls trapped: -\n");

    if (m_frames_sent || m_frames_received || m_frames_dropped)
        fprintf(stream, "net frames: sent %llu, received %llu, dropped %llu\n", static_cast<unsigned long long>(m_frames_sent),
            static_cast<unsigned long long>(m_frames_received), static_cast<unsigned long long>(m_frames_dropped));

    fprintf(stream, "boot phases:\n");
    auto start = marked(Mark::MonitorStart);
    auto spawned = marked(Mark::GuestSpawned);
    auto ready = marked(Mark::KernelReady);
    auto loaded = marked(Mark::ProgramLoaded);
    auto exited = marked(Mark::GuestExited);
    print_phase(stream, "monitor setup", start, spawned);
    print_phase(stream, "kernel init", spawned, ready);
    print_phase(stream, "program load", ready, loaded);
    print_phase(stream, "program run", loaded, exited);
    print_phase(stream, "total", start, marked(Mark::VmStopped));

    rusage self {};
    getrusage(RUSAGE_SELF, &self);
    fprintf(stream, "peak RSS: monitor %ld KiB, guest ", self.ru_maxrss);
    if (m_guest_peak_rss_kib)
        fprintf(stream, "%llu KiB\n", static_cast<unsigned long long>(*m_guest_peak_rss_kib));
    else
        fprintf(stream, "-\n");
    // Each first touch of a page is a host page fault: ~10 us on our hosts (PLATFORM.md).
    fprintf(stream, "host page faults: monitor %ld, guest ", self.ru_minflt + self.ru_majflt);
    if (m_guest_peak_rss_kib)
        fprintf(stream, "%llu\n", static_cast<unsigned long long>(m_guest_page_faults));
    else
        fprintf(stream, "-\n");
}

} // namespace host
