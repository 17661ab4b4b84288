// procfs vnodes: attributes, table-driven directories, the directory of each process,
// generated files and symlinks, and the text buffer generators write into.
#include "procfs_nodes.h"

#include <kernel/format.h>
#include <linux/process.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace fs {

TextBuffer::~TextBuffer() { lib::deallocate(m_data); }

bool TextBuffer::reserve(size_t more)
{
    if (m_failed)
        return false;
    if (m_length + more <= m_capacity)
        return true;
    size_t capacity = m_capacity ? m_capacity : 256;
    while (capacity < m_length + more)
        capacity *= 2;
    auto* data = static_cast<char*>(lib::allocate(capacity));
    if (!data) {
        m_failed = true;
        return false;
    }
    if (m_length)
        memcpy(data, m_data, m_length);
    lib::deallocate(m_data);
    m_data = data;
    m_capacity = capacity;
    return true;
}

void TextBuffer::append(const char* text, size_t length)
{
    if (length == 0 || !reserve(length))
        return;
    memcpy(m_data + m_length, text, length);
    m_length += length;
}

void TextBuffer::append(const char* c_string)
{
    size_t length = 0;
    while (c_string[length])
        ++length;
    append(c_string, length);
}

void TextBuffer::appendf(const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    va_list again;
    va_copy(again, args);
    // First into the free space (format always wants room for its NUL); if that was too
    // small, grow to the measured length and format again.
    size_t room = m_failed ? 0 : m_capacity - m_length;
    size_t needed = kernel::vformat(room ? m_data + m_length : nullptr, room, fmt, args);
    if (needed < room) {
        m_length += needed;
    } else if (reserve(needed + 1)) {
        kernel::vformat(m_data + m_length, needed + 1, fmt, again);
        m_length += needed;
    }
    va_end(again);
    va_end(args);
}

void TextBuffer::swap(TextBuffer& other)
{
    char* data = m_data;
    size_t length = m_length, capacity = m_capacity;
    bool failed = m_failed;
    m_data = other.m_data;
    m_length = other.m_length;
    m_capacity = other.m_capacity;
    m_failed = other.m_failed;
    other.m_data = data;
    other.m_length = length;
    other.m_capacity = capacity;
    other.m_failed = failed;
}

lib::ErrorOr<vfs::Attributes> ProcNode::attributes()
{
    vfs::Attributes attributes {};
    attributes.device = ProcFs::DEVICE_NUMBER;
    attributes.inode = m_inode;
    attributes.mode = m_mode;
    attributes.link_count = link_count();
    attributes.block_size = 1024;
    attributes.access_time = attributes.modify_time = attributes.change_time = m_fs->mount_time();
    return attributes; // uid, gid, size (0, as Linux reports) and blocks stay zero
}

linux::Process* ProcNode::process() const { return linux::find_process(m_pid); }

namespace {

uint32_t mode_of(const ProcEntry& entry)
{
    switch (entry.kind) {
    case ProcKind::File:
        return vfs::TypeRegular | entry.permissions;
    case ProcKind::Symlink:
        return vfs::TypeSymlink | entry.permissions;
    default:
        return vfs::TypeDirectory | entry.permissions;
    }
}

// "12" as a pid, or 0: digits only, no leading zero, at most 10 digits and below 2^31.
int parse_pid(lib::StringView name)
{
    if (name.is_empty() || name.length() > 10 || name[0] == '0')
        return 0;
    int64_t pid = 0;
    for (size_t i = 0; i < name.length(); ++i) {
        if (name[i] < '0' || name[i] > '9')
            return 0;
        pid = pid * 10 + (name[i] - '0');
    }
    return pid <= INT32_MAX ? static_cast<int>(pid) : 0;
}

// The lowest pid at or above `from` of a process (running or zombie), or 0.
int next_pid(int64_t from)
{
    int found = 0;
    linux::for_each_process([&](linux::Process& process) {
        if (process.pid >= from && (!found || process.pid < found))
            found = process.pid;
    });
    return found;
}

} // namespace

