// The vnodes of procfs: table-driven directories, generated files and symlinks, a directory
// per process (/proc/PID) and the per-descriptor links of /proc/PID/fd; plus the text buffer
// the generators write into.
#pragma once

#include <fs/procfs.h>
#include <lib/errno_codes.h>
#include <stdarg.h>

namespace linux {
struct Process;
}

namespace fs {

// A growable text buffer. Running out of memory sticks: later appends do nothing and
// failed() says so, so generators can append freely and check once.
class TextBuffer {
public:
    TextBuffer() = default;
    ~TextBuffer();
    TextBuffer(const TextBuffer&) = delete;
    TextBuffer& operator=(const TextBuffer&) = delete;

    void append(const char* text, size_t length);
    void append(const char* c_string);
    void append_byte(char c) { append(&c, 1); }
    void appendf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    void swap(TextBuffer& other);
    void clear() { m_length = 0; m_failed = false; }

    const char* data() const { return m_data; }
    size_t length() const { return m_length; }
    bool failed() const { return m_failed; }

private:
    bool reserve(size_t more);

    char* m_data { nullptr };
    size_t m_length { 0 };
    size_t m_capacity { 0 };
    bool m_failed { false };
};

// Writes a file's contents or a symlink's target: a machine-wide one, or one of a process.
using Generator = lib::ErrorOr<void> (*)(ProcFs&, TextBuffer&);
using ProcessGenerator = lib::ErrorOr<void> (*)(ProcFs&, linux::Process&, TextBuffer&);

enum class ProcKind : uint8_t { File, Symlink, Directory, FdDirectory };

// One name in a fixed directory. Inode numbers are fixed here, so they are stable per path;
// under /proc/PID they are combined with the pid (process_inode).
struct ProcEntry {
    const char* name;
    uint64_t inode;
    ProcKind kind;
    uint32_t permissions;
    Generator generate;                    // File, Symlink: machine-wide, or
    ProcessGenerator generate_for_process; // File, Symlink under /proc/PID
    const ProcEntry* children;             // Directory
    size_t child_count;
};

inline constexpr uint64_t ROOT_INODE = 1;
inline constexpr uint64_t PROCESS_DIRECTORY_INODE = 0x100; // /proc/PID itself, before the pid
inline constexpr uint64_t FD_LINK_INODE_BASE = 0x10000;   // + the descriptor
// The inode of a node of /proc/PID: the pid above the 32 bits its fixed number fits in.
constexpr uint64_t process_inode(int pid, uint64_t inode) { return (static_cast<uint64_t>(pid) << 32) | inode; }

// The tables of the root directory and of each /proc/PID (procfs.cpp).
extern const ProcEntry g_root_entry;
extern const ProcEntry g_process_entry;

// A node of /proc. Those under /proc/PID keep the pid and look the process up on every use:
// it may have been reaped since (ESRCH, or ENOENT for a lookup).
class ProcNode : public vfs::Vnode {
public:
    ProcNode(ProcFs& fs, uint64_t inode, uint32_t mode, int pid = 0) : m_fs(&fs), m_inode(inode), m_mode(mode), m_pid(pid) {}

    lib::ErrorOr<vfs::Attributes> attributes() override;
    lib::ErrorOr<void> set_attributes(const vfs::AttributeChange&) override { return EROFS; }
    vfs::FileSystem& file_system() override { return *m_fs; }

    // Nothing can be created, removed or renamed in /proc.
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> create(lib::StringView, uint32_t) override { return refuse(); }
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> make_directory(lib::StringView, uint32_t) override { return refuse(); }
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> make_symlink(lib::StringView, lib::StringView) override { return refuse(); }
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> make_node(lib::StringView, uint32_t, uint64_t) override { return refuse(); }
    lib::ErrorOr<void> link(lib::StringView, vfs::Vnode&) override { return refuse(); }
    lib::ErrorOr<void> unlink(lib::StringView) override { return refuse(); }
    lib::ErrorOr<void> remove_directory(lib::StringView) override { return refuse(); }
    lib::ErrorOr<void> rename(lib::StringView, vfs::Vnode&, lib::StringView, uint32_t) override { return refuse(); }

protected:
    virtual uint32_t link_count() const { return 1; }
    lib::Error refuse() const { return (m_mode & vfs::TypeMask) == vfs::TypeDirectory ? EROFS : ENOTDIR; }
    // The process this node is of (running or zombie), or null once it has been reaped.
    linux::Process* process() const;

