// /proc/PID/mounts and /proc/PID/mountinfo (the same for every process), from the VFS mount
// table.
#include "procfs_nodes.h"

#include <vfs/mount_table.h>

namespace fs {

namespace {

// Mount IDs as mountinfo shows them; Linux's start somewhere above 20 too.
constexpr size_t FIRST_MOUNT_ID = 21;

// A path as /proc/mounts writes it: space, tab, newline and backslash as octal escapes.
void append_escaped(TextBuffer& out, const char* path)
{
    for (const char* p = path; *p; ++p) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
            out.appendf("\\%03o", static_cast<unsigned>(static_cast<unsigned char>(*p)));
        else
            out.append_byte(*p);
    }
}

// Whether `path` lies under the mount point `over` (and is not it).
bool is_under(lib::StringView path, lib::StringView over)
{
    if (over == "/")
        return path.length() > 1;
    return path.length() > over.length() && path.starts_with(over) && path[over.length()] == '/';
}

// The mount a mount point lives in: the deepest other mount above it.
size_t parent_id(const vfs::MountTable& table, size_t index)
{
    lib::StringView path(table.at(index).path);
    size_t best = table.count();
    size_t best_length = 0;
    for (size_t i = 0; i < table.count(); ++i) {
        lib::StringView candidate(table.at(i).path);
        if (i != index && is_under(path, candidate) && (best == table.count() || candidate.length() > best_length)) {
            best = i;
            best_length = candidate.length();
        }
    }
    return best == table.count() ? 1 : FIRST_MOUNT_ID + best;
}

} // namespace

lib::ErrorOr<void> generate_mounts_link(ProcFs&, TextBuffer& out)
{
    out.append("self/mounts");
    return {};
}

// "SOURCE MOUNTPOINT TYPE OPTIONS 0 0"; the source is the type, as for virtual file systems.
lib::ErrorOr<void> generate_mounts(ProcFs&, TextBuffer& out)
{
    const vfs::MountTable& table = vfs::mounts();
    for (size_t i = 0; i < table.count(); ++i) {
        const vfs::Mount& mount = table.at(i);
        const char* type = mount.file_system ? mount.file_system->name() : "none";
        out.appendf("%s ", type);
        append_escaped(out, mount.path);
        out.appendf(" %s %s 0 0\n", type, mount.read_only ? "ro" : "rw");
    }
    return {};
}

// "ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS - TYPE SOURCE SUPER_OPTIONS".
lib::ErrorOr<void> generate_mountinfo(ProcFs&, TextBuffer& out)
{
    const vfs::MountTable& table = vfs::mounts();
    for (size_t i = 0; i < table.count(); ++i) {
        const vfs::Mount& mount = table.at(i);
        uint64_t device = 0;
        if (mount.root) {
            auto attributes = mount.root->attributes();
            if (!attributes.is_error())
                device = attributes.value().device;
        }
        uint64_t major = (device >> 8) & 0xfff;
        uint64_t minor = (device & 0xff) | ((device >> 12) & 0xfff00);
        const char* type = mount.file_system ? mount.file_system->name() : "none";
        const char* options = mount.read_only ? "ro" : "rw";
        out.appendf("%zu %zu %lu:%lu / ", FIRST_MOUNT_ID + i, parent_id(table, i), major, minor);
        append_escaped(out, mount.path);
        out.appendf(" %s,relatime - %s %s %s\n", options, type, type, options);
    }
    return {};
}

} // namespace fs
