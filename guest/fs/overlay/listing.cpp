// Overlay read_directory: the merged listing. Lower entries come first, under the lower
// layer's own cookies (so a file copied up mid-listing is listed once); then the upper
// entries the lower layer does not have, under cookies with UPPER_PHASE set.
#include "overlay_node.h"

namespace fs {

namespace {

constexpr uint64_t UPPER_PHASE = 1ull << 63; // FIXME: assumes lower cookies stay below 2^63

bool is_dot_or_dot_dot(const char* name) { return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')); }

size_t length_of(const char* name)
{
    size_t length = 0;
    while (name[length])
        ++length;
    return length;
}

} // namespace

// The state of one read_directory call, passed through the layers' sinks.
struct OverlayListing {
    OverlayNode& directory;
    vfs::Vnode::EntrySink emit;
    void* context;
    bool merged;       // both layers contribute
    bool stopped;      // the caller's sink said stop
    uint64_t phase;    // 0 or UPPER_PHASE
    uint64_t directory_upper_inode;

    // "." and ".." as the overlay reports them.
    bool emit_dots(const vfs::DirectoryEntry& entry, uint64_t next_cookie)
    {
        vfs::DirectoryEntry copy = entry;
        OverlayNode* node = &directory;
        if (entry.name[1] == '.' && directory.m_parent)
            node = directory.m_parent.ptr();
        copy.inode = node->overlay_inode();
        return forward(copy, next_cookie);
    }

    bool forward(const vfs::DirectoryEntry& entry, uint64_t next_cookie)
    {
        if (!emit(context, entry, phase | next_cookie)) {
            stopped = true;
            return false;
        }
        return true;
    }

    bool lower_entry(const vfs::DirectoryEntry& entry, uint64_t next_cookie)
    {
        if (is_dot_or_dot_dot(entry.name))
            return emit_dots(entry, next_cookie);
        lib::StringView name(entry.name, length_of(entry.name));
        if (directory.m_upper && directory.m_fs.is_whiteout(directory_upper_inode, name))
            return true;
        if (!directory.m_upper)
            return forward(entry, next_cookie);
        // The upper layer may hold this name too: report what lookup would give.
        auto upper_child = directory.m_upper->lookup(name);
        if (upper_child.is_error())
            return forward(entry, next_cookie);
        auto attributes = upper_child.value()->attributes();
        if (attributes.is_error())
            return forward(entry, next_cookie);
        vfs::DirectoryEntry copy = entry;
        uint32_t upper_type = attributes.value().mode & vfs::TypeMask;
        copy.type = static_cast<uint8_t>(upper_type >> 12);
        bool merged_child = upper_type == vfs::TypeDirectory && (entry.type << 12) == vfs::TypeDirectory
            && !directory.m_fs.is_opaque(attributes.value().inode);
        if (!merged_child)
            copy.inode = directory.inode_of_upper_entry(attributes.value().inode);
        return forward(copy, next_cookie);
    }

    bool upper_entry(const vfs::DirectoryEntry& entry, uint64_t next_cookie)
    {
        if (is_dot_or_dot_dot(entry.name))
            return merged ? true : emit_dots(entry, next_cookie);
        // Names the lower layer has were listed with it.
        if (merged && directory.lower_has(lib::StringView(entry.name, length_of(entry.name))))
            return true;
        vfs::DirectoryEntry copy = entry;
        copy.inode = directory.inode_of_upper_entry(entry.inode);
        return forward(copy, next_cookie);
    }
};

lib::ErrorOr<uint64_t> OverlayNode::read_directory(uint64_t cookie, EntrySink emit, void* context)
{
    if (!is_overlay_directory())
        return ENOTDIR;
    if (m_removed)
        return cookie; // like Linux: a removed directory lists nothing, not even "."
    OverlayListing listing { *this, emit, context, m_upper && m_lower, false, 0, upper_inode() };
    if (m_lower && !(cookie & UPPER_PHASE)) {
        auto sink = [](void* state, const vfs::DirectoryEntry& entry, uint64_t next) {
            return static_cast<OverlayListing*>(state)->lower_entry(entry, next);
        };
        cookie = TRY(m_lower->read_directory(cookie, sink, &listing));
        if (listing.stopped || !m_upper)
            return cookie;
        cookie = UPPER_PHASE;
    }
    listing.phase = m_lower ? UPPER_PHASE : 0;
    auto sink = [](void* state, const vfs::DirectoryEntry& entry, uint64_t next) {
        return static_cast<OverlayListing*>(state)->upper_entry(entry, next);
    };
    uint64_t upper_cookie = TRY(m_upper->read_directory(cookie & ~UPPER_PHASE, sink, &listing));
    return listing.phase | upper_cookie;
}

} // namespace fs
