// The overlay file system object: its layers, its live nodes, what it remembers about upper
// files (origins, opaque directories, whiteouts), and the fallback files below both layers.
#include "overlay_node.h"

namespace fs {

OverlayFs::OverlayFs(lib::RefPtr<vfs::FileSystem> lower, lib::RefPtr<TmpFs> upper)
    : m_lower(static_cast<lib::RefPtr<vfs::FileSystem>&&>(lower))
    , m_upper(static_cast<lib::RefPtr<TmpFs>&&>(upper))
{
}

OverlayFs::~OverlayFs()
{
    m_root = nullptr;
    while (m_fallbacks) {
        OverlayFallback* fallback = m_fallbacks;
        m_fallbacks = fallback->next;
        lib::destroy(fallback);
    }
    for (auto*& bucket : m_states) {
        while (bucket) {
            OverlayUpperState* state = bucket;
            bucket = state->next;
            while (state->whiteouts) {
                OverlayWhiteout* whiteout = state->whiteouts;
                state->whiteouts = whiteout->next;
                lib::destroy(whiteout);
            }
            lib::destroy(state);
        }
    }
}

lib::RefPtr<OverlayFs> OverlayFs::create(lib::RefPtr<vfs::FileSystem> lower, lib::RefPtr<TmpFs> upper)
{
    if (!lower || !upper)
        return nullptr;
    auto lower_root = lower->root();
    auto upper_root = upper->root();
    if (!lower_root || !upper_root)
        return nullptr;
    auto lower_attributes = lower_root->attributes();
    if (lower_attributes.is_error())
        return nullptr;
    // The upper root stands for ROOTFS's root, as a copied-up directory would: its mode,
    // owner and times, not those of an empty tmpfs (1777, now). A read-only upper layer
    // refuses, and keeps its own.
    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Mode | vfs::AttributeChange::Owner | vfs::AttributeChange::AccessTime
        | vfs::AttributeChange::ModifyTime;
    change.mode = lower_attributes.value().mode & 07777;
    change.uid = lower_attributes.value().uid;
    change.gid = lower_attributes.value().gid;
    change.access_time = lower_attributes.value().access_time;
    change.modify_time = lower_attributes.value().modify_time;
    (void)upper_root->set_attributes(change);
    // The constructor is private: build in place rather than through lib::make.
    void* memory = lib::allocate(sizeof(OverlayFs));
    if (!memory)
        return nullptr;
    lib::RefPtr<OverlayFs> overlay(new (memory) OverlayFs(lower, upper));
    overlay->m_root = lib::make_ref<OverlayNode>(*overlay, upper_root, lower_root, vfs::TypeDirectory, lower_attributes.value().inode);
    if (!overlay->m_root)
        return nullptr;
    return overlay;
}

lib::RefPtr<vfs::Vnode> OverlayFs::root() { return m_root; }

lib::ErrorOr<void> OverlayFs::add_fallback_file(lib::StringView path, lib::RefPtr<vfs::Vnode> file)
{
    size_t name_offset = path.length();
    while (name_offset > 0 && path[name_offset - 1] != '/')
        --name_offset;
    if (!file || name_offset == 0 || name_offset == path.length() || path.length() - name_offset > TmpFs::MAX_NAME_LENGTH)
        return EINVAL;
    auto* fallback = lib::make<OverlayFallback>();
    if (!fallback)
        return ENOMEM;
    if (!path.copy_to(fallback->path, sizeof(fallback->path))) {
        lib::destroy(fallback);
        return ENAMETOOLONG;
    }
    fallback->path_length = path.length();
    fallback->name_offset = name_offset;
    fallback->file_system = &file->file_system();
    fallback->file = file;
    fallback->inode = FALLBACK_INODE_FLAG | ++m_fallback_count;
    fallback->next = m_fallbacks;
    m_fallbacks = fallback;
    return {};
}

OverlayFallback* OverlayFs::find_fallback(OverlayNode& directory, lib::StringView name)
{
    for (OverlayFallback* fallback = m_fallbacks; fallback; fallback = fallback->next)
        if (fallback->name() == name && directory.is_at(fallback->directory()))
            return fallback;
    return nullptr;
}

OverlayNode* OverlayFs::find_live_node_by_upper(vfs::Vnode& upper)
{
    // FIXME: a list; a hash would suit many open files better.
    for (OverlayNode* node = m_live_nodes; node; node = node->m_next_live)
        if (node->upper() == &upper)
            return node;
    return nullptr;
}

OverlayNode* OverlayFs::find_live_node_by_lower(uint64_t lower_inode)
{
    for (OverlayNode* node = m_live_nodes; node; node = node->m_next_live)
        if (!node->upper() && node->lower() && node->overlay_inode() == lower_inode)
            return node;
    return nullptr;
}

void OverlayFs::add_live_node(OverlayNode& node)
{
    node.m_next_live = m_live_nodes;
    node.m_previous_live = nullptr;
    if (m_live_nodes)
        m_live_nodes->m_previous_live = &node;
    m_live_nodes = &node;
}

void OverlayFs::remove_live_node(OverlayNode& node)
{
    if (node.m_previous_live)
        node.m_previous_live->m_next_live = node.m_next_live;
    else
        m_live_nodes = node.m_next_live;
    if (node.m_next_live)
        node.m_next_live->m_previous_live = node.m_previous_live;
}

OverlayUpperState* OverlayFs::find_state(uint64_t upper_inode)
{
    for (auto* state = m_states[upper_inode % STATE_BUCKETS]; state; state = state->next)
        if (state->upper_inode == upper_inode)
            return state;
    return nullptr;
}

lib::ErrorOr<OverlayUpperState*> OverlayFs::find_or_add_state(uint64_t upper_inode)
{
    if (auto* state = find_state(upper_inode))
        return state;
    auto* state = lib::make<OverlayUpperState>();
    if (!state)
        return ENOMEM;
    state->upper_inode = upper_inode;
    state->next = m_states[upper_inode % STATE_BUCKETS];
    m_states[upper_inode % STATE_BUCKETS] = state;
    return state;
}

bool OverlayFs::is_whiteout(uint64_t directory, lib::StringView name)
{
    auto* state = find_state(directory);
    for (auto* whiteout = state ? state->whiteouts : nullptr; whiteout; whiteout = whiteout->next)
        if (lib::StringView(whiteout->name, whiteout->name_length) == name)
            return true;
    return false;
}

lib::ErrorOr<void> OverlayFs::add_whiteout(uint64_t directory, lib::StringView name)
{
    if (is_whiteout(directory, name))
        return {};
    auto* whiteout = lib::make<OverlayWhiteout>();
    if (!whiteout)
        return ENOMEM;
    auto state = find_or_add_state(directory);
    if (state.is_error()) {
        lib::destroy(whiteout);
        return ENOMEM;
    }
    whiteout->name_length = name.length();
    name.copy_to(whiteout->name, sizeof(whiteout->name));
    whiteout->next = state.value()->whiteouts;
    state.value()->whiteouts = whiteout;
    return {};
}

void OverlayFs::remove_whiteout(uint64_t directory, lib::StringView name)
{
    auto* state = find_state(directory);
    if (!state)
        return;
    for (OverlayWhiteout** link = &state->whiteouts; *link; link = &(*link)->next) {
        if (lib::StringView((*link)->name, (*link)->name_length) == name) {
            OverlayWhiteout* whiteout = *link;
            *link = whiteout->next;
            lib::destroy(whiteout);
            return;
        }
    }
}

bool OverlayFs::is_opaque(uint64_t directory)
{
    auto* state = find_state(directory);
    return state && state->opaque;
}

lib::ErrorOr<void> OverlayFs::set_opaque(uint64_t directory)
{
    auto* state = TRY(find_or_add_state(directory));
    state->opaque = true;
    return {};
}

lib::ErrorOr<void> OverlayFs::set_origin(uint64_t upper_inode, uint64_t lower_inode)
{
    auto* state = TRY(find_or_add_state(upper_inode));
    state->has_origin = true;
    state->origin_inode = lower_inode;
    return {};
}

bool OverlayFs::find_origin(uint64_t upper_inode, uint64_t& lower_inode)
{
    auto* state = find_state(upper_inode);
    if (!state || !state->has_origin)
        return false;
    lower_inode = state->origin_inode;
    return true;
}

void OverlayFs::forget(uint64_t upper_inode)
{
    for (OverlayUpperState** link = &m_states[upper_inode % STATE_BUCKETS]; *link; link = &(*link)->next) {
        if ((*link)->upper_inode != upper_inode)
            continue;
        OverlayUpperState* state = *link;
        *link = state->next;
        while (state->whiteouts) {
            OverlayWhiteout* whiteout = state->whiteouts;
            state->whiteouts = whiteout->next;
            lib::destroy(whiteout);
        }
        lib::destroy(state);
        return;
    }
}

} // namespace fs
