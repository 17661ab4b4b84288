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
struct OverlayFallback;

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

    // A file the merged tree shows at `path` ("/etc/hosts") when neither layer has one there, as
    // docker provides /etc/hosts and /etc/resolv.conf. It stands below the lower layer: reading
    // and stat see `file` (read-only; under an inode number of its own), writing or changing it
    // copies it up as it would a lower file, so the program's own file takes precedence, and
    // removing it leaves a whiteout. Its directory stays the layers' own: the file is not listed
    // by read_directory, so a listing, size, link count and times of /etc are ROOTFS's.
    lib::ErrorOr<void> add_fallback_file(lib::StringView path, lib::RefPtr<vfs::Vnode> file);

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
    // The fallback file for `name` in `directory`, or null.
    OverlayFallback* find_fallback(OverlayNode& directory, lib::StringView name);

    // The inode number the overlay reports for an upper-only file.
    static constexpr uint64_t UPPER_INODE_FLAG = 1ull << 62;
    // ... and for a fallback file (with its number among them).
    static constexpr uint64_t FALLBACK_INODE_FLAG = 1ull << 61;
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
    OverlayFallback* m_fallbacks { nullptr };
    uint64_t m_fallback_count { 0 };
};

} // namespace fs
