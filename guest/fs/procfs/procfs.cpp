// The procfs file system object and the tree of /proc: which names exist, in the fixed
// tree and in each process's directory, their inode numbers, permissions and generators.
#include "procfs_nodes.h"

#include <platform/platform.h>
#include <vfs/clock.h>

namespace fs {

namespace {

constexpr ProcEntry file(const char* name, uint64_t inode, Generator generate, uint32_t permissions = 0444)
{
    return { name, inode, ProcKind::File, permissions, generate, nullptr, nullptr, 0 };
}

constexpr ProcEntry file(const char* name, uint64_t inode, ProcessGenerator generate, uint32_t permissions = 0444)
{
    return { name, inode, ProcKind::File, permissions, nullptr, generate, nullptr, 0 };
}

constexpr ProcEntry symlink(const char* name, uint64_t inode, Generator generate)
{
    return { name, inode, ProcKind::Symlink, 0777, generate, nullptr, nullptr, 0 };
}

constexpr ProcEntry symlink(const char* name, uint64_t inode, ProcessGenerator generate)
{
    return { name, inode, ProcKind::Symlink, 0777, nullptr, generate, nullptr, 0 };
}

template<size_t N>
constexpr ProcEntry directory(const char* name, uint64_t inode, const ProcEntry (&children)[N])
{
    return { name, inode, ProcKind::Directory, 0555, nullptr, nullptr, children, N };
}

// /proc/PID, for each process; inode numbers here are combined with the pid.
// FIXME: no task/ directory of threads; /proc/TID of a thread other than the first is absent.
constexpr ProcEntry g_process_entries[] = {
    file("cmdline", 0x101, generate_cmdline),
    file("comm", 0x102, generate_comm),
    symlink("cwd", 0x103, generate_cwd),
    file("environ", 0x104, generate_environ, 0400),
    symlink("exe", 0x105, generate_exe),
    { "fd", 0x106, ProcKind::FdDirectory, 0500, nullptr, nullptr, nullptr, 0 },
    file("maps", 0x107, generate_maps),
    file("mountinfo", 0x108, generate_mountinfo),
    file("mounts", 0x109, generate_mounts),
    symlink("root", 0x10a, generate_root),
    file("stat", 0x10b, generate_stat),
    file("statm", 0x10c, generate_statm),
    file("status", 0x10d, generate_status),
};

constexpr ProcEntry g_kernel_entries[] = {
    file("hostname", 0x21, generate_hostname),
    file("osrelease", 0x22, generate_osrelease),
    file("ostype", 0x23, generate_ostype),
    file("pid_max", 0x24, generate_pid_max),
};

constexpr ProcEntry g_vm_entries[] = {
    file("overcommit_memory", 0x31, generate_overcommit_memory),
};

constexpr ProcEntry g_sys_entries[] = {
    directory("kernel", 0x20, g_kernel_entries),
    directory("vm", 0x30, g_vm_entries),
};

constexpr ProcEntry g_root_entries[] = {
    file("cpuinfo", 0x2, generate_cpuinfo),
    file("loadavg", 0x3, generate_loadavg),
    file("meminfo", 0x4, generate_meminfo),
    symlink("mounts", 0x5, generate_mounts_link),
    symlink("self", 0x6, generate_self),
    file("stat", 0x7, generate_system_stat),
    directory("sys", 0x8, g_sys_entries),
    file("uptime", 0x9, generate_uptime),
    file("version", 0xa, generate_version),
};

} // namespace

const ProcEntry g_root_entry = directory("", ROOT_INODE, g_root_entries);
const ProcEntry g_process_entry = directory("", PROCESS_DIRECTORY_INODE, g_process_entries);

ProcFs::~ProcFs() = default;

lib::RefPtr<ProcFs> ProcFs::create()
{
    // The constructor is private: build in place rather than through lib::make.
    void* memory = lib::allocate(sizeof(ProcFs));
    if (!memory)
        return nullptr;
    lib::RefPtr<ProcFs> file_system(new (memory) ProcFs);
    file_system->m_mount_time_ns = platform::clock_ns(1);
    file_system->m_mount_time = vfs::current_time();
    auto root = ProcDirectory::build(*file_system, g_root_entry, ROOT_INODE);
    if (!root)
        return nullptr;
    file_system->m_root = root;
    return file_system;
}

} // namespace fs
