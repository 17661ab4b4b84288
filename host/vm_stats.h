// VmStats: what --stats reports: hypercalls by number, boot phases, program syscalls, peak RSS.
#pragma once

#include <abi/hypercall.h>
#include <array>
#include <optional>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

namespace host {

// Nanoseconds on CLOCK_MONOTONIC.
uint64_t monotonic_ns();
uint64_t to_ns(const timespec& time);

struct HypercallCounter {
    uint64_t count = 0;
    uint64_t total_ns = 0;
};

class VmStats {
public:
    enum class Mark { MonitorStart, GuestSpawned, KernelReady, ProgramLoaded, GuestExited, VmStopped, Count };

    void mark(Mark mark, uint64_t ns) { m_marks[static_cast<size_t>(mark)] = ns; }
    void mark_now(Mark mark) { this->mark(mark, monotonic_ns()); }
    std::optional<uint64_t> marked(Mark mark) const { return m_marks[static_cast<size_t>(mark)]; }

    void count_hypercall(uint64_t number, uint64_t elapsed_ns);
    const HypercallCounter& hypercall(uint64_t number) const { return m_hypercalls[number]; }

    // Frames through the packet device, and those its receive queue dropped.
    void count_frames(uint64_t sent, uint64_t received)
    {
        m_frames_sent += sent;
        m_frames_received += received;
    }
    void set_frames_dropped(uint64_t dropped) { m_frames_dropped = dropped; }

    void set_syscall_traps(uint64_t traps) { m_syscall_traps = traps; }
    void set_guest_usage(const rusage& usage)
    {
        m_guest_peak_rss_kib = static_cast<uint64_t>(usage.ru_maxrss);
        m_guest_page_faults = static_cast<uint64_t>(usage.ru_minflt + usage.ru_majflt);
    }

    // Prints the report; called once, when the VM ends, only with --stats.
    void print(FILE* stream) const;

private:
    std::array<std::optional<uint64_t>, static_cast<size_t>(Mark::Count)> m_marks {};
    std::array<HypercallCounter, static_cast<size_t>(uabi::Hypercall::Count)> m_hypercalls {};
    std::optional<uint64_t> m_syscall_traps;
    std::optional<uint64_t> m_guest_peak_rss_kib;
    uint64_t m_guest_page_faults { 0 };
    uint64_t m_frames_sent { 0 };
    uint64_t m_frames_received { 0 };
    uint64_t m_frames_dropped { 0 };
};

} // namespace host
