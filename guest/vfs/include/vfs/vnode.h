// The VFS's view of a file: a Vnode is one file, directory, symlink or device of some file
// system. File systems (guest/fs/*) subclass it and override what they support; what they
// do not support fails with the errno Linux gives for it. Vnodes are reference counted;
// a directory's lookup hands out new references.
//
// Rules every implementation follows:
// * Names given to directory operations are single components: never empty, never "." or
//   "..", never containing '/', at most NAME_LENGTH_MAX bytes (the VFS checks this before calling).
// * Buffers are kernel memory; the syscall layer copies to and from the program.
// * Permissions are not enforced (the program runs as root), except EROFS on read-only file
//   systems and EACCES where Linux denies even root (executing a file without any x bit).
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <lib/string_view.h>
#include <stddef.h>
#include <stdint.h>

namespace vfs {

inline constexpr size_t NAME_LENGTH_MAX = 255;
inline constexpr size_t PATH_LENGTH_MAX = 4096; // with its NUL, as Linux's PATH_MAX

// File types, as the S_IFMT bits of st_mode.
enum FileType : uint32_t {
    TypeMask = 0170000,
    TypeSocket = 0140000,
    TypeSymlink = 0120000,
    TypeRegular = 0100000,
    TypeBlockDevice = 0060000,
    TypeDirectory = 0040000,
    TypeCharacterDevice = 0020000,
    TypeFifo = 0010000,
};

struct Timestamp {
    int64_t seconds;
    int64_t nanoseconds;
};

// What stat() reports.
struct Attributes {
    uint64_t device;
    uint64_t inode;
    uint32_t mode; // type | permission bits
    uint32_t link_count;
    uint32_t uid;
    uint32_t gid;
    uint64_t rdev;
    int64_t size;
    int64_t block_size;
    int64_t blocks; // 512-byte units
    Timestamp access_time;
    Timestamp modify_time;
    Timestamp change_time;
};

// One directory entry, as getdents64 reports it. `d_type` uses the DT_* numbers (mode >> 12).
struct DirectoryEntry {
    uint64_t inode;
    uint8_t type;
    char name[NAME_LENGTH_MAX + 1];
};

// Changes for set_attributes; each field applies only when its flag is set.
struct AttributeChange {
    enum : uint32_t { Mode = 1, Owner = 2, AccessTime = 4, ModifyTime = 8, Size = 16 };
    uint32_t which;
    uint32_t mode; // permission bits only
    uint32_t uid, gid;
    Timestamp access_time, modify_time;
    uint64_t size;
};

class FileSystem;

// ENOTTY, spelled out so this header need not pull in the errno constants.
inline constexpr lib::Error ENOTTY_FOR_VNODE { 25 };

class Vnode : public lib::RefCountedBase {
public:
    virtual ~Vnode() = default;

    virtual lib::ErrorOr<Attributes> attributes() = 0;
    uint32_t type() { auto a = attributes(); return a.is_error() ? 0 : (a.value().mode & TypeMask); }
    bool is_directory() { return type() == TypeDirectory; }

    // --- directories ---
    virtual lib::ErrorOr<lib::RefPtr<Vnode>> lookup(lib::StringView name);
    // Entries from position `cookie` on (0 = the start, "." and ".." included); calls
    // `emit(entry, next_cookie)` for each until it returns false; returns the cookie to
    // continue from.
    using EntrySink = bool (*)(void* context, const DirectoryEntry&, uint64_t next_cookie);
    virtual lib::ErrorOr<uint64_t> read_directory(uint64_t cookie, EntrySink emit, void* context);
    // Whether the path walk may remember what lookup() answers (vfs/path_walk.h). No for a
    // directory whose entries come and go behind the VFS's back, or that may be freed while
    // entries are cached (/proc's process directories).
    virtual bool lookups_may_be_cached() { return true; }
    virtual lib::ErrorOr<lib::RefPtr<Vnode>> create(lib::StringView name, uint32_t mode);          // regular file
    virtual lib::ErrorOr<lib::RefPtr<Vnode>> make_directory(lib::StringView name, uint32_t mode);
    virtual lib::ErrorOr<lib::RefPtr<Vnode>> make_symlink(lib::StringView name, lib::StringView target);
    virtual lib::ErrorOr<lib::RefPtr<Vnode>> make_node(lib::StringView name, uint32_t mode, uint64_t device); // fifos
    virtual lib::ErrorOr<void> link(lib::StringView name, Vnode& target);
    virtual lib::ErrorOr<void> unlink(lib::StringView name);           // not directories (EISDIR)
    virtual lib::ErrorOr<void> remove_directory(lib::StringView name); // empty only (ENOTEMPTY)
    // Moves entry `name` of this directory to `new_name` in `new_directory` (same file
    // system; the VFS gives EXDEV otherwise). `flags`: RENAME_NOREPLACE 1, RENAME_EXCHANGE 2.
    virtual lib::ErrorOr<void> rename(lib::StringView name, Vnode& new_directory, lib::StringView new_name, uint32_t flags);