lib::RefPtr<vfs::Vnode> make_proc_node(ProcFs& fs, const ProcEntry& entry, uint64_t parent_inode, int pid)
{
    uint64_t inode = pid ? process_inode(pid, entry.inode) : entry.inode;
    switch (entry.kind) {
    case ProcKind::File:
        return lib::make_ref<ProcFile>(fs, entry, inode, pid);
    case ProcKind::Symlink:
        return lib::make_ref<ProcSymlink>(fs, entry, inode, pid);
    case ProcKind::Directory:
        return ProcDirectory::build(fs, entry, parent_inode);
    case ProcKind::FdDirectory:
        return lib::make_ref<ProcFdDirectory>(fs, inode, parent_inode, pid);
    }
    return nullptr;
}

ProcDirectory::ProcDirectory(ProcFs& fs, const ProcEntry& entry, uint64_t parent_inode)
    : ProcNode(fs, entry.inode, mode_of(entry))
    , m_entry(&entry)
    , m_parent_inode(parent_inode)
{
}

ProcDirectory::~ProcDirectory()
{
    if (!m_children)
        return;
    for (size_t i = 0; i < m_entry->child_count; ++i)
        m_children[i].~RefPtr();
    lib::deallocate(m_children);
}

lib::RefPtr<ProcDirectory> ProcDirectory::build(ProcFs& fs, const ProcEntry& entry, uint64_t parent_inode)
{
    auto directory = lib::make_ref<ProcDirectory>(fs, entry, parent_inode);
    if (!directory)
        return nullptr;
    void* memory = lib::allocate(entry.child_count * sizeof(lib::RefPtr<vfs::Vnode>));
    if (!memory)
        return nullptr;
    auto* children = static_cast<lib::RefPtr<vfs::Vnode>*>(memory);
    for (size_t i = 0; i < entry.child_count; ++i)
        new (&children[i]) lib::RefPtr<vfs::Vnode>();
    directory->m_children = children; // from here on the destructor frees them
    for (size_t i = 0; i < entry.child_count; ++i) {
        children[i] = make_proc_node(fs, entry.children[i], entry.inode, 0);
        if (!children[i])
            return nullptr;
    }
    return directory;
}

