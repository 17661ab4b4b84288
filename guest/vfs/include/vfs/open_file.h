// An open file description: what open() creates and dup() and fork() share. It holds the
// vnode, the file offset and the status flags, and does reads and writes at the offset. Its
// OFD and flock locks (vfs/file_locks.h) go when it does.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <vfs/vnode.h>

namespace vfs {

// Linux's open flags that the VFS looks at.
enum OpenFlags : uint32_t {
    AccessMode = 03,
    ReadOnly = 00,
    WriteOnly = 01,
    ReadWrite = 02,
    Create = 0100,
    Exclusive = 0200,
    NoControllingTerminal = 0400,
    Truncate = 01000,
    Append = 02000,
    NonBlocking = 04000,
    Sync = 04010000,
    Async = 020000, // O_ASYNC: kept and reported, but no SIGIO is sent (FIXME)
    Direct = 040000,
    LargeFile = 0100000,
    Directory = 0200000,
    NoFollow = 0400000,
    NoAccessTime = 01000000,
    CloseOnExec = 02000000,
    Path = 010000000,
    TemporaryFile = 020200000,
};

class OpenFile : public lib::RefCountedBase {
public:
    // `path` is the canonical path (copied), for /proc/self/fd and *at() calls.
    static lib::ErrorOr<lib::RefPtr<OpenFile>> create(lib::RefPtr<Vnode>, uint32_t flags, const char* path);
    ~OpenFile();

    Vnode& vnode() { return *m_vnode; }
    const lib::RefPtr<Vnode>& vnode_ptr() const { return m_vnode; }
    uint32_t flags() const { return m_flags; }
    // F_SETFL: only O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME can change.
    void set_status_flags(uint32_t flags);
    const char* path() const { return m_path; }

    bool can_read() const { return !(m_flags & Path) && (m_flags & AccessMode) != WriteOnly; }
    bool can_write() const { return !(m_flags & Path) && (m_flags & AccessMode) != ReadOnly; }

    // At the file offset, which they advance; O_APPEND writes go to the end first.
    lib::ErrorOr<size_t> read(void* buffer, size_t length);
    lib::ErrorOr<size_t> write(const void* buffer, size_t length);
    // lseek; SEEK_DATA and SEEK_HOLE treat the file as all data.
    lib::ErrorOr<uint64_t> seek(int64_t offset, int whence);
    uint64_t offset() const { return m_offset; }
    void set_offset(uint64_t offset) { m_offset = offset; }

private:
    OpenFile(lib::RefPtr<Vnode> vnode, uint32_t flags, char* path);
    friend lib::RefPtr<OpenFile> lib_make_open_file(lib::RefPtr<Vnode>, uint32_t, char*);

    lib::RefPtr<Vnode> m_vnode;
    uint32_t m_flags;
    uint64_t m_offset { 0 };
    char* m_path;
};

// Run as each open file description goes (its last reference dropped), before its vnode is
// closed: epoll forgets the file, as Linux's eventpoll_release.
using OpenFileReleaseListener = void (*)(OpenFile&);
void set_open_file_release_listener(OpenFileReleaseListener);

// Whether this kind of vnode has a file offset (pipes, sockets and terminals do not).
bool is_seekable(Vnode&);

} // namespace vfs
