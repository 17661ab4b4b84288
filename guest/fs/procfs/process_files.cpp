// The generated files and links of /proc/1: the process's name, arguments, memory and state.
#include "procfs_nodes.h"

#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <linux/process.h>
#include <platform/platform.h>
#include <vdso/vdso.h>

namespace fs {

namespace {

constexpr size_t COMM_LENGTH = 16; // TASK_COMM_LEN, with the NUL

// Appends strings [first, first+count) of the boot arguments (argv, then envp), each with its
// NUL, as /proc/PID/cmdline and environ show them.
void append_boot_strings(TextBuffer& out, size_t first, size_t count)
{
    const uabi::BootInfo& boot = hv::boot_info();
    size_t total = boot.args_length <= uabi::ARGS_MAX ? boot.args_length : 0;
    // SAFETY: the monitor wrote args_length (at most ARGS_MAX) bytes of strings at ARGS_GPA
    // before boot, and nobody writes there afterwards; we never read past args_length.
    const char* strings = reinterpret_cast<const char*>(hv::physical(uabi::ARGS_GPA));
    size_t position = 0;
    for (size_t i = 0; i < first + count && position < total; ++i) {
        size_t start = position;
        while (position < total && strings[position])
            ++position;
        if (position < total)
            ++position; // the NUL
        if (i >= first)
            out.append(strings + start, position - start);
    }
}

// The process's name as Linux keeps it: the executable's basename, at most 15 bytes.
// The process's name is its main thread's (prctl PR_SET_NAME changes it), as Linux's comm.
void process_name(char (&name)[COMM_LENGTH])
{
    static_assert(COMM_LENGTH == 16);
    const linux::Thread* main = linux::find_thread(1);
    if (main) {
        linux::thread_name(*main, name);
        return;
    }
    const char* path = linux::current_process().executable;
    const char* base = path;
    for (const char* p = path; *p; ++p)
        if (*p == '/' && p[1])
            base = p + 1;
    size_t length = 0;
    while (base[length] && base[length] != '/' && length < COMM_LENGTH - 1) {
        name[length] = base[length];
        ++length;
    }
    name[length] = '\0';
}

struct MemoryUse {
    uint64_t total, data, stack, text; // bytes
    uint64_t start_code, end_code;
};

bool is_stack(const mm::Region& region) { return region.start < kernel::USER_STACK_TOP && region.end >= kernel::USER_STACK_TOP; }

bool is_heap(const mm::Region& region)
{
    const linux::Process& process = linux::current_process();
    return process.program_break > process.program_break_start && region.start < process.program_break
        && region.end > process.program_break_start;
}

MemoryUse memory_use()
{
    MemoryUse use {};
    const mm::AddressSpace* space = linux::current_process().address_space;
    if (!space)
        return use;
    for (size_t i = 0; i < space->region_count(); ++i) {
        const mm::Region& region = space->region(i);
        use.total += region.size();
        if (region.start >= kernel::USER_STACK_TOP - kernel::USER_STACK_SIZE && region.end <= kernel::USER_STACK_TOP)
            use.stack += region.size();
        else if (region.protection & platform::ProtExec) {
            use.text += region.size();
            if (use.start_code == 0) {
                use.start_code = region.start;
                use.end_code = region.end;
            }
        } else if (region.protection & platform::ProtWrite)
            use.data += region.size();
    }
    return use;
}

// Signals (bit n-1 for signal n) whose action is to ignore (1) or a handler (above 1).
uint64_t signals_with_handler(bool ignored)
{
    const linux::Process& process = linux::current_process();
    uint64_t set = 0;
    for (int signal = 1; signal <= linux::SIGNAL_COUNT; ++signal) {
        uint64_t handler = process.signal_actions[signal].handler;
        if (ignored ? handler == 1 : handler > 1)
            set |= uint64_t(1) << (signal - 1);
    }
    return set;
}

lib::ErrorOr<void> append_path(TextBuffer& out, const char* path)
{
    if (!path[0])
        return ENOENT;
    out.append(path);
    return {};
}

} // namespace

lib::ErrorOr<void> generate_self(ProcFs&, TextBuffer& out) { out.append("1"); return {}; }
lib::ErrorOr<void> generate_exe(ProcFs&, TextBuffer& out) { return append_path(out, linux::current_process().executable); }
lib::ErrorOr<void> generate_cwd(ProcFs&, TextBuffer& out) { return append_path(out, linux::current_process().cwd.canonical); }
lib::ErrorOr<void> generate_root(ProcFs&, TextBuffer& out) { out.append("/"); return {}; }

lib::ErrorOr<void> generate_cmdline(ProcFs&, TextBuffer& out)
{
    append_boot_strings(out, 0, hv::boot_info().argc);
    return {};
}

lib::ErrorOr<void> generate_environ(ProcFs&, TextBuffer& out)
{
    append_boot_strings(out, hv::boot_info().argc, hv::boot_info().envc);
    return {};
}

lib::ErrorOr<void> generate_comm(ProcFs&, TextBuffer& out)
{
    char name[COMM_LENGTH];
    process_name(name);
    out.appendf("%s\n", name);
    return {};
}

// One line per region, unmerged: "start-end perms offset dev inode", and [heap] or [stack]
// at column 74 as Linux pads them. FIXME: file names once regions know their files.
lib::ErrorOr<void> generate_maps(ProcFs&, TextBuffer& out)
{
    const mm::AddressSpace* space = linux::current_process().address_space;
    if (!space)
        return {};
    for (size_t i = 0; i < space->region_count(); ++i) {
        const mm::Region& region = space->region(i);
        size_t line_start = out.length();
        out.appendf("%08lx-%08lx %c%c%cp %08lx 00:00 0 ", region.start, region.end,
            (region.protection & platform::ProtRead) ? 'r' : '-', (region.protection & platform::ProtWrite) ? 'w' : '-',
            (region.protection & platform::ProtExec) ? 'x' : '-', uint64_t(0));
        const char* name = is_heap(region) ? "[heap]" : is_stack(region) ? "[stack]" : nullptr;
        if (region.start == vdso::vvar_address())
            name = "[vvar]";
        else if (region.start == vdso::vdso_address())
            name = "[vdso]";
        if (name) {
            constexpr size_t PAD_TO = 25 + sizeof(void*) * 6 - 1;
            while (!out.failed() && out.length() - line_start < PAD_TO)
                out.append_byte(' ');
            out.append_byte(' ');
            out.append(name);
        }
        out.append_byte('\n');
    }
    return {};
}

lib::ErrorOr<void> generate_status(ProcFs&, TextBuffer& out)
{
    const linux::Process& process = linux::current_process();
    char name[COMM_LENGTH];
    process_name(name);
    MemoryUse use = memory_use();
    out.appendf("Name:\t%s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\nTracerPid:\t0\n", name, process.umask);
    out.append("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\nNStgid:\t1\nNSpid:\t1\nNSpgid:\t1\nNSsid:\t1\n");
    // Every mapped page has a frame behind it, so the resident size is the mapped size.
    out.appendf("VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\nVmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n",
        use.total / 1024, use.total / 1024, uint64_t(0), uint64_t(0), use.total / 1024, use.total / 1024);
    out.appendf("RssAnon:\t%8lu kB\nRssFile:\t%8lu kB\nRssShmem:\t%8lu kB\n", use.total / 1024, uint64_t(0), uint64_t(0));
    out.appendf("VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\nVmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\n",
        use.data / 1024, use.stack / 1024, use.text / 1024, uint64_t(0), uint64_t(0), uint64_t(0));
    out.append("CoreDumping:\t0\nThreads:\t1\nSigQ:\t0/63432\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n");
    out.appendf("SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n", linux::current_thread().signal_mask, signals_with_handler(true), signals_with_handler(false));
    out.append("CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n"
               "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
               "Cpus_allowed:\t1\nCpus_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
    return {};
}

// The 52 fields of Linux's /proc/PID/stat (fs/proc/array.c do_task_stat).
lib::ErrorOr<void> generate_stat(ProcFs& fs, TextBuffer& out)
{
    const linux::Process& process = linux::current_process();
    char name[COMM_LENGTH];
    process_name(name);
    MemoryUse use = memory_use();
    bool terminal = hv::boot_info().flags & uabi::BootStdinTty;
    // FIXME: no CPU accounting yet; the one process is charged all the time since boot.
    uint64_t ticks = static_cast<uint64_t>(platform::clock_ns(1) - fs.mount_time_ns()) / 10000000;
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
    out.appendf("1 (%s) R 0 1 1 %d %d 4194304 0 0 0 0 ", name, terminal ? 0x8800 : 0, terminal ? 1 : -1);
    // utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss rsslim
    out.appendf("%lu 0 0 0 20 0 1 0 0 %lu %lu 18446744073709551615 ", ticks, use.total, use.total / kernel::PAGE_SIZE);
    // startcode endcode startstack kstkesp kstkeip signal blocked sigignore sigcatch wchan nswap cnswap
    out.appendf("%lu %lu %lu 0 0 0 %lu %lu %lu 0 0 0 ", use.start_code, use.end_code, kernel::USER_STACK_TOP, linux::current_thread().signal_mask,
        signals_with_handler(true), signals_with_handler(false));
    // exit_signal processor rt_priority policy delayacct_blkio_ticks guest_time cguest_time
    // start_data end_data start_brk arg_start arg_end env_start env_end exit_code
    out.appendf("17 0 0 0 0 0 0 0 0 %lu 0 0 0 0 0\n", process.program_break_start);
    return {};
}

// size resident shared text lib data dt, in pages.
lib::ErrorOr<void> generate_statm(ProcFs&, TextBuffer& out)
{
    MemoryUse use = memory_use();
    uint64_t page = kernel::PAGE_SIZE;
    out.appendf("%lu %lu 0 %lu 0 %lu 0\n", use.total / page, use.total / page, use.text / page, (use.data + use.stack) / page);
    return {};
}

} // namespace fs