    // --- files ---
    virtual lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length);
    virtual lib::ErrorOr<size_t> write(uint64_t offset, const void* buffer, size_t length);
    virtual lib::ErrorOr<void> set_attributes(const AttributeChange&);
    // The page cache's page holding page `index` of the file (read in if need be), for a
    // private mapping to map read-only instead of copying; nullptr when the file's pages are not
    // to be shared (they may change, or `index` lies past the end of the file).
    virtual lib::ErrorOr<const uint8_t*> shareable_page(uint64_t) { return nullptr; }

    // --- symlinks ---
    // Copies the target (no NUL) into `buffer`; returns its full length.
    virtual lib::ErrorOr<size_t> read_link(char* buffer, size_t size);
    // A "magic" link (/proc/self/fd/N, /proc/self/exe) leads straight to a vnode rather than
    // to the path its text names: the path walk jumps there (the text is still what
    // readlink shows and becomes the canonical path). Plain symlinks return null.
    virtual lib::RefPtr<Vnode> magic_link_target() { return nullptr; }

    // Called when an open file description of this vnode is created or closed, for
    // file systems that track open files (FIFOs, copy-up).
    virtual lib::ErrorOr<void> open(uint32_t flags) { return {}; }
    virtual void close() {}

    // For poll and FIONREAD on pipes, terminals and sockets: readiness as POLLIN (1) and
    // POLLOUT (4) bits, and how many bytes a read would return now. Files are always ready.
    virtual uint32_t poll_events() { return 1 | 4; }
    // For edge-triggered epoll: how many times this vnode has announced a change that matters
    // to a watcher of `events` (POLLIN, POLLOUT bits), e.g. each write to a pipe for its read
    // end. A new count reports the edge again even if the level never dropped (more data in a
    // pipe that still had some), as Linux's wakeups do. 0 for vnodes that do not count: epoll
    // then reports rising levels only.
    virtual uint64_t state_changes(uint32_t events) { return 0; }
    virtual lib::ErrorOr<int64_t> readable_bytes() { return ENOTTY_FOR_VNODE; }

    virtual FileSystem& file_system() = 0;
};

// Copies `name` (cut to fit) into a directory entry of `inode`, typed from `mode`, and hands it
// to `emit`; what `emit` returns. For read_directory.
bool emit_entry(Vnode::EntrySink emit, void* context, uint64_t inode, uint32_t mode, lib::StringView name, uint64_t next_cookie);

// "." (cookie 0, this directory's inode and mode) and ".." (cookie 1, a directory) from
// `cookie` on, which ends at 2; false, with `cookie` where it stopped, when `emit` said stop.
bool emit_dots(Vnode::EntrySink emit, void* context, uint64_t& cookie, uint64_t inode, uint32_t mode, uint64_t parent_inode);

class FileSystem : public lib::RefCountedBase {
public:
    virtual ~FileSystem() = default;
    virtual lib::RefPtr<Vnode> root() = 0;
    virtual bool is_read_only() const { return false; }
    virtual const char* name() const = 0; // "tmpfs", "hostfs", ... for /proc/mounts
    // statfs numbers
    virtual uint64_t magic() const = 0;
};

} // namespace vfs
