// Mounting the VM's file systems at boot (see kernel/mounts.h).
#include <abi/boot_info.h>
#include <fs/devfs.h>
#include <fs/hostfs.h>
#include <fs/overlay.h>
#include <fs/procfs.h>
#include <fs/tmpfs.h>
#include <hv/hypercall.h>
#include <kernel/format.h>
#include <kernel/log.h>
#include <kernel/mounts.h>
#include <lib/errno_codes.h>
#include <linux/path.h>
#include <platform/platform.h>
#include <vfs/mount_table.h>

namespace kernel {

namespace {

// Device numbers as stat shows them: anonymous block devices, as Linux gives tmpfs.
constexpr uint64_t OVERLAY_UPPER_DEVICE = 0x2a, TMP_DEVICE = 0x2b, SHM_DEVICE = 0x2c;

// Creates the directories a mount point needs (as docker does for volumes), so that the
// mount shows up in listings; where that is impossible the mount still works by path.
void make_mount_point(const char* path)
{
    lib::RefPtr<vfs::Vnode> directory = vfs::mounts().root()->root;
    const char* cursor = path;
    while (*cursor) {
        while (*cursor == '/')
            ++cursor;
        const char* end = cursor;
        while (*end && *end != '/')
            ++end;
        if (end == cursor)
            break;
        lib::StringView name(cursor, static_cast<size_t>(end - cursor));
        auto found = directory->lookup(name);
        if (found.is_error()) {
            auto made = directory->make_directory(name, 0755);
            if (made.is_error())
                return;
            directory = made.release_value();
        } else {
            directory = found.release_value();
        }
        cursor = end;
    }
}

lib::ErrorOr<void> mount_at(const char* path, lib::RefPtr<vfs::FileSystem> file_system, bool read_only)
{
    if (!file_system)
        return ENOMEM;
    char canonical[256];
    TRY(linux::absolute_path(canonical, sizeof(canonical), "/", path));
    make_mount_point(canonical);
    return vfs::mounts().mount(canonical, file_system, read_only);
}

// Makes `contents` the root overlay's fallback file at `path`, kept as `name` in `files`: what
// the guest sees there when ROOTFS has none.
lib::ErrorOr<void> add_fallback_file(fs::OverlayFs& overlay, fs::TmpFs& files, const char* path, const char* name, const char* contents)
{
    auto file = TRY(files.root()->create(name, 0644));
    size_t length = lib::StringView(contents).length();
    if (TRY(file->write(0, contents, length)) != length)
        return ENOSPC;
    return overlay.add_fallback_file(path, file);
}

// /etc/hosts (localhost) and, with a network that has a DNS server, /etc/resolv.conf
// ("nameserver A.B.C.D") for a ROOTFS without them, as docker provides them (issue 8). They
// stand below the overlay's layers, so ROOTFS's /etc is neither copied up nor changed, and a
// program's own file takes precedence; /etc's listing does not show them.
lib::ErrorOr<void> provide_network_files(fs::OverlayFs& overlay)
{
    auto files = fs::TmpFs::create(0, OVERLAY_UPPER_DEVICE);
    if (!files)
        return ENOMEM;
    TRY(add_fallback_file(overlay, *files, "/etc/hosts", "hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"));
    auto const& net = hv::boot_info().net;
    if (net.mode != static_cast<uint32_t>(uabi::NetMode::None) && net.dns != 0) {
        char resolv[64];
        auto const* octets = reinterpret_cast<const uint8_t*>(&net.dns);
        format(resolv, sizeof(resolv), "nameserver %u.%u.%u.%u\n", octets[0], octets[1], octets[2], octets[3]);
        TRY(add_fallback_file(overlay, *files, "/etc/resolv.conf", "resolv.conf", resolv));
    }
    files->set_read_only(true);
    return {};
}

} // namespace

lib::ErrorOr<void> mount_file_systems()
{
    // Writes to / and /tmp live in guest memory; let each grow to half of it.
    uint64_t limit = platform::ram_size() / 2;
    auto rootfs = TRY(fs::HostFs::mount(0));
    auto upper = fs::TmpFs::create(limit, OVERLAY_UPPER_DEVICE);
    if (!upper)
        return ENOMEM;
    auto overlay = fs::OverlayFs::create(rootfs, upper);
    if (!overlay)
        return ENOMEM;
    TRY(provide_network_files(*overlay));
    TRY(vfs::mounts().mount("/", overlay, false));
    TRY(mount_at("/tmp", fs::TmpFs::create(limit, TMP_DEVICE), false));
    TRY(mount_at("/dev", fs::DevFs::create(), false));
    TRY(mount_at("/dev/shm", fs::TmpFs::create(limit, SHM_DEVICE), false));
    TRY(mount_at("/proc", fs::ProcFs::create(), false));

    // The -v volumes, in command-line order after ROOTFS.
    auto& table = *reinterpret_cast<const uabi::MountTable*>(hv::physical(uabi::MOUNTS_GPA));
    for (uint32_t index = 1; index < table.count && index < uabi::MOUNTS_MAX; ++index) {
        const auto& entry = table.entries[index];
        char path[uabi::MOUNT_PATH_BYTES];
        for (size_t i = 0; i < sizeof(path); ++i)
            path[i] = entry.guest_path[i];
        path[sizeof(path) - 1] = '\0';
        auto volume = fs::HostFs::mount(index);
        if (volume.is_error()) {
            log(uabi::LogLevel::Error, "unikit: kernel: cannot mount the volume at %s", path);
            return lib::Error(volume.error());
        }
        TRY(mount_at(path, volume.release_value(), entry.flags & uabi::MountReadOnly));
    }
    return {};
}

} // namespace kernel
