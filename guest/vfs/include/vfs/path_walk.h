// Path resolution: from a path string to a vnode, through mounts, `.` and `..` (never above
// the root), and symlinks (at most 40, else ELOOP), with Linux's trailing-slash rules.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <vfs/mount_table.h>
#include <vfs/vnode.h>

namespace vfs {

inline constexpr int SYMLINK_LIMIT = 40;

struct WalkOptions {
    bool follow_last_symlink = true;
    // For calls that create or remove the last component: a missing last component is not
    // an error (node is then null) and `parent` and `name` are filled in.
    bool want_parent = false;
    // A trailing slash makes the walk follow a final symlink (open("link/")); the calls that
    // act on the name itself (unlink, rmdir, rename) say no, and get ENOTDIR for a symlink.
    bool trailing_slash_follows = true;
};

struct WalkResult {
    lib::RefPtr<Vnode> node;   // null when the last component does not exist (want_parent)
    lib::RefPtr<Vnode> parent; // the directory holding the last component (want_parent)
    char name[NAME_LENGTH_MAX + 1] {}; // the last component ("" for "/")
    char canonical[PATH_LENGTH_MAX] {}; // absolute, no symlinks, `.` or `..`: the node's path
    bool trailing_slash = false;
    const Mount* mount = nullptr; // the mount the node (or its parent) lives in
};

// Where a walk stands: every directory from the root down, with its canonical path. A
// process's cwd is one, so that `..` still works when the cwd was removed or renamed.
struct WalkFrame {
    lib::RefPtr<Vnode> node;
    size_t canonical_length;
    const Mount* mount;
};

struct Location {
    static constexpr size_t MAX_DEPTH = 256;
    WalkFrame frames[MAX_DEPTH];
    size_t depth = 0;
    char canonical[PATH_LENGTH_MAX] {};
    Vnode* node() const { return depth ? frames[depth - 1].node.ptr() : nullptr; }
    void clear();
};

// Resolves `path` against the canonical directory `cwd` (used when path is relative).
lib::ErrorOr<void> walk(const char* path, const char* cwd, const WalkOptions&, WalkResult&);
// Resolves `path` from `start` (used when path is relative); with `end`, also hands back
// where the walk ended (for chdir).
lib::ErrorOr<void> walk(const char* path, const Location& start, const WalkOptions&, WalkResult&, Location* end = nullptr);

// The directory-entry cache the walk uses: forget what it knows about entries of
// `directory` (after the directory changed), or everything.
void forget_entries_of(const Vnode& directory);
void forget_all_entries();

} // namespace vfs
