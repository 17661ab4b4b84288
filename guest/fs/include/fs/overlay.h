// overlayfs: a writable tmpfs upper layer over a read-only lower file system, seen as one
// merged tree. Modifications go to the upper layer (copying lower files up first); removed
// lower names are hidden by whiteouts; the lower layer is never written.
#pragma once

#include <fs/tmpfs.h>
#include <lib/ref_ptr.h>
#include <lib/string_view.h>
#include <vfs/vnode.h>

namespace fs {

class OverlayNode;
struct OverlayUpperState;

class OverlayFs final : public vfs::FileSystem {
public:
    static constexpr uint64_t MAGIC = 0x794c7630;

    // Null when out of memory or when a layer has no root.
    static lib::RefPtr<OverlayFs> create(lib::RefPtr<vfs::FileSystem> lower, lib::RefPtr<TmpFs> upper);
    ~OverlayFs() override;

    lib::RefPtr<vfs::Vnode> root() override;
    bool is_read_only() const override { return m_upper->is_read_only(); }
    const char* name() const override { return "overlay"; }
    uint64_t magic() const override { return MAGIC; }

    vfs::FileSystem& lower() { return *m_lower; }
    TmpFs& upper() { return *m_upper; }

    // --- for the nodes (guest/fs/overlay/) ---

    // Live nodes, so that one file is one OverlayNode however often it is looked up: the
    // node with this upper vnode, or the not yet copied-up node of this lower inode.
    OverlayNode* find_live_node_by_upper(vfs::Vnode& upper);
    OverlayNode* find_live_node_by_lower(uint64_t lower_inode);
    void add_live_node(OverlayNode&);
    void remove_live_node(OverlayNode&);

    // State kept per upper inode (tmpfs never reuses inode numbers).
    bool is_whiteout(uint64_t directory, lib::StringView name);
    lib::ErrorOr<void> add_whiteout(uint64_t directory, lib::StringView name);
    void remove_whiteout(uint64_t directory, lib::StringView name);
    bool is_opaque(uint64_t directory);
    lib::ErrorOr<void> set_opaque(uint64_t directory);
    lib::ErrorOr<void> set_origin(uint64_t upper_inode, uint64_t lower_inode);
    bool find_origin(uint64_t upper_inode, uint64_t& lower_inode);
    void forget(uint64_t upper_inode); // the upper file is gone

    // The inode number the overlay reports for an upper-only file.
    static constexpr uint64_t UPPER_INODE_FLAG = 1ull << 62;
    uint64_t device_number() const { return m_upper->device_number(); }

private:
    OverlayFs(lib::RefPtr<vfs::FileSystem> lower, lib::RefPtr<TmpFs> upper);
    OverlayUpperState* find_state(uint64_t upper_inode);
    lib::ErrorOr<OverlayUpperState*> find_or_add_state(uint64_t upper_inode);

    static constexpr size_t STATE_BUCKETS = 64;

    lib::RefPtr<vfs::FileSystem> m_lower;
    lib::RefPtr<TmpFs> m_upper;
    lib::RefPtr<OverlayNode> m_root;
    OverlayNode* m_live_nodes { nullptr };
    OverlayUpperState* m_states[STATE_BUCKETS] {};
};

} // namespace fs
