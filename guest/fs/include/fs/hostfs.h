// hostfs: host directories (ROOTFS and the -v volumes) through the monitor's Host* hypercalls.
// Each HostNode holds one monitor handle (released with the node's last reference) and the
// attributes its lookup brought back; every modification of a read-only mount fails with
// EROFS without asking the monitor. The monitor never follows a symlink: the VFS does.
#pragma once

#include <abi/hypercall.h>
#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <stdint.h>
#include <vfs/vnode.h>

namespace fs {

class HostNode;

class HostFs final : public vfs::FileSystem {
public:
    static constexpr uint64_t MAGIC = 0x686f7374; // "host"

    // Mounts entry `mount_index` of the monitor's mount table (0 = ROOTFS, read-only; then the
    // -v volumes in command-line order): ENOENT for no such entry, ENOMEM, or the monitor's
    // errno for the root directory.
    static lib::ErrorOr<lib::RefPtr<HostFs>> mount(uint32_t mount_index);

    // How many entries the monitor's mount table has, and where entry `index` goes in the
    // guest ("/" for ROOTFS); nullptr past the end.
    static uint32_t mount_count();
    static const char* mount_path(uint32_t index);

    lib::RefPtr<vfs::Vnode> root() override;
    bool is_read_only() const override { return m_read_only; }
    const char* name() const override { return "hostfs"; }
    uint64_t magic() const override { return MAGIC; }
    uint32_t mount_index() const { return m_mount_index; }

    // Public for lib::make; use mount().
    HostFs(uint32_t mount_index, bool read_only);

private:
    friend class HostNode;

    // The file system owns its root; the other nodes point at the file system, which the VFS
    // keeps alive while any of them lives (as with tmpfs).
    lib::RefPtr<HostNode> m_root;
    uint32_t m_mount_index;
    bool m_read_only;
};

class HostNode final : public vfs::Vnode {
public:
    // A node for a handle the monitor just gave out (released if this fails: ENOMEM).
    static lib::ErrorOr<lib::RefPtr<HostNode>> create(HostFs&, int64_t handle, const uabi::HostAttributes&);
    ~HostNode() override;

    lib::ErrorOr<vfs::Attributes> attributes() override { return m_attributes; }

    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> lookup(lib::StringView name) override;
    lib::ErrorOr<uint64_t> read_directory(uint64_t cookie, EntrySink emit, void* context) override;
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> create(lib::StringView name, uint32_t mode) override;
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> make_directory(lib::StringView name, uint32_t mode) override;
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> make_symlink(lib::StringView name, lib::StringView target) override;
    lib::ErrorOr<void> link(lib::StringView name, Vnode& target) override;
    lib::ErrorOr<void> unlink(lib::StringView name) override;
    lib::ErrorOr<void> remove_directory(lib::StringView name) override;
    lib::ErrorOr<void> rename(lib::StringView name, Vnode& new_directory, lib::StringView new_name, uint32_t flags) override;

    lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length) override;
    lib::ErrorOr<const uint8_t*> shareable_page(uint64_t index) override;
    lib::ErrorOr<size_t> write(uint64_t offset, const void* buffer, size_t length) override;
    lib::ErrorOr<void> set_attributes(const vfs::AttributeChange&) override;
    lib::ErrorOr<size_t> read_link(char* buffer, size_t size) override;

    // On a read-write mount, opening refreshes the cached attributes: the host may have
    // changed the file since (close-to-open consistency, as NFS does).
    lib::ErrorOr<void> open(uint32_t flags) override;

    vfs::FileSystem& file_system() override { return *m_fs; }

    int64_t handle() const { return m_handle; }

    // Public for lib::make; use create().
    HostNode(HostFs&, int64_t handle, const uabi::HostAttributes&);

private:
    bool is_read_only() const { return m_fs->is_read_only(); }
    uint32_t node_type() const { return m_attributes.mode & vfs::TypeMask; }
    // The page cache's key for this file's pages (see page_key_for).
    const void* page_key() const { return m_page_key; }
    // The node `other` as a HostNode of this file system, or nullptr (EXDEV for the caller).
    HostNode* same_file_system(Vnode& other);
    // ENOTDIR unless this is a directory, then EROFS on a read-only mount: what every change
    // to a directory's entries checks first.
    lib::ErrorOr<void> check_writable_directory() const;
    lib::ErrorOr<void> refresh_attributes();
    void set_attributes_from(const uabi::HostAttributes&);
    // A directory's own times after one of its entries changed.
    void touch_directory(int link_count_change = 0);
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> new_child(int64_t handle, const uabi::HostAttributes&);
    // Reads of read-only mounts go through the page cache (host_node_cache.cpp).
    lib::ErrorOr<size_t> read_through_cache(uint64_t offset, uint8_t* out, size_t length);
    lib::ErrorOr<const uint8_t*> cached_page(uint64_t index);

    HostFs* m_fs;
    int64_t m_handle;
    vfs::Attributes m_attributes;
    const void* m_page_key;
};

} // namespace fs
