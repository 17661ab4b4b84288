// Kernel start-up: memory, the program's files and address space, then the program itself.
#include <abi/boot_info.h>
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <kernel/log.h>
#include <kernel/memory.h>
#include <kernel/traps.h>
#include <kernel/format.h>
#include <kernel/mounts.h>
#include <lib/errno_codes.h>
#include <linux/console.h>
#include <linux/initial_stack.h>
#include <linux/process.h>
#include <linux/program_loader.h>
#include <mm/heap.h>
#include <platform/platform.h>
#include <sched/scheduler.h>
#include <vdso/vdso.h>

extern "C" size_t strlen(const char*);
extern "C" void* memcpy(void*, const void*, size_t);

namespace kernel {

namespace {

constexpr size_t MAX_REGIONS = 4096;
constexpr const char* DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct Arguments {
    const char** argv;
    const char** envp;
    size_t argc;
    size_t envc;
};

Arguments read_arguments(const uabi::BootInfo& boot)
{
    Arguments arguments { nullptr, nullptr, boot.argc, boot.envc };
    arguments.argv = static_cast<const char**>(mm::kmalloc((boot.argc + 1) * sizeof(char*)));
    arguments.envp = static_cast<const char**>(mm::kmalloc((boot.envc + 1) * sizeof(char*)));
    if (!arguments.argv || !arguments.envp || boot.argc == 0 || boot.args_length > uabi::ARGS_MAX)
        panic("bad boot arguments");
    const char* cursor = reinterpret_cast<const char*>(hv::physical(uabi::ARGS_GPA));
    const char* end = cursor + boot.args_length;
    for (size_t i = 0; i < boot.argc + boot.envc; ++i) {
        const char*& slot = i < boot.argc ? arguments.argv[i] : arguments.envp[i - boot.argc];
        slot = cursor;
        while (cursor < end && *cursor)
            ++cursor;
        if (cursor == end)
            panic("boot arguments are not NUL-terminated");
        ++cursor;
    }
    arguments.argv[boot.argc] = nullptr;
    arguments.envp[boot.envc] = nullptr;
    return arguments;
}

[[noreturn]] void fail_to_start(uabi::ExitKind kind, const char* message)
{
    uabi::ExitRequest request {};
    request.kind = static_cast<uint32_t>(kind);
    size_t length = strlen(message);
    if (length >= sizeof(request.message))
        length = sizeof(request.message) - 1;
    memcpy(request.message, message, length);
    hv::exit(request);
}

// --log-level=debug: how long each start-up step took.
void log_step(const char* step)
{
    static int64_t last = platform::clock_ns(1);
    int64_t now = platform::clock_ns(1);
    log(uabi::LogLevel::Debug, "unikit: kernel: %s (%ld us)", step, (now - last) / 1000);
    last = now;
}

void report_phase(uabi::BootPhase phase)
{
    if (!(hv::boot_info().flags & uabi::BootStats))
        return;
    uabi::BootPhaseRequest request { static_cast<uint32_t>(phase), 0 };
    hv::call(uabi::Hypercall::BootPhase, request);
}

uint64_t random_word(const uabi::BootInfo& boot, size_t index)
{
    uint64_t word;
    memcpy(&word, boot.random_seed + 16 + 8 * (index % 2), sizeof(word));
    return word;
}

uint64_t hwcap()
{
    uint32_t eax = 1, ebx, ecx = 0, edx;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return edx;
}

} // namespace

void main()
{
    const uabi::BootInfo& boot = hv::boot_info();
    if (boot.magic != uabi::BOOT_MAGIC || boot.abi_version != uabi::UNIKIT_ABI_VERSION)
        panic("monitor and kernel disagree on the ABI version");
    log_step("boot");
    vdso::start_clock();
    sched::set_clock(vdso::monotonic_ns); // the TSC: no host call at each task switch
    initialize_memory();
    log_step("memory ready");

    linux::create_main_thread();
    linux::Process& process = linux::current_process();
    auto mounted = mount_file_systems();
    if (mounted.is_error()) {
        char message[96];
        format(message, sizeof(message), "cannot mount the root file system: %s", lib::errno_message(mounted.error()));
        fail_to_start(uabi::ExitKind::KernelFailed, message);
    }
    log_step("file systems mounted");
    {
        vfs::WalkResult root;
        if (vfs::walk("/", process.cwd, vfs::WalkOptions {}, root, &process.cwd).is_error())
            panic("no root directory");
        root.node.clear();
        root.parent.clear();
    }
    for (int fd = 0; fd < 3; ++fd) {
        auto vnode = linux::console_vnode(fd);
        auto file = vnode ? vfs::OpenFile::create(vnode, fd == 0 ? vfs::ReadOnly : vfs::WriteOnly, "/dev/console") : lib::ErrorOr<lib::RefPtr<vfs::OpenFile>>(ENOMEM);
        if (file.is_error() || process.files.install_at(fd, file.value(), false).is_error())
            panic("out of memory at boot");
    }
    auto* regions = static_cast<mm::Region*>(mm::kmalloc(MAX_REGIONS * sizeof(mm::Region)));
    auto* space_memory = mm::kmalloc(sizeof(mm::AddressSpace));
    if (!regions || !space_memory)
        panic("out of memory at boot");
    process.address_space = new (space_memory) mm::AddressSpace(page_mapper(), frame_allocator(), regions, MAX_REGIONS, MMAP_BOTTOM, USER_END);
    report_phase(uabi::BootPhase::KernelReady);

    Arguments arguments = read_arguments(boot);
    const char* search_path = linux::find_environment_variable(arguments.envp, "PATH");
    linux::LoadFailure failure {};
    auto file = linux::find_program(arguments.argv[0], search_path ? search_path : DEFAULT_PATH, process.cwd.canonical, failure);
    if (file.is_error())
        fail_to_start(failure.not_found ? uabi::ExitKind::NotFound : uabi::ExitKind::NotExecutable, failure.message);
    memcpy(process.executable, file.value().path, strlen(file.value().path) + 1);
    log_step("program found");

    mm::AddressSpace& space = *process.address_space;
    auto loaded = linux::load_program(file.value(), space, random_word(boot, 0), failure);
    if (loaded.is_error())
        fail_to_start(loaded.error() == ENOMEM.code ? uabi::ExitKind::OutOfMemory : uabi::ExitKind::NotExecutable, failure.message);
    process.program_break_start = process.program_break = loaded.value().program_break;
    log_step("program loaded");

    // The stack: mapped whole (untouched pages cost the host nothing), built at its top.
    uint64_t stack_bottom = USER_STACK_TOP - USER_STACK_SIZE;
    if (space.map_anonymous(stack_bottom, USER_STACK_SIZE, platform::ProtRead | platform::ProtWrite).is_error())
        fail_to_start(uabi::ExitKind::OutOfMemory, "no memory for the program's stack");
    auto vdso = vdso::map_into(space);
    if (vdso.is_error())
        fail_to_start(uabi::ExitKind::OutOfMemory, "no memory for the vDSO");
    linux::AuxiliaryEntry auxiliary[] = {
        { linux::AT_PHDR, loaded.value().program_headers },
        { linux::AT_PHENT, 56 },
        { linux::AT_PHNUM, loaded.value().program_header_count },
        { linux::AT_PAGESZ, PAGE_SIZE },
        { linux::AT_BASE, 0 },
        { linux::AT_FLAGS, 0 },
        { linux::AT_ENTRY, loaded.value().entry },
        { linux::AT_UID, 0 },
        { linux::AT_EUID, 0 },
        { linux::AT_GID, 0 },
        { linux::AT_EGID, 0 },
        { linux::AT_SECURE, 0 },
        { linux::AT_HWCAP, hwcap() },
        { linux::AT_HWCAP2, platform::hwcap2() },
        { linux::AT_CLKTCK, 100 },
        { linux::AT_MINSIGSTKSZ, platform::minimum_signal_stack_size() },
        { linux::AT_SYSINFO_EHDR, vdso.value() },
    };
    linux::StackContents contents {
        arguments.argv, arguments.argc, arguments.envp, arguments.envc,
        process.executable, "x86_64", boot.random_seed, auxiliary, sizeof(auxiliary) / sizeof(auxiliary[0])
    };
    // The top 256 KiB of the stack hold the arguments, as Linux allows up to a quarter of it.
    constexpr size_t ARGUMENT_AREA = 256 * 1024;
    auto* top_bytes = reinterpret_cast<uint8_t*>(USER_STACK_TOP - ARGUMENT_AREA);
    auto stack_pointer = linux::build_initial_stack(top_bytes, USER_STACK_TOP, ARGUMENT_AREA, contents);
    if (stack_pointer.is_error())
        fail_to_start(uabi::ExitKind::NotExecutable, "argument list too long");

    log_step("stack built");
    report_phase(uabi::BootPhase::ProgramLoaded);
    platform::enter_program(loaded.value().entry, stack_pointer.value());
}

} // namespace kernel
