// capget and capset: the capability sets of linux/credentials.h. capset may lower them
// within Linux's rules; ambient capabilities and the bounding set are not kept.
#include <lib/errno_codes.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

namespace linux {

namespace {

constexpr uint32_t CAPABILITY_VERSION_1 = 0x19980330, CAPABILITY_VERSION_2 = 0x20071026, CAPABILITY_VERSION_3 = 0x20080522;

struct CapabilityHeader {
    uint32_t version;
    int pid;
};

struct CapabilityData {
    uint32_t effective, permitted, inheritable;
};

// Words of CapabilityData the header's version has: 1 (32 capabilities) or 2 (64); 0 for an
// unknown version, which gets the preferred one written back and EINVAL.
lib::ErrorOr<int> words_of(uint64_t header_address, CapabilityHeader& header)
{
    header = TRY(read_user<CapabilityHeader>(header_address));
    if (header.version == CAPABILITY_VERSION_1)
        return 1;
    if (header.version == CAPABILITY_VERSION_2 || header.version == CAPABILITY_VERSION_3)
        return 2;
    header.version = CAPABILITY_VERSION_3;
    TRY(write_user(header_address, header));
    return EINVAL;
}

} // namespace

// int capget(cap_user_header_t header, cap_user_data_t data);
SyscallResult sys_capget(SyscallArguments& a)
{
    CapabilityHeader header;
    int words = TRY(words_of(a[0], header));
    if (header.pid < 0)
        return EINVAL;
    Process& process = *TRY(process_or_self(header.pid));
    if (!a[1])
        return 0; // asks for the version only
    const Credentials& c = process.credentials;
    CapabilityData data[2] = {
        { static_cast<uint32_t>(c.effective), static_cast<uint32_t>(c.permitted), static_cast<uint32_t>(c.inheritable) },
        { static_cast<uint32_t>(c.effective >> 32), static_cast<uint32_t>(c.permitted >> 32), static_cast<uint32_t>(c.inheritable >> 32) },
    };
    TRY(copy_to_user(a[1], data, sizeof(CapabilityData) * static_cast<size_t>(words)));
    return 0;
}

// int capset(cap_user_header_t header, const cap_user_data_t data);
SyscallResult sys_capset(SyscallArguments& a)
{
    CapabilityHeader header;
    int words = TRY(words_of(a[0], header));
    if (header.pid != 0 && header.pid != current_process().pid)
        return EPERM; // only one's own, as Linux since 2.6.24
    CapabilityData data[2] = {};
    TRY(copy_from_user(data, a[1], sizeof(CapabilityData) * static_cast<size_t>(words)));
    uint64_t effective = data[0].effective | (static_cast<uint64_t>(data[1].effective) << 32);
    uint64_t permitted = data[0].permitted | (static_cast<uint64_t>(data[1].permitted) << 32);
    uint64_t inheritable = data[0].inheritable | (static_cast<uint64_t>(data[1].inheritable) << 32);
    // As Linux (cap_capset): permitted only shrinks, effective within it, inheritable within
    // the old inheritable and permitted sets (no CAP_SETPCAP for more).
    Credentials& c = current_process().credentials;
    if ((permitted & ~c.permitted) || (effective & ~permitted) || (inheritable & ~(c.inheritable | c.permitted)))
        return EPERM;
    c.permitted = permitted;
    c.effective = effective;
    c.inheritable = inheritable;
    return 0;
}

} // namespace linux
