// /proc/PID/fd: one symlink per open file descriptor of the process, pointing at the open
// file's path.
#include "procfs_nodes.h"

#include <linux/process.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace fs {

namespace {

// The link of one descriptor. It looks the process and the descriptor up on every use: an
// open or held vnode may outlive either, or see the descriptor reused.
class ProcFdLink final : public ProcNode {
public:
    ProcFdLink(ProcFs& fs, int pid, int fd) : ProcNode(fs, process_inode(pid, FD_LINK_INODE_BASE + static_cast<uint64_t>(fd)), vfs::TypeSymlink, pid), m_fd(fd) {}

    lib::ErrorOr<vfs::Attributes> attributes() override
    {
        auto file = open_file();
        if (!file)
            return ENOENT;
        auto attributes = TRY(ProcNode::attributes());
        // As Linux: r-x for reading, -wx for writing, rwx for both.
        uint32_t permissions = 0;
        if (file->can_read())
            permissions |= 0500;
        if (file->can_write())
            permissions |= 0300;
        attributes.mode = vfs::TypeSymlink | permissions;
        return attributes;
    }

    lib::ErrorOr<size_t> read_link(char* buffer, size_t size) override
    {
        auto file = open_file();
        if (!file)
            return ENOENT;
        const char* path = file->path() ? file->path() : "";
        size_t length = 0;
        while (path[length])
            ++length;
        TextBuffer target;
        target.append(path, length);
        // Files without a name ("pipe:", "socket:", "anon_inode:") show their inode as
        // "pipe:[12]".
        if (length > 0 && path[0] != '/' && path[length - 1] == ':') {
            auto attributes = TRY(file->vnode().attributes());
            target.appendf("[%lu]", attributes.inode);
        }
        if (target.failed())
            return ENOMEM;
        memcpy(buffer, target.data(), size < target.length() ? size : target.length());
        return target.length();
    }

    // Opening /proc/self/fd/N opens the same file again, whatever its path says.
    lib::RefPtr<vfs::Vnode> magic_link_target() override
    {
        auto file = open_file();
        return file ? file->vnode_ptr() : nullptr;
    }

private:
    lib::RefPtr<vfs::OpenFile> open_file() const
    {
        linux::Process* owner = process();
        return owner ? owner->files.get(m_fd) : nullptr;
    }

    int m_fd;
};

// "12" as a descriptor number, or -1: digits only, no leading zero, below MAX_FDS.
int parse_fd(lib::StringView name)
{
    if (name.is_empty() || name.length() > 4 || (name.length() > 1 && name[0] == '0'))
        return -1;
    int fd = 0;
    for (size_t i = 0; i < name.length(); ++i) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        fd = fd * 10 + (name[i] - '0');
    }
    return fd < linux::FdTable::MAX_FDS ? fd : -1;
}

} // namespace

ProcFdDirectory::ProcFdDirectory(ProcFs& fs, uint64_t inode, uint64_t parent_inode, int pid)
    : ProcNode(fs, inode, vfs::TypeDirectory | 0500, pid)
    , m_parent_inode(parent_inode)
{
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> ProcFdDirectory::lookup(lib::StringView name)
{
    int fd = parse_fd(name);
    linux::Process* owner = process();
    if (fd < 0 || !owner || !owner->files.get(fd))
        return ENOENT;
    auto link = lib::make_ref<ProcFdLink>(*m_fs, m_pid, fd);
    if (!link)
        return ENOMEM;
    return lib::RefPtr<vfs::Vnode>(link);
}

// Cookies: 0 ".", 1 "..", then 2 + fd, so listing resumes at the next descriptor in order.
lib::ErrorOr<uint64_t> ProcFdDirectory::read_directory(uint64_t cookie, EntrySink emit, void* context)
{
    linux::Process* owner = process();
    if (!owner)
        return ENOENT;
    if (!vfs::emit_dots(emit, context, cookie, m_inode, m_mode, m_parent_inode))
        return cookie;
    auto& files = owner->files;
    int highest = files.highest_open();
    for (; cookie < 2 + static_cast<uint64_t>(highest + 1); ++cookie) {
        int fd = static_cast<int>(cookie - 2);
        if (!files.get(fd))
            continue;
        char name[12];
        int length = 0;
        char digits[12];
        int count = 0;
        do {
            digits[count++] = static_cast<char>('0' + fd % 10);
            fd /= 10;
        } while (fd);
        while (count)
            name[length++] = digits[--count];
        name[length] = '\0';
        if (!vfs::emit_entry(emit, context, process_inode(m_pid, FD_LINK_INODE_BASE + cookie - 2), vfs::TypeSymlink, name, cookie + 1))
            return cookie;
    }
    return cookie;
}

} // namespace fs