uint32_t ProcDirectory::link_count() const
{
    uint32_t count = 2;
    for (size_t i = 0; i < m_entry->child_count; ++i)
        if (m_entry->children[i].kind == ProcKind::Directory || m_entry->children[i].kind == ProcKind::FdDirectory)
            ++count;
    if (is_root())
        linux::for_each_process([&](linux::Process&) { ++count; });
    return count;
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> ProcDirectory::lookup(lib::StringView name)
{
    for (size_t i = 0; i < m_entry->child_count; ++i)
        if (lib::StringView(m_entry->children[i].name) == name)
            return m_children[i];
    int pid = is_root() ? parse_pid(name) : 0;
    if (!pid || !linux::find_process(pid))
        return ENOENT;
    auto directory = lib::make_ref<ProcProcessDirectory>(*m_fs, pid);
    if (!directory)
        return ENOMEM;
    return lib::RefPtr<vfs::Vnode>(directory);
}

// Cookies: 0 ".", 1 "..", then 2 + the entry's index; in the root, after the fixed entries,
// one per process in pid order: 2 + the entry count + the pid.
lib::ErrorOr<uint64_t> ProcDirectory::read_directory(uint64_t cookie, EntrySink emit, void* context)
{
    if (!vfs::emit_dots(emit, context, cookie, m_inode, m_mode, m_parent_inode))
        return cookie;
    for (; cookie - 2 < m_entry->child_count; ++cookie) {
        const ProcEntry& child = m_entry->children[cookie - 2];
        if (!vfs::emit_entry(emit, context, child.inode, mode_of(child), child.name, cookie + 1))
            return cookie;
    }
    if (!is_root())
        return cookie;
    uint64_t first = 2 + m_entry->child_count;
    while (int pid = next_pid(static_cast<int64_t>(cookie - first))) {
        char name[12];
        kernel::format(name, sizeof(name), "%d", pid);
        uint64_t next = first + static_cast<uint64_t>(pid) + 1;
        if (!vfs::emit_entry(emit, context, process_inode(pid, PROCESS_DIRECTORY_INODE), vfs::TypeDirectory | 0555, name, next))
            return cookie;
        cookie = next;
    }
    return cookie;
}

ProcProcessDirectory::ProcProcessDirectory(ProcFs& fs, int pid)
    : ProcNode(fs, process_inode(pid, PROCESS_DIRECTORY_INODE), vfs::TypeDirectory | 0555, pid)
{
}

lib::ErrorOr<vfs::Attributes> ProcProcessDirectory::attributes()
{
    if (!process())
        return ENOENT;
    return ProcNode::attributes();
}

uint32_t ProcProcessDirectory::link_count() const
{
    uint32_t count = 2;
    for (size_t i = 0; i < g_process_entry.child_count; ++i)
        if (g_process_entry.children[i].kind == ProcKind::FdDirectory)
            ++count;
    return count;
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> ProcProcessDirectory::lookup(lib::StringView name)
{
    if (!process())
        return ENOENT;
    for (size_t i = 0; i < g_process_entry.child_count; ++i) {
        if (lib::StringView(g_process_entry.children[i].name) == name) {
            auto node = make_proc_node(*m_fs, g_process_entry.children[i], m_inode, m_pid);
            if (!node)
                return ENOMEM;
            return node;
        }
    }
    return ENOENT;
}

lib::ErrorOr<uint64_t> ProcProcessDirectory::read_directory(uint64_t cookie, EntrySink emit, void* context)
{
    if (!process())
        return ENOENT;
    if (!vfs::emit_dots(emit, context, cookie, m_inode, m_mode, ROOT_INODE))
        return cookie;
    for (; cookie - 2 < g_process_entry.child_count; ++cookie) {
        const ProcEntry& child = g_process_entry.children[cookie - 2];
        if (!vfs::emit_entry(emit, context, process_inode(m_pid, child.inode), mode_of(child), child.name, cookie + 1))
            return cookie;
    }
    return cookie;
}

ProcFile::ProcFile(ProcFs& fs, const ProcEntry& entry, uint64_t inode, int pid) : ProcNode(fs, inode, mode_of(entry), pid), m_entry(&entry) {}

lib::ErrorOr<void> ProcFile::generate(TextBuffer& out)
{
    if (!m_pid)
        return m_entry->generate(*m_fs, out);
    linux::Process* owner = process();
    if (!owner)
        return ESRCH;
    if (m_entry->generate_for_process)
        return m_entry->generate_for_process(*m_fs, *owner, out);
    return m_entry->generate(*m_fs, out);
}

lib::ErrorOr<size_t> ProcFile::read(uint64_t offset, void* buffer, size_t length)
{
    // A read from the start takes a new snapshot; later offsets read the same one, so a
    // program reading in pieces sees one consistent text.
    if (offset == 0 || !m_generated) {
        TextBuffer fresh;
        TRY(generate(fresh));
        if (fresh.failed())
            return ENOMEM;
        m_snapshot.swap(fresh);
        m_generated = true;
    }
    if (offset >= m_snapshot.length())
        return 0;
    size_t available = m_snapshot.length() - static_cast<size_t>(offset);
    size_t count = length < available ? length : available;
    memcpy(buffer, m_snapshot.data() + offset, count);
    return count;
}

lib::ErrorOr<void> ProcFile::open(uint32_t)
{
    ++m_open_count;
    return {};
}

void ProcFile::close()
{
    if (m_open_count > 0 && --m_open_count > 0)
        return;
    TextBuffer empty;
    m_snapshot.swap(empty);
    m_generated = false;
}

ProcSymlink::ProcSymlink(ProcFs& fs, const ProcEntry& entry, uint64_t inode, int pid) : ProcNode(fs, inode, mode_of(entry), pid), m_entry(&entry) {}

lib::ErrorOr<size_t> ProcSymlink::read_link(char* buffer, size_t size)
{
    TextBuffer target;
    if (m_pid) {
        linux::Process* owner = process();
        if (!owner)
            return ENOENT;
        TRY(m_entry->generate_for_process(*m_fs, *owner, target));
    } else {
        TRY(m_entry->generate(*m_fs, target));
    }
    if (target.failed())
        return ENOMEM;
    memcpy(buffer, target.data(), size < target.length() ? size : target.length());
    return target.length();
}

} // namespace fs
