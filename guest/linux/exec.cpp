// A program image in a process: the ELF, the stack with its arguments and auxiliary vector,
// and the vDSO (see linux/exec.h).
#include <kernel/layout.h>
#include <linux/exec.h>
#include <linux/initial_stack.h>
#include <platform/platform.h>
#include <vdso/vdso.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" size_t strlen(const char*);

namespace linux {

namespace {

uint64_t hwcap()
{
    uint32_t eax = 1, ebx, ecx = 0, edx;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return edx;
}

size_t strings_size(const char* const* strings, size_t count)
{
    size_t size = 0;
    for (size_t i = 0; i < count; ++i)
        size += strlen(strings[i]) + 1;
    return size;
}

// Where the stack's argument and environment strings went (Linux's mm->arg_start...env_end,
// which /proc/PID/cmdline and environ read): argv's strings, then envp's, end to end.
void record_string_area(Process& process, const ProgramArguments& arguments, uint64_t stack_pointer)
{
    // SAFETY: build_initial_stack just wrote argc, argv and envp at stack_pointer, in this
    // (current) address space, through the same direct mapping.
    const auto* words = reinterpret_cast<const uint64_t*>(stack_pointer);
    uint64_t start = arguments.argc ? words[1] : arguments.envc ? words[2] : 0;
    ProgramStrings& strings = process.strings;
    strings.arguments_start = start;
    strings.arguments_end = strings.environment_start = start + strings_size(arguments.argv, arguments.argc);
    strings.environment_end = strings.environment_start + strings_size(arguments.envp, arguments.envc);
}

} // namespace

lib::ErrorOr<ProgramStart> load_image(Process& process, const ProgramFile& file, const ProgramArguments& arguments, const uint8_t (&random)[16], LoadFailure& failure)
{
    using kernel::USER_STACK_SIZE;
    using kernel::USER_STACK_TOP;
    mm::AddressSpace& space = *process.address_space();
    uint64_t bias_random;
    memcpy(&bias_random, random, sizeof(bias_random));
    auto loaded = TRY(load_program(file, space, bias_random, failure));
    process.program_break_start = process.program_break = loaded.program_break;
    failure.message[0] = 0;

    // The stack: mapped whole (untouched pages cost the host nothing), built at its top.
    TRY(space.map_anonymous(USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, platform::ProtRead | platform::ProtWrite));
    uint64_t vdso = TRY(vdso::map_into(space));
    AuxiliaryEntry auxiliary[] = {
        { AT_PHDR, loaded.program_headers },
        { AT_PHENT, 56 },
        { AT_PHNUM, loaded.program_header_count },
        { AT_PAGESZ, kernel::PAGE_SIZE },
        { AT_BASE, loaded.interpreter_base },
        { AT_FLAGS, 0 },
        { AT_ENTRY, loaded.program_entry },
        { AT_UID, 0 },
        { AT_EUID, 0 },
        { AT_GID, 0 },
        { AT_EGID, 0 },
        { AT_SECURE, 0 },
        { AT_HWCAP, hwcap() },
        { AT_HWCAP2, platform::hwcap2() },
        { AT_CLKTCK, 100 },
        { AT_MINSIGSTKSZ, platform::minimum_signal_stack_size() },
        { AT_SYSINFO_EHDR, vdso },
    };
    StackContents contents {
        arguments.argv, arguments.argc, arguments.envp, arguments.envc,
        process.executable, "x86_64", random, auxiliary, sizeof(auxiliary) / sizeof(auxiliary[0])
    };
    // The top 256 KiB of the stack hold the arguments, as Linux allows up to a quarter of it.
    constexpr size_t ARGUMENT_AREA = 256 * 1024;
    auto* top_bytes = reinterpret_cast<uint8_t*>(USER_STACK_TOP - ARGUMENT_AREA);
    uint64_t stack_pointer = TRY(build_initial_stack(top_bytes, USER_STACK_TOP, ARGUMENT_AREA, contents));
    record_string_area(process, arguments, stack_pointer);
    return ProgramStart { loaded.entry, stack_pointer };
}

} // namespace linux
