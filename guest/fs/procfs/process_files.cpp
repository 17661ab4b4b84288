// The generated files and links of /proc/PID: a process's name, arguments, memory and state.
// Another process's memory is not mapped while the caller runs (each address space has a host
// of its own), so cmdline and environ read it through the kernel's physical map instead.
#include "procfs_nodes.h"

#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <linux/process.h>
#include <platform/platform.h>
#include <vdso/vdso.h>

namespace fs {

namespace {

constexpr size_t COMM_LENGTH = 16; // TASK_COMM_LEN, with the NUL
constexpr int64_t NS_PER_TICK = 10000000; // USER_HZ = 100

// The thread whose tid is the pid, while it lives.
const linux::Thread* main_thread(const linux::Process& process)
{
    for (const linux::Thread* thread = process.threads; thread; thread = thread->next_in_process) {
        if (thread->tid == process.pid && thread->state != sched::TaskState::Dead)
            return thread;
    }
    return nullptr;
}

int live_threads(const linux::Process& process)
{
    int count = 0;
    for (const linux::Thread* thread = process.threads; thread; thread = thread->next_in_process)
        count += thread->state != sched::TaskState::Dead;
    return count;
}

// The process's name is its main thread's (prctl PR_SET_NAME changes it), as Linux's comm;
// once that thread is gone, the executable's basename, at most 15 bytes.
void process_name(const linux::Process& process, char (&name)[COMM_LENGTH])
{
    static_assert(COMM_LENGTH == 16);
    if (const linux::Thread* main = main_thread(process)) {
        linux::thread_name(*main, name);
        return;
    }
    const char* path = process.executable;
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

// Linux's task states, as stat's one letter and status's words.
struct TaskState {
    char letter;
    const char* words;
};

TaskState state_of(const linux::Process& process)
{
    if (process.state == linux::ProcessState::Zombie)
        return { 'Z', "zombie" };
    if (process.stopped)
        return { 'T', "stopped" };
    const linux::Thread* main = main_thread(process);
    if (!main)
        return { 'Z', "zombie" }; // as Linux shows a group whose leader has exited
    if (main != &linux::current_thread() && sched::is_blocked(*main))
        return { 'S', "sleeping" };
    return { 'R', "running" };
}

int64_t cpu_ns(const linux::Process& process)
{
    int64_t total = process.exited_threads_cpu_ns;
    for (const linux::Thread* thread = process.threads; thread; thread = thread->next_in_process)
        total += sched::cpu_time(*thread);
    return total;
}

// Appends the bytes [start, end) of the process's memory, read through the physical map; stops
// at a page with no frame. Returns how many it appended.
size_t append_memory(TextBuffer& out, const linux::Process& process, uint64_t start, uint64_t end)
{
    const mm::AddressSpace* space = process.address_space();
    if (!space || end <= start)
        return 0;
    uint64_t address = start;
    while (address < end && !out.failed()) {
        auto physical = space->translate(address);
        if (physical.is_error())
            break;
        uint64_t page_end = (address | (kernel::PAGE_SIZE - 1)) + 1;
        uint64_t chunk = (end < page_end ? end : page_end) - address;
        // SAFETY: translate gave the frame backing `address` in this space; the physical map
        // covers all of guest RAM, and we read within that one page.
        out.append(reinterpret_cast<const char*>(hv::physical(physical.value())), chunk);
        address += chunk;
    }
    return address - start;
}

struct MemoryUse {
    uint64_t total, data, stack, text; // bytes
    uint64_t start_code, end_code;
};

bool is_stack(const mm::Region& region) { return region.start < kernel::USER_STACK_TOP && region.end >= kernel::USER_STACK_TOP; }

bool is_heap(const linux::Process& process, const mm::Region& region)
{
    return process.program_break > process.program_break_start && region.start < process.program_break
        && region.end > process.program_break_start;
}

MemoryUse memory_use(const linux::Process& process)
{
    MemoryUse use {};
    const mm::AddressSpace* space = process.address_space();
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
uint64_t signals_with_handler(const linux::Process& process, bool ignored)
{
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

bool is_zombie(const linux::Process& process) { return process.state == linux::ProcessState::Zombie; }

} // namespace

lib::ErrorOr<void> generate_self(ProcFs&, TextBuffer& out)
{
    out.appendf("%d", linux::current_process().pid);
    return {};
}

// A zombie has no memory, files or directories left: its links lead nowhere, as on Linux.
lib::ErrorOr<void> generate_exe(ProcFs&, linux::Process& process, TextBuffer& out)
{
    return is_zombie(process) ? lib::ErrorOr<void>(ENOENT) : append_path(out, process.executable);
}

lib::ErrorOr<void> generate_cwd(ProcFs&, linux::Process& process, TextBuffer& out) { return append_path(out, process.cwd.canonical); }

lib::ErrorOr<void> generate_root(ProcFs&, linux::Process& process, TextBuffer& out)
{
    if (is_zombie(process))
        return ENOENT;
    out.append("/");
    return {};
}

// The argument strings as the process's memory holds them now. As Linux: if the program has
// written over the NUL that ends them (setproctitle), the text runs on to the first NUL, into
// the environment's space if need be, but no further than a page.
lib::ErrorOr<void> generate_cmdline(ProcFs&, linux::Process& process, TextBuffer& out)
{
    const linux::ProgramStrings& strings = process.strings;
    uint64_t start = strings.arguments_start, end = strings.arguments_end;
    TextBuffer last;
    if (end <= start || append_memory(last, process, end - 1, end) != 1)
        return {};
    if (last.data()[0] == '\0') {
        append_memory(out, process, start, end);
        return {};
    }
    uint64_t limit = strings.environment_start == end ? strings.environment_end : end;
    if (limit - start > kernel::PAGE_SIZE)
        limit = start + kernel::PAGE_SIZE;
    TextBuffer text;
    size_t got = append_memory(text, process, start, limit);
    size_t length = 0;
    while (length < got && text.data()[length])
        ++length;
    out.append(text.data(), length < got ? length + 1 : length);
    return {};
}

lib::ErrorOr<void> generate_environ(ProcFs&, linux::Process& process, TextBuffer& out)
{
    append_memory(out, process, process.strings.environment_start, process.strings.environment_end);
    return {};
}

lib::ErrorOr<void> generate_comm(ProcFs&, linux::Process& process, TextBuffer& out)
{
    char name[COMM_LENGTH];
    process_name(process, name);
    out.appendf("%s\n", name);
    return {};
}

// One line per region, unmerged: "start-end perms offset dev inode", and the mapped file's path
// (as the guest named it when mapping it), [heap], [stack], [vdso] or [vvar] at column 74 as
// Linux pads them.
lib::ErrorOr<void> generate_maps(ProcFs&, linux::Process& process, TextBuffer& out)
{
    const mm::AddressSpace* space = process.address_space();
    if (!space)
        return {};
    for (size_t i = 0; i < space->region_count(); ++i) {
        const mm::Region& region = space->region(i);
        size_t line_start = out.length();
        // As Linux: the file's offset, device (major:minor as Linux's MAJOR/MINOR split a dev_t)
        // and inode, then its path, padded to a column.
        const mm::MappedFile* file = region.file;
        uint64_t device = file ? file->device() : 0;
        uint64_t major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfffull);
        uint64_t minor = (device & 0xff) | ((device >> 12) & ~0xffull);
        bool shared = file && (region.flags & mm::RegionShared);
        out.appendf("%08lx-%08lx %c%c%c%c %08lx %02lx:%02lx %lu ", region.start, region.end,
            (region.protection & platform::ProtRead) ? 'r' : '-', (region.protection & platform::ProtWrite) ? 'w' : '-',
            (region.protection & platform::ProtExec) ? 'x' : '-', shared ? 's' : 'p', file ? region.file_offset : 0, major, minor,
            file ? file->inode() : 0);
        const char* name = is_heap(process, region) ? "[heap]" : is_stack(region) ? "[stack]" : nullptr;
        if (region.start == vdso::vvar_address())
            name = "[vvar]";
        else if (region.start == vdso::vdso_address())
            name = "[vdso]";
        else if (file)
            name = file->path();
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

lib::ErrorOr<void> generate_status(ProcFs&, linux::Process& process, TextBuffer& out)
{
    char name[COMM_LENGTH];
    process_name(process, name);
    TaskState state = state_of(process);
    const linux::Thread* main = main_thread(process);
    int parent = process.parent ? process.parent->pid : 0;
    out.appendf("Name:\t%s\nUmask:\t%04o\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", name,
        process.umask, state.letter, state.words, process.pid, process.pid, parent);
    const linux::Credentials& ids = process.credentials;
    out.appendf("Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t64\nGroups:\t", ids.uid, ids.euid, ids.suid, ids.fsuid, ids.gid,
        ids.egid, ids.sgid, ids.fsgid);
    for (uint32_t i = 0; i < ids.group_count; ++i)
        out.appendf(i ? " %u" : "%u", ids.groups[i]);
    out.append_byte('\n');
    out.appendf("NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", process.pid, process.pid, process.process_group, process.session);
    if (process.address_space()) {
        // Every mapped page has a frame behind it, so the resident size is the mapped size.
        MemoryUse use = memory_use(process);
        out.appendf("VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\nVmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n",
            use.total / 1024, use.total / 1024, uint64_t(0), uint64_t(0), use.total / 1024, use.total / 1024);
        out.appendf("RssAnon:\t%8lu kB\nRssFile:\t%8lu kB\nRssShmem:\t%8lu kB\n", use.total / 1024, uint64_t(0), uint64_t(0));
        out.appendf("VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\nVmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\n",
            use.data / 1024, use.stack / 1024, use.text / 1024, uint64_t(0), uint64_t(0), uint64_t(0));
    }
    out.appendf("CoreDumping:\t0\nThreads:\t%d\nSigQ:\t0/63432\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n", live_threads(process),
        main ? main->pending_signals : 0, process.pending_signals);
    out.appendf("SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n", main ? main->signal_mask : 0, signals_with_handler(process, true),
        signals_with_handler(process, false));
    out.appendf("CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t0000000000000000\n",
        ids.inheritable, ids.permitted, ids.effective, linux::Credentials::ALL_CAPABILITIES);
    out.appendf("NoNewPrivs:\t%d\nSeccomp:\t0\n", process.control.no_new_privileges ? 1 : 0);
    out.append("Cpus_allowed:\t1\nCpus_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
    return {};
}

// The 52 fields of Linux's /proc/PID/stat (fs/proc/array.c do_task_stat).
// FIXME: starttime is 0: processes do not record when they started.
lib::ErrorOr<void> generate_stat(ProcFs&, linux::Process& process, TextBuffer& out)
{
    char name[COMM_LENGTH];
    process_name(process, name);
    MemoryUse use = memory_use(process);
    const linux::Thread* main = main_thread(process);
    bool terminal = hv::boot_info().flags & uabi::BootStdinTty;
    int parent = process.parent ? process.parent->pid : 0;
    // PF_RANDOMIZE, and PF_FORKNOEXEC for a child that has not called execve (PID 1 was
    // started by one).
    constexpr uint32_t PF_FORKNOEXEC = 0x40, PF_RANDOMIZE = 0x400000;
    uint32_t flags = PF_RANDOMIZE | (process.did_exec || process.pid == 1 ? 0 : PF_FORKNOEXEC);
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
    out.appendf("%d (%s) %c %d %d %d %d %d %u 0 0 0 0 ", process.pid, name, state_of(process).letter, parent, process.process_group,
        process.session, terminal ? 0x8800 : 0, terminal ? 1 : -1, flags);
    // utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss rsslim
    out.appendf("%ld 0 %ld 0 20 0 %d 0 0 %lu %lu 18446744073709551615 ", cpu_ns(process) / NS_PER_TICK,
        process.children_cpu_ns / NS_PER_TICK, live_threads(process) ? live_threads(process) : 1, use.total, use.total / kernel::PAGE_SIZE);
    // startcode endcode startstack kstkesp kstkeip signal blocked sigignore sigcatch wchan nswap cnswap
    out.appendf("%lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 ", use.start_code, use.end_code, process.address_space() ? kernel::USER_STACK_TOP : 0,
        process.pending_signals | (main ? main->pending_signals : 0), main ? main->signal_mask : 0, signals_with_handler(process, true),
        signals_with_handler(process, false));
    // exit_signal processor rt_priority policy delayacct_blkio_ticks guest_time cguest_time
    // start_data end_data start_brk arg_start arg_end env_start env_end exit_code
    const linux::ProgramStrings& strings = process.strings;
    out.appendf("%d 0 0 0 0 0 0 0 0 %lu %lu %lu %lu %lu %d\n", process.exit_signal, process.program_break_start, strings.arguments_start,
        strings.arguments_end, strings.environment_start, strings.environment_end, is_zombie(process) ? process.wait_status : 0);
    return {};
}

// size resident shared text lib data dt, in pages.
lib::ErrorOr<void> generate_statm(ProcFs&, linux::Process& process, TextBuffer& out)
{
    MemoryUse use = memory_use(process);
    uint64_t page = kernel::PAGE_SIZE;
    out.appendf("%lu %lu 0 %lu 0 %lu 0\n", use.total / page, use.total / page, use.text / page, (use.data + use.stack) / page);
    return {};
}

} // namespace fs
