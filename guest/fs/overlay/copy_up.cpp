// Copy-up: before a lower file is modified, it (and the directories above it) get a copy in
// the upper layer with the same data, mode, owner and times. The node then forwards there.
#include "overlay_node.h"

namespace fs {

namespace {

constexpr size_t COPY_CHUNK = 16 * 1024;
constexpr size_t PATH_MAX = 4096;

bool all_zero(const uint8_t* bytes, size_t length)
{
    for (size_t i = 0; i < length; ++i)
        if (bytes[i])
            return false;
    return true;
}

// Frees a buffer from lib::allocate when it goes out of scope.
struct ScopedBuffer {
    explicit ScopedBuffer(size_t size) : bytes(static_cast<uint8_t*>(lib::allocate(size))) {}
    ~ScopedBuffer() { lib::deallocate(bytes); }
    uint8_t* bytes;
};

void remove_partial_copy(vfs::Vnode& directory, lib::StringView name, uint32_t type)
{
    auto removed = type == vfs::TypeDirectory ? directory.remove_directory(name) : directory.unlink(name);
    (void)removed.is_error(); // best effort: the copy was ours alone
}

} // namespace

// Copies the data, leaving holes where the lower file reads as zero.
lib::ErrorOr<void> OverlayNode::copy_data(vfs::Vnode& copy, uint64_t size)
{
    ScopedBuffer buffer(COPY_CHUNK);
    if (!buffer.bytes)
        return ENOMEM;
    uint64_t offset = 0;
    while (offset < size) {
        size_t wanted = size - offset < COPY_CHUNK ? size - offset : COPY_CHUNK;
        size_t got = TRY(m_lower->read(offset, buffer.bytes, wanted));
        if (got == 0)
            break;
        if (!all_zero(buffer.bytes, got)) {
            size_t written = TRY(copy.write(offset, buffer.bytes, got));
            if (written != got)
                return ENOSPC;
        }
        offset += got;
    }
    return {};
}

// Creates `name` in upper `directory` as a copy of the lower file described by `attributes`.
lib::ErrorOr<lib::RefPtr<vfs::Vnode>> OverlayNode::copy_into(vfs::Vnode& directory, lib::StringView name, const vfs::Attributes& attributes)
{
    uint32_t permissions = attributes.mode & 07777;
    lib::RefPtr<vfs::Vnode> copy;
    switch (m_type) {
    case vfs::TypeRegular:
        copy = TRY(directory.create(name, permissions));
        break;
    case vfs::TypeDirectory:
        copy = TRY(directory.make_directory(name, permissions));
        break;
    case vfs::TypeSymlink: {
        ScopedBuffer target(PATH_MAX);
        if (!target.bytes)
            return ENOMEM;
        size_t length = TRY(m_lower->read_link(reinterpret_cast<char*>(target.bytes), PATH_MAX));
        if (length > PATH_MAX)
            return ENAMETOOLONG;
        copy = TRY(directory.make_symlink(name, lib::StringView(reinterpret_cast<char*>(target.bytes), length)));
        break;
    }
    default:
        copy = TRY(directory.make_node(name, m_type | permissions, attributes.rdev));
        break;
    }

    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Owner | vfs::AttributeChange::AccessTime | vfs::AttributeChange::ModifyTime;
    if (m_type != vfs::TypeSymlink)
        change.which |= vfs::AttributeChange::Mode;
    change.mode = permissions;
    change.uid = attributes.uid;
    change.gid = attributes.gid;
    change.access_time = attributes.access_time;
    change.modify_time = attributes.modify_time;
    lib::ErrorOr<void> result;
    if (m_type == vfs::TypeRegular) {
        result = copy_data(*copy, static_cast<uint64_t>(attributes.size));
        change.which |= vfs::AttributeChange::Size; // a trailing hole
        change.size = static_cast<uint64_t>(attributes.size);
    }
    if (!result.is_error())
        result = copy->set_attributes(change);
    if (result.is_error()) {
        remove_partial_copy(directory, name, m_type);
        return lib::Error(result.error());
    }
    return copy;
}

// A file whose name is gone (unlinked while open) is copied to a name in the upper root
// that is unlinked straight away, as Linux does in its work directory.
lib::ErrorOr<lib::RefPtr<vfs::Vnode>> OverlayNode::copy_as_orphan(const vfs::Attributes& attributes)
{
    if (m_type == vfs::TypeDirectory)
        return ENOENT;
    auto upper_root = m_fs.upper().root();
    char name[] = ".overlay-orphan-0000000000000000";
    for (uint64_t attempt = 0;; ++attempt) {
        uint64_t number = reinterpret_cast<uintptr_t>(this) + attempt;
        for (int digit = 0; digit < 16; ++digit)
            name[sizeof(name) - 2 - digit] = "0123456789abcdef"[(number >> (4 * digit)) & 15];
        auto copy = copy_into(*upper_root, name, attributes);
        if (copy.is_error() && EEXIST == copy.error())
            continue;
        if (copy.is_error())
            return lib::Error(copy.error());
        auto node = copy.release_value();
        TRY(upper_root->unlink(name));
        return node;
    }
}

lib::ErrorOr<void> OverlayNode::copy_up()
{
    if (m_upper)
        return {};
    auto attributes = TRY(m_lower->attributes());
    lib::RefPtr<vfs::Vnode> copy;
    if (!m_parent) {
        copy = TRY(copy_as_orphan(attributes));
    } else {
        TRY(m_parent->copy_up());
        lib::StringView name(m_name, m_name_length);
        copy = TRY(copy_into(*m_parent->m_upper, name, attributes));
        auto copy_attributes = copy->attributes();
        auto recorded = copy_attributes.is_error() ? lib::ErrorOr<void>(ENOMEM) : m_fs.set_origin(copy_attributes.value().inode, m_lower_inode);
        if (recorded.is_error()) {
            remove_partial_copy(*m_parent->m_upper, name, m_type);
            return lib::Error(recorded.error());
        }
    }
    m_upper = copy;
    return {};
}

} // namespace fs
