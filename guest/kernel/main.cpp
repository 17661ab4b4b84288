// Kernel start-up: memory, the program's files and address space, then the program itself.
#include <abi/boot_info.h>
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <kernel/log.h>
#include <kernel/memory.h>
#include <kernel/traps.h>
#include <kernel/format.h>
#include <kernel/mounts.h>
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <linux/console.h>
#include <linux/exec.h>
#include <linux/program_image.h>
#include <linux/process.h>
#include <linux/program_loader.h>
#include <mm/heap.h>
#include <net/inet.h>
#include <net/packet_device.h>
#include <platform/platform.h>
#include <sched/scheduler.h>
#include <vdso/vdso.h>

extern "C" size_t strlen(const char*);
extern "C" void* memcpy(void*, const void*, size_t);

namespace kernel {

namespace {

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

// PROGRAM is a `#!` script: its interpreter runs, with argv rewritten as execve does.
linux::ProgramFile start_script(const linux::ProgramFile& script, const Arguments& arguments, linux::ImageArguments& image, linux::ProgramArguments& out)
{
    if (image.allocate().is_error())
        panic("out of memory at boot");
    for (size_t i = 0; i < arguments.argc; ++i)
        if (linux::push_kernel_string(image, i == 0 ? script.path : arguments.argv[i]).is_error())
            fail_to_start(uabi::ExitKind::NotExecutable, "argument list too long");
    image.m_argc = arguments.argc;
    for (size_t i = 0; i < arguments.envc; ++i)
        if (linux::push_kernel_string(image, arguments.envp[i]).is_error())
            fail_to_start(uabi::ExitKind::NotExecutable, "argument list too long");
    image.m_envc = arguments.envc;
    auto file = linux::resolve_image(script.path, image);
    if (file.is_error()) {
        char message[200];
        format(message, sizeof(message), "%s: cannot execute: %s", script.path, lib::errno_message(file.error()));
        fail_to_start(file.error() == ENOENT.code ? uabi::ExitKind::NotFound : uabi::ExitKind::NotExecutable, message);
    }
    image.terminate_lists();
    out = image.view();
    return file.value();
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
    net::register_inet_families(); // lwIP itself starts with the first AF_INET/AF_INET6 socket
    if (net::attach_packet_device().is_error())
        log(uabi::LogLevel::Warn, "unikit: kernel: cannot attach the network interface");
    log_step("network attached");
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
    process.memory->space = linux::make_address_space();
    if (!process.memory->space)
        panic("out of memory at boot");
    report_phase(uabi::BootPhase::KernelReady);

    Arguments arguments = read_arguments(boot);
    const char* search_path = linux::find_environment_variable(arguments.envp, "PATH");
    linux::LoadFailure failure {};
    auto file = linux::find_program(arguments.argv[0], search_path ? search_path : DEFAULT_PATH, process.cwd.canonical, failure);
    if (file.is_error())
        fail_to_start(failure.not_found ? uabi::ExitKind::NotFound : uabi::ExitKind::NotExecutable, failure.message);
    linux::ProgramArguments program_arguments { arguments.argv, arguments.argc, arguments.envp, arguments.envc };
    linux::ImageArguments script_arguments;
    linux::ProgramFile program = file.value();
    if (linux::is_script(program))
        program = start_script(program, arguments, script_arguments, program_arguments);
    memcpy(process.executable, program.path, strlen(program.path) + 1);
    log_step("program found");

    uint8_t random[16];
    memcpy(random, boot.random_seed, sizeof(random));
    auto start = linux::load_image(process, program, program_arguments, random, failure);
    if (start.is_error()) {
        if (start.error() == ENOMEM.code)
            fail_to_start(uabi::ExitKind::OutOfMemory, failure.message[0] ? failure.message : "no memory for the program");
        // A missing dynamic linker is "not found" (127), as execve's ENOENT makes it for a shell.
        fail_to_start(failure.not_found ? uabi::ExitKind::NotFound : uabi::ExitKind::NotExecutable,
            failure.message[0] ? failure.message : "argument list too long");
    }
    log_step("stack built");
    report_phase(uabi::BootPhase::ProgramLoaded);
    platform::enter_program(start.value().entry, start.value().stack_pointer);
}

} // namespace kernel
