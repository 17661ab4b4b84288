// Writes uabi::BootInfo and the packed argv/envp strings into guest RAM before the guest starts.
#include "host/boot_info_writer.h"
#include "host/vm_error.h"

#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace host {

std::optional<std::string> pack_arguments(const std::vector<std::string>& argv, const std::vector<std::string>& envp)
{
    std::string packed;
    for (auto const* list : { &argv, &envp }) {
        for (auto const& string : *list) {
            // An embedded NUL would silently split one argument in two.
            if (string.find('\0') != std::string::npos)
                return std::nullopt;
            packed.append(string);
            packed.push_back('\0');
            if (packed.size() > uabi::ARGS_MAX)
                return std::nullopt;
        }
    }
    return packed;
}

static uint32_t boot_flags(const VmConfig& config)
{
    uint32_t flags = 0;
    if (config.trace)
        flags |= uabi::BootTrace;
    if (config.stats)
        flags |= uabi::BootStats;
    if (isatty(STDIN_FILENO))
        flags |= uabi::BootStdinTty;
    if (isatty(STDOUT_FILENO))
        flags |= uabi::BootStdoutTty;
    if (isatty(STDERR_FILENO))
        flags |= uabi::BootStderrTty;
    return flags;
}

static void fill_random_seed(uint8_t (&seed)[32])
{
    size_t filled = 0;
    while (filled < sizeof(seed)) {
        ssize_t got = getrandom(seed + filled, sizeof(seed) - filled, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            throw VmError(std::string("cannot read host randomness: ") + strerror(errno));
        }
        filled += static_cast<size_t>(got);
    }
}

uabi::MountTable mount_table(const VmConfig& config)
{
    uabi::MountTable table {};
    if (config.volumes.size() + 1 > uabi::MOUNTS_MAX)
        throw VmError("too many volumes (at most " + std::to_string(uabi::MOUNTS_MAX - 1) + ")");
    auto add = [&](const std::string& guest_path, bool read_only) {
        auto& entry = table.entries[table.count++];
        if (guest_path.size() >= sizeof(entry.guest_path) || guest_path.find('\0') != std::string::npos)
            throw VmError("volume path too long: " + guest_path);
        memcpy(entry.guest_path, guest_path.data(), guest_path.size());
        entry.flags = read_only ? uint32_t(uabi::MountReadOnly) : 0u;
    };
    add("/", true);
    for (auto const& volume : config.volumes)
        add(volume.guest_path, volume.read_only);
    return table;
}

// The guest's interface: QEMU's MAC under slirp; on a tap device, where several VMs may share
// a bridge, a locally administered one from the boot's random seed.
static uabi::NetConfig net_config(const NetworkConfig& network, const uint8_t (&seed)[32])
{
    uabi::NetConfig net {};
    net.mode = static_cast<uint32_t>(network.mode);
    if (network.mode == uabi::NetMode::None)
        return net;
    net.mtu = uabi::NET_MTU;
    uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    if (network.mode == uabi::NetMode::Tap)
        memcpy(mac + 3, seed + 29, 3);
    memcpy(net.mac, mac, sizeof(mac));
    net.prefix_length = network.prefix_length;
    net.address = network.address;
    net.gateway = network.gateway;
    net.dns = network.dns;
    return net;
}

void write_boot_info(const GuestMemory& memory, const VmConfig& config)
{
    auto packed = pack_arguments(config.argv, config.envp);
    if (!packed)
        throw VmError("argument list too long");

    uabi::BootInfo info {};
    info.magic = uabi::BOOT_MAGIC;
    info.abi_version = uabi::UNIKIT_ABI_VERSION;
    info.ram_size = memory.size();
    info.flags = boot_flags(config);
    info.log_level = static_cast<uint32_t>(config.log_level);
    timespec now {};
    clock_gettime(CLOCK_REALTIME, &now);
    info.wall_clock_sec = now.tv_sec;
    info.wall_clock_nsec = now.tv_nsec;
    info.tsc_khz = 0;
    fill_random_seed(info.random_seed);
    info.argc = static_cast<uint32_t>(config.argv.size());
    info.envc = static_cast<uint32_t>(config.envp.size());
    info.args_gpa = uabi::ARGS_GPA;
    info.args_length = packed->size();
    utsname host_name {};
    if (uname(&host_name) == 0)
        memcpy(info.kernel_release, host_name.release, strnlen(host_name.release, sizeof(info.kernel_release) - 1));

    info.net = net_config(config.network, info.random_seed);

    auto mounts = mount_table(config);
    auto args = memory.bytes(uabi::ARGS_GPA, packed->size());
    if (args.data() == nullptr || !memory.write(uabi::BOOT_INFO_GPA, info) || !memory.write(uabi::MOUNTS_GPA, mounts))
        throw VmError("guest memory is too small for the boot information");
    memcpy(args.data(), packed->data(), packed->size());
}

} // namespace host
