// The vnode of overlayfs: one per file, stable across copy-up, forwarding each operation to
// the layer that currently holds the file.
#pragma once

#include <fs/overlay.h>
#include <lib/errno_codes.h>

namespace fs {

struct OverlayWhiteout {
    OverlayWhiteout* next;
    size_t name_length;
    char name[TmpFs::MAX_NAME_LENGTH + 1];
};

struct OverlayUpperState {
    OverlayUpperState* next;
    uint64_t upper_inode;
    uint64_t origin_inode; // the lower file this was copied up from, when has_origin
    bool has_origin;
    bool opaque; // a directory that shows nothing of the lower layer
    OverlayWhiteout* whiteouts;
};

// A file shown where neither layer has one (OverlayFs::add_fallback_file).
struct OverlayFallback {
    static constexpr size_t PATH_CAPACITY = 128;

    OverlayFallback* next { nullptr };
    lib::RefPtr<vfs::FileSystem> file_system; // `file`'s, kept alive as long as it
    lib::RefPtr<vfs::Vnode> file;
    uint64_t inode { 0 };
    size_t name_offset { 0 }; // where the last component of `path` starts
    size_t path_length { 0 };
    char path[PATH_CAPACITY] {};

    lib::StringView name() const { return lib::StringView(path + name_offset, path_length - name_offset); }
    // "/etc" for "/etc/hosts"; empty for a file in the root.
    lib::StringView directory() const { return lib::StringView(path, name_offset - 1); }
};

class OverlayNode final : public vfs::Vnode {
public:
    // `lower` is the lower file, or for a directory the lower directory merged into it.
    OverlayNode(OverlayFs& fs, lib::RefPtr<vfs::Vnode> upper, lib::RefPtr<vfs::Vnode> lower, uint32_t type, uint64_t lower_inode);
    ~OverlayNode() override;

    lib::ErrorOr<vfs::Attributes> attributes() override;
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> lookup(lib::StringView name) override;
    lib::ErrorOr<uint64_t> read_directory(uint64_t cookie, EntrySink emit, void* context) override;
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> create(lib::StringView name, uint32_t mode) override;
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> make_directory(lib::StringView name, uint32_t mode) override;
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> make_symlink(lib::StringView name, lib::StringView target) override;
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> make_node(lib::StringView name, uint32_t mode, uint64_t device) override;
    lib::ErrorOr<void> link(lib::StringView name, vfs::Vnode& target) override;
    lib::ErrorOr<void> unlink(lib::StringView name) override;
    lib::ErrorOr<void> remove_directory(lib::StringView name) override;
    lib::ErrorOr<void> rename(lib::StringView name, vfs::Vnode& new_directory, lib::StringView new_name, uint32_t flags) override;
    lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length) override;
    lib::ErrorOr<const uint8_t*> shareable_page(uint64_t index) override { return current().shareable_page(index); }
    lib::ErrorOr<size_t> write(uint64_t offset, const void* buffer, size_t length) override;
    lib::ErrorOr<void> set_attributes(const vfs::AttributeChange&) override;
    lib::ErrorOr<size_t> read_link(char* buffer, size_t size) override;
    lib::ErrorOr<void> open(uint32_t flags) override;
    vfs::FileSystem& file_system() override { return m_fs; }

    // Gives the file (and its parent directories) an upper copy, once.
    lib::ErrorOr<void> copy_up();

    vfs::Vnode* upper() const { return m_upper.ptr(); }
    vfs::Vnode* lower() const { return m_lower.ptr(); }
    bool is_overlay_directory() const { return m_type == vfs::TypeDirectory; }
    uint64_t overlay_inode();
    void set_location(OverlayNode* parent, lib::StringView name);
    // Its name is gone; a removed directory also stops showing (lower) entries.
    void detach()
    {
        m_parent = nullptr;
        m_removed = is_overlay_directory();
    }
    OverlayNode* parent() const { return m_parent.ptr(); }
    // Whether this is the directory at `path` ("/etc"; empty for the root) by the names it was
    // found under.
    bool is_at(lib::StringView path) const;

    // The live-node list of OverlayFs.
    OverlayNode* m_next_live { nullptr };
    OverlayNode* m_previous_live { nullptr };

private:
    vfs::Vnode& current() { return m_upper ? *m_upper : *m_lower; }
    uint64_t upper_inode();
    // The node for a child found in the layers (either may be null, not both); `lower_inode`
    // is the number of `lower`.
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> node_for(lib::StringView name, lib::RefPtr<vfs::Vnode> upper, lib::RefPtr<vfs::Vnode> lower, uint64_t lower_inode);
    lib::ErrorOr<lib::RefPtr<OverlayNode>> find_child(lib::StringView name);
    bool lower_has(lib::StringView name);
    // Whether removing `name` from the upper layer would let something show through: the lower
    // layer's entry or a fallback file.
    bool needs_whiteout(lib::StringView name);
    lib::ErrorOr<void> check_empty();
    // Before creating `name`: it must not be visible; this directory is copied up.
    lib::ErrorOr<void> prepare_new_entry(lib::StringView name);
    // After creating `upper_child` as `name` in the upper directory: shadow a whiteout.
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> finish_new_entry(lib::StringView name, lib::RefPtr<vfs::Vnode> upper_child);
    lib::ErrorOr<void> remove_entry(lib::StringView name, OverlayNode& child);
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> copy_into(vfs::Vnode& directory, lib::StringView name, const vfs::Attributes&);
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> copy_as_orphan(const vfs::Attributes&);
    lib::ErrorOr<void> copy_data(vfs::Vnode& copy, uint64_t size);
    // Entry inode as the overlay reports it, for read_directory.
    uint64_t inode_of_upper_entry(uint64_t upper_inode);

    friend struct OverlayListing;

    OverlayFs& m_fs;
    lib::RefPtr<vfs::Vnode> m_upper;
    lib::RefPtr<vfs::Vnode> m_lower;
    uint32_t m_type;
    uint64_t m_lower_inode;
    lib::RefPtr<OverlayNode> m_parent; // null for the root and once the name is gone
    bool m_removed { false };
    size_t m_name_length { 0 };
    char m_name[TmpFs::MAX_NAME_LENGTH + 1] {};
};

} // namespace fs
