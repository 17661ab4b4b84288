// uname, sysinfo, getrandom.
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>

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

constexpr uint64_t GETRANDOM_FLAGS = 1 | 2 | 4; // GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE

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
    info.uptime = platform::clock_ns(1) / 1000000000;
    info.totalram = platform::ram_size();
    info.freeram = platform::ram_size() / 2; // FIXME: report the frame allocator's count
    info.procs = 1;
    info.mem_unit = 1;
    TRY(write_user(a[0], info));
    return 0;
}

// ssize_t getrandom(void *buf, size_t buflen, unsigned int flags);
SyscallResult sys_getrandom(SyscallArguments& a)
{
    if (a[2] & ~GETRANDOM_FLAGS)
        return EINVAL;
    uint64_t length = a[1] < uabi::BOUNCE_BUFFER_SIZE ? a[1] : uabi::BOUNCE_BUFFER_SIZE;
    if (!is_user_range(a[0], length))
        return EFAULT;
    uabi::RandomRequest request { uabi::BOUNCE_BUFFER_GPA, length };
    TRY(hv::result_of(hv::call(uabi::Hypercall::Random, request)));
    TRY(copy_to_user(a[0], hv::physical(uabi::BOUNCE_BUFFER_GPA), length));
    return static_cast<int64_t>(length);
}

} // namespace linux
