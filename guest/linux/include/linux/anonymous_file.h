// Files with no name in any file system (eventfd, timerfd): Linux's anon_inode files.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <vfs/vnode.h>

namespace linux {

// The file system anonymous files say they belong to (anon_inodefs). Each kind of file has
// its own instance, so that `&vnode.file_system()` tells the kinds apart.
class AnonymousFileSystem final : public vfs::FileSystem {
public:
    lib::RefPtr<vfs::Vnode> root() override { return nullptr; }
    const char* name() const override { return "anon_inodefs"; }
    uint64_t magic() const override { return 0x09041934; }
};

// stat() of an anonymous file: mode 0600, no type, a fresh inode number per file.
vfs::Attributes anonymous_file_attributes(uint64_t inode);
uint64_t allocate_anonymous_inode();

// Opens `vnode` read-write with the O_NONBLOCK of `flags` and installs it as a new file
// descriptor (O_CLOEXEC honoured), named "anon_inode:[`kind`]" in /proc/self/fd.
lib::ErrorOr<int64_t> install_anonymous_file(lib::RefPtr<vfs::Vnode>, uint32_t flags, const char* kind);

} // namespace linux
