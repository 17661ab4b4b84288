// uname, sysinfo, getrandom.
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <kernel/memory.h>
#include <platform/platform.h>
#include <vdso/vdso.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace linux {

namespace {

void copy_field(char (&field)[65], const char* text, size_t limit = 64)
{
    size_t i = 0;
    for (; text[i] && i < limit; ++i)
        field[i] = text[i];
    field[i] = '\0';
}

constexpr uint64_t GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
constexpr uint64_t GETRANDOM_MAX = 0x7ffff000; // Linux's MAX_RW_COUNT

} // namespace

// int uname(struct utsname *buf);
SyscallResult sys_uname(SyscallArguments& a)
{
    struct {
        char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
    } name {};
    copy_field(name.sysname, "Linux");
    copy_field(name.nodename, "unikit");
    copy_field(name.release, hv::boot_info().kernel_release[0] ? hv::boot_info().kernel_release : "6.1.0-unikit");
    copy_field(name.version, "#1 SMP unikit");
    copy_field(name.machine, "x86_64");
    copy_field(name.domainname, "(none)");
    TRY(write_user(a[0], name));
    return 0;
}

// int sysinfo(struct sysinfo *info);
SyscallResult sys_sysinfo(SyscallArguments& a)
{
    struct {
        int64_t uptime;
        uint64_t loads[3];
        uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        uint16_t procs, pad;
        uint32_t pad2;
        uint64_t totalhigh, freehigh;
        uint32_t mem_unit;
        char reserved[4];
    } info {};
    static_assert(sizeof(info) == 112);
    info.uptime = vdso::monotonic_ns() / 1000000000; // CLOCK_BOOTTIME, as Linux
    info.totalram = platform::ram_size();
    info.freeram = kernel::frame_allocator().free_frames() * mm::FrameAllocator::FRAME_SIZE;
    // Linux counts tasks: every live thread, and a zombie until it is reaped.
    for_each_process([&](Process& process) {
        if (process.state == ProcessState::Zombie)
            ++info.procs;
        for (const Thread* thread = process.threads; thread; thread = thread->next_in_process)
            info.procs += thread->state != sched::TaskState::Dead;
    });
    info.mem_unit = 1;
    TRY(write_user(a[0], info));
    return 0;
}

// ssize_t getrandom(void *buf, size_t buflen, unsigned int flags);
// Bytes from the host's getrandom, a bounce buffer at a time. The host's pool is initialised
// long before a guest starts, so no flag ever makes this wait.
SyscallResult sys_getrandom(SyscallArguments& a)
{
    uint64_t flags = a[2];
    if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) || (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
        return EINVAL;
    uint64_t length = a[1] < GETRANDOM_MAX ? a[1] : GETRANDOM_MAX;
    if (!is_user_range(a[0], length))
        return EFAULT;
    uint64_t done = 0;
    while (done < length) {
        uint64_t chunk = length - done < uabi::BOUNCE_BUFFER_SIZE ? length - done : uabi::BOUNCE_BUFFER_SIZE;
        uabi::RandomRequest request { uabi::BOUNCE_BUFFER_GPA, chunk };
        auto got = hv::result_of(hv::call(uabi::Hypercall::Random, request));
        auto copied = got.is_error() ? lib::ErrorOr<void>(lib::Error(got.error())) : copy_to_user(a[0] + done, hv::physical(uabi::BOUNCE_BUFFER_GPA), chunk);
        if (copied.is_error()) {
            if (done)
                break;
            return lib::Error(copied.error());
        }
        done += chunk;
    }
    return static_cast<int64_t>(done);
}

} // namespace linux
