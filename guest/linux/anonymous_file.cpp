// Anonymous files (see linux/anonymous_file.h).
#include <kernel/format.h>
#include <linux/anonymous_file.h>
#include <linux/process.h>
#include <vfs/open_file.h>

namespace linux {

namespace {

uint64_t g_next_inode = 1;
constexpr uint64_t ANONYMOUS_DEVICE = 0xe;

} // namespace

uint64_t allocate_anonymous_inode() { return g_next_inode++; }

vfs::Attributes anonymous_file_attributes(uint64_t inode)
{
    vfs::Attributes attributes {};
    attributes.device = ANONYMOUS_DEVICE;
    attributes.inode = inode;
    attributes.mode = 0600;
    attributes.link_count = 1;
    attributes.block_size = 4096;
    return attributes;
}

lib::ErrorOr<int64_t> install_anonymous_file(lib::RefPtr<vfs::Vnode> vnode, uint32_t flags, const char* kind)
{
    char name[64];
    kernel::format(name, sizeof(name), "anon_inode:[%s]", kind);
    auto file = TRY(vfs::OpenFile::create(vnode, vfs::ReadWrite | (flags & vfs::NonBlocking), name));
    return TRY(current_process().files.install(file, 0, flags & vfs::CloseOnExec));
}

} // namespace linux
