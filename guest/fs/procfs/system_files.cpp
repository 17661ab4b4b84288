// The machine-wide files of /proc: meminfo, uptime, loadavg, version, stat and /proc/sys.
#include "procfs_nodes.h"

#include <hv/hypercall.h>
#include <kernel/memory.h>
#include <linux/process.h>
#include <platform/platform.h>

namespace fs {

namespace {

constexpr uint64_t TICKS_PER_SECOND = 100; // USER_HZ

uint64_t nanoseconds_since_mount(ProcFs& fs)
{
    int64_t elapsed = platform::clock_ns(1) - fs.mount_time_ns();
    return elapsed > 0 ? static_cast<uint64_t>(elapsed) : 0;
}

uint64_t process_memory_bytes()
{
    const mm::AddressSpace* space = linux::current_process().address_space();
    uint64_t total = 0;
    for (size_t i = 0; space && i < space->region_count(); ++i)
        total += space->region(i).size();
    return total;
}

// "Name:           12345 kB": the name padded to 16 columns, the number to 8.
void meminfo_line(TextBuffer& out, const char* name, uint64_t kilobytes) { out.appendf("%-16s%8lu kB\n", name, kilobytes); }

} // namespace

lib::ErrorOr<void> generate_meminfo(ProcFs&, TextBuffer& out)
{
    uint64_t total = hv::boot_info().ram_size / 1024;
    uint64_t free = kernel::frame_allocator().free_frames() * (mm::FrameAllocator::FRAME_SIZE / 1024);
    uint64_t anonymous = process_memory_bytes() / 1024;
    meminfo_line(out, "MemTotal:", total);
    meminfo_line(out, "MemFree:", free);
    meminfo_line(out, "MemAvailable:", free);
    meminfo_line(out, "Buffers:", 0);
    meminfo_line(out, "Cached:", 0);
    meminfo_line(out, "SwapCached:", 0);
    meminfo_line(out, "Active:", anonymous);
    meminfo_line(out, "Inactive:", 0);
    meminfo_line(out, "Active(anon):", anonymous);
    meminfo_line(out, "Inactive(anon):", 0);
    meminfo_line(out, "Active(file):", 0);
    meminfo_line(out, "Inactive(file):", 0);
    meminfo_line(out, "Unevictable:", 0);
    meminfo_line(out, "Mlocked:", 0);
    meminfo_line(out, "SwapTotal:", 0);
    meminfo_line(out, "SwapFree:", 0);
    meminfo_line(out, "Dirty:", 0);
    meminfo_line(out, "Writeback:", 0);
    meminfo_line(out, "AnonPages:", anonymous);
    meminfo_line(out, "Mapped:", 0);
    meminfo_line(out, "Shmem:", 0);
    meminfo_line(out, "KReclaimable:", 0);
    meminfo_line(out, "Slab:", 0);
    meminfo_line(out, "SReclaimable:", 0);
    meminfo_line(out, "SUnreclaim:", 0);
    meminfo_line(out, "KernelStack:", 0);
    meminfo_line(out, "PageTables:", 0);
    meminfo_line(out, "CommitLimit:", total);
    meminfo_line(out, "Committed_AS:", anonymous);
    meminfo_line(out, "VmallocTotal:", 34359738367);
    meminfo_line(out, "VmallocUsed:", 0);
    meminfo_line(out, "VmallocChunk:", 0);
    out.append("HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n");
    meminfo_line(out, "Hugepagesize:", 2048);
    return {};
}

// "12.34 0.00": seconds since boot and seconds idle, in hundredths.
lib::ErrorOr<void> generate_uptime(ProcFs& fs, TextBuffer& out)
{
    uint64_t centiseconds = nanoseconds_since_mount(fs) / 10000000;
    out.appendf("%lu.%02lu 0.00\n", centiseconds / 100, centiseconds % 100);
    return {};
}

// "0.00 0.00 0.00 RUNNING/TASKS LAST": the reader is the one running task; every live thread
// is a task; the last pid given out is the highest one alive (FIXME: a reaped one may be
// higher).
lib::ErrorOr<void> generate_loadavg(ProcFs&, TextBuffer& out)
{
    int tasks = 0, last = 0;
    linux::for_each_process([&](linux::Process& process) {
        last = process.pid > last ? process.pid : last;
        for (const linux::Thread* thread = process.threads; thread; thread = thread->next_in_process) {
            if (thread->state == sched::TaskState::Dead)
                continue;
            ++tasks;
            last = thread->tid > last ? thread->tid : last;
        }
    });
    out.appendf("0.00 0.00 0.00 1/%d %d\n", tasks, last);
    return {};
}

lib::ErrorOr<void> generate_version(ProcFs&, TextBuffer& out)
{
    out.appendf("Linux version %.64s (unikit@unikit) (unikit) #1 SMP\n", hv::boot_info().kernel_release);
    return {};
}

// /proc/stat: one CPU that has run the program all along (FIXME: no CPU accounting yet).
lib::ErrorOr<void> generate_system_stat(ProcFs& fs, TextBuffer& out)
{
    uint64_t ticks = nanoseconds_since_mount(fs) / (1000000000 / TICKS_PER_SECOND);
    out.appendf("cpu  %lu 0 0 0 0 0 0 0 0 0\ncpu0 %lu 0 0 0 0 0 0 0 0 0\n", ticks, ticks);
    out.appendf("intr 0\nctxt 0\nbtime %ld\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n", hv::boot_info().wall_clock_sec);
    out.append("softirq 0 0 0 0 0 0 0 0 0 0 0\n");
    return {};
}

lib::ErrorOr<void> generate_osrelease(ProcFs&, TextBuffer& out)
{
    out.appendf("%.64s\n", hv::boot_info().kernel_release);
    return {};
}

lib::ErrorOr<void> generate_ostype(ProcFs&, TextBuffer& out)
{
    out.append("Linux\n");
    return {};
}

// The same name uname() reports.
lib::ErrorOr<void> generate_hostname(ProcFs&, TextBuffer& out)
{
    out.append("unikit\n");
    return {};
}

lib::ErrorOr<void> generate_pid_max(ProcFs&, TextBuffer& out)
{
    out.append("32768\n");
    return {};
}

lib::ErrorOr<void> generate_overcommit_memory(ProcFs&, TextBuffer& out)
{
    out.append("0\n");
    return {};
}

} // namespace fs