    ProcFs* m_fs;
    uint64_t m_inode;
    uint32_t m_mode;
    int m_pid; // 0: machine-wide
};

// A node for `entry` of /proc/PID (or of the fixed tree, pid 0); null when out of memory.
lib::RefPtr<vfs::Vnode> make_proc_node(ProcFs&, const ProcEntry& entry, uint64_t parent_inode, int pid);

// A directory of fixed entries. Its children are made once, at mount, and live as long as
// it does: the path walk's entry cache keys on directory addresses. The root also holds a
// directory per process, made on each lookup, so the root's lookups are not cached.
class ProcDirectory final : public ProcNode {
public:
    // The whole tree under `entry`; null when out of memory.
    static lib::RefPtr<ProcDirectory> build(ProcFs&, const ProcEntry& entry, uint64_t parent_inode);

    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> lookup(lib::StringView name) override;
    lib::ErrorOr<uint64_t> read_directory(uint64_t cookie, EntrySink emit, void* context) override;
    bool lookups_may_be_cached() override { return !is_root(); }

    ProcDirectory(ProcFs& fs, const ProcEntry& entry, uint64_t parent_inode);
    ~ProcDirectory() override;

protected:
    uint32_t link_count() const override;

private:
    bool is_root() const { return m_inode == ROOT_INODE; }

    const ProcEntry* m_entry;
    uint64_t m_parent_inode;
    lib::RefPtr<vfs::Vnode>* m_children { nullptr }; // one per table entry
};

// /proc/PID: its nodes are made on each lookup, so nothing under it is cached (a process's
// directory may be freed and its address reused by another's).
class ProcProcessDirectory final : public ProcNode {
public:
    ProcProcessDirectory(ProcFs& fs, int pid);

    lib::ErrorOr<vfs::Attributes> attributes() override;
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> lookup(lib::StringView name) override;
    lib::ErrorOr<uint64_t> read_directory(uint64_t cookie, EntrySink emit, void* context) override;
    bool lookups_may_be_cached() override { return false; }

protected:
    uint32_t link_count() const override;
};

// A regular file whose text is generated when a read starts at offset 0 (or is the first).
class ProcFile final : public ProcNode {
public:
    ProcFile(ProcFs& fs, const ProcEntry& entry, uint64_t inode, int pid);

    lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length) override;
    lib::ErrorOr<size_t> write(uint64_t, const void*, size_t) override { return EROFS; }
    // The snapshot is dropped when the last open file description closes.
    lib::ErrorOr<void> open(uint32_t) override;
    void close() override;

private:
    lib::ErrorOr<void> generate(TextBuffer&);

    const ProcEntry* m_entry;
    TextBuffer m_snapshot;
    bool m_generated { false };
    uint32_t m_open_count { 0 };
};

class ProcSymlink final : public ProcNode {
public:
    ProcSymlink(ProcFs& fs, const ProcEntry& entry, uint64_t inode, int pid);
    lib::ErrorOr<size_t> read_link(char* buffer, size_t size) override;

private:
    const ProcEntry* m_entry;
};

// /proc/PID/fd: one symlink per open descriptor of the process (fd_directory.cpp).
class ProcFdDirectory final : public ProcNode {
public:
    ProcFdDirectory(ProcFs& fs, uint64_t inode, uint64_t parent_inode, int pid);

    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> lookup(lib::StringView name) override;
    lib::ErrorOr<uint64_t> read_directory(uint64_t cookie, EntrySink emit, void* context) override;
    bool lookups_may_be_cached() override { return false; }

protected:
    uint32_t link_count() const override { return 2; }

private:
    uint64_t m_parent_inode;
};

// Generators: process_files.cpp (for /proc/PID), system_files.cpp, mount_files.cpp and
// cpuinfo.cpp.
lib::ErrorOr<void> generate_self(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_mounts_link(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_exe(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_cwd(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_root(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_cmdline(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_environ(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_comm(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_maps(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_status(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_stat(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_statm(ProcFs&, linux::Process&, TextBuffer&);
lib::ErrorOr<void> generate_mounts(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_mountinfo(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_cpuinfo(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_meminfo(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_uptime(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_loadavg(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_version(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_system_stat(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_osrelease(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_ostype(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_hostname(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_pid_max(ProcFs&, TextBuffer&);
lib::ErrorOr<void> generate_overcommit_memory(ProcFs&, TextBuffer&);

} // namespace fs
