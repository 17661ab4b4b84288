// Default Vnode operations (the errno Linux gives when a file does not support one) and
// emit_entry, the directory-entry builder of the synthetic file systems' read_directory.
#include <lib/errno_codes.h>
#include <vfs/vnode.h>

namespace vfs {

namespace {

lib::Error not_a_directory_or(Vnode& node, lib::Error otherwise) { return node.is_directory() ? otherwise : ENOTDIR; }

} // namespace

bool emit_entry(Vnode::EntrySink emit, void* context, uint64_t inode, uint32_t mode, lib::StringView name, uint64_t next_cookie)
{
    DirectoryEntry entry {};
    entry.inode = inode;
    entry.type = static_cast<uint8_t>((mode & TypeMask) >> 12);
    name.copy_to(entry.name, sizeof(entry.name));
    return emit(context, entry, next_cookie);
}

bool emit_dots(Vnode::EntrySink emit, void* context, uint64_t& cookie, uint64_t inode, uint32_t mode, uint64_t parent_inode)
{
    if (cookie == 0) {
        if (!emit_entry(emit, context, inode, mode, ".", 1))
            return false;
        cookie = 1;
    }
    if (cookie == 1) {
        if (!emit_entry(emit, context, parent_inode, TypeDirectory, "..", 2))
            return false;
        cookie = 2;
    }
    return true;
}

lib::ErrorOr<lib::RefPtr<Vnode>> Vnode::lookup(lib::StringView) { return not_a_directory_or(*this, ENOENT); }
lib::ErrorOr<uint64_t> Vnode::read_directory(uint64_t, EntrySink, void*) { return ENOTDIR; }
lib::ErrorOr<lib::RefPtr<Vnode>> Vnode::create(lib::StringView, uint32_t) { return not_a_directory_or(*this, EPERM); }
lib::ErrorOr<lib::RefPtr<Vnode>> Vnode::make_directory(lib::StringView, uint32_t) { return not_a_directory_or(*this, EPERM); }
lib::ErrorOr<lib::RefPtr<Vnode>> Vnode::make_symlink(lib::StringView, lib::StringView) { return not_a_directory_or(*this, EPERM); }
lib::ErrorOr<lib::RefPtr<Vnode>> Vnode::make_node(lib::StringView, uint32_t, uint64_t) { return not_a_directory_or(*this, EPERM); }
lib::ErrorOr<void> Vnode::link(lib::StringView, Vnode&) { return not_a_directory_or(*this, EPERM); }
lib::ErrorOr<void> Vnode::unlink(lib::StringView) { return not_a_directory_or(*this, EPERM); }
lib::ErrorOr<void> Vnode::remove_directory(lib::StringView) { return not_a_directory_or(*this, EPERM); }
lib::ErrorOr<void> Vnode::rename(lib::StringView, Vnode&, lib::StringView, uint32_t) { return not_a_directory_or(*this, EPERM); }
lib::ErrorOr<size_t> Vnode::read(uint64_t, void*, size_t) { return is_directory() ? EISDIR : EINVAL; }
lib::ErrorOr<size_t> Vnode::write(uint64_t, const void*, size_t) { return is_directory() ? EISDIR : EINVAL; }
lib::ErrorOr<void> Vnode::set_attributes(const AttributeChange&) { return EPERM; }
lib::ErrorOr<size_t> Vnode::read_link(char*, size_t) { return EINVAL; }

} // namespace vfs
