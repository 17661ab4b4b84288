// The vnodes of tmpfs: TmpNode holds what every file has (and is the whole of FIFOs and
// device nodes); directories, regular files and symlinks add their contents.
#pragma once

#include "page_tree.h"

#include <fs/tmpfs.h>
#include <lib/errno_codes.h>

namespace fs {

class TmpNode : public vfs::Vnode {
public:
    TmpNode(TmpFs& fs, uint32_t mode, uint64_t device = 0);

    lib::ErrorOr<vfs::Attributes> attributes() override;
    lib::ErrorOr<void> set_attributes(const vfs::AttributeChange&) override;
    vfs::FileSystem& file_system() override { return *m_fs; }

    TmpFs& tmpfs() { return *m_fs; }
    uint32_t mode() const { return m_mode; }
    uint32_t file_type() const { return m_mode & vfs::TypeMask; }
    bool is_tmp_directory() const { return file_type() == vfs::TypeDirectory; }
    uint64_t inode_number() const { return m_inode; }
    uint32_t link_count() const { return m_link_count; }
    void add_link() { ++m_link_count; }
    void drop_link() { --m_link_count; }

    void touch_change();            // ctime
    void touch_modify();            // mtime and ctime
    void touch_access();            // atime, relatime-style, never on a read-only file system
    lib::ErrorOr<void> check_writable() const;

protected:
    virtual int64_t size() const { return 0; }
    virtual int64_t blocks() const { return 0; }
    virtual lib::ErrorOr<void> resize(uint64_t) { return EINVAL; }

    TmpFs* m_fs;
    uint64_t m_inode;
    uint32_t m_mode;
    uint32_t m_uid { 0 };
    uint32_t m_gid { 0 };
    uint32_t m_link_count { 1 };
    uint64_t m_device;
    vfs::Timestamp m_access_time;
    vfs::Timestamp m_modify_time;
    vfs::Timestamp m_change_time;
};

struct TmpDirectoryEntry {
    TmpDirectoryEntry* next;
    TmpDirectoryEntry* previous;
    uint64_t cookie; // where read_directory finds it; never reused in this directory
    lib::RefPtr<TmpNode> node;
    size_t name_length;
    char name[TmpFs::MAX_NAME_LENGTH + 1];

    lib::StringView name_view() const { return { name, name_length }; }
};

class TmpDirectory final : public TmpNode {
public:
    TmpDirectory(TmpFs& fs, uint32_t mode, TmpDirectory* parent);
    ~TmpDirectory() override;

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

    bool is_empty() const { return m_first == nullptr; }
    bool is_removed() const { return m_removed; }
    TmpDirectory* parent() const { return m_parent; }

protected:
    int64_t size() const override;
    lib::ErrorOr<void> resize(uint64_t) override { return EISDIR; }

private:
    TmpDirectoryEntry* find(lib::StringView name) const;
    // Checks that `name` may be added here (writable, directory alive, name free).
    lib::ErrorOr<void> check_can_add(lib::StringView name) const;
    // Adds `node` under `name`; the node's link count is the caller's business.
    lib::ErrorOr<void> add_entry(lib::StringView name, lib::RefPtr<TmpNode> node);
    // Inserts a new node (link count 1) under a name that check_can_add accepted.
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> insert_new(lib::StringView name, lib::RefPtr<TmpNode> node);
    void remove_entry(TmpDirectoryEntry*);
    void adopt(TmpNode& node);  // node became an entry of this directory
    void orphan(TmpNode& node); // node stopped being an entry of this directory
    bool is_ancestor_of(TmpDirectory* directory) const;

    TmpDirectoryEntry* m_first { nullptr };
    TmpDirectoryEntry* m_last { nullptr };
    uint64_t m_next_cookie { 2 }; // 0 is ".", 1 is ".."
    uint64_t m_entry_count { 0 };
    uint32_t m_subdirectory_count { 0 };
    TmpDirectory* m_parent; // not owning: the parent owns this through its entry
    bool m_removed { false };

    friend class TmpNode;
};

class TmpFile final : public TmpNode {
public:
    TmpFile(TmpFs& fs, uint32_t mode) : TmpNode(fs, mode) {}
    ~TmpFile() override;

    lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length) override;
    lib::ErrorOr<size_t> write(uint64_t offset, const void* buffer, size_t length) override;

protected:
    int64_t size() const override { return static_cast<int64_t>(m_size); }
    int64_t blocks() const override { return static_cast<int64_t>(m_pages.page_count() * (PageTree::PAGE_SIZE / 512)); }
    lib::ErrorOr<void> resize(uint64_t) override;

private:
    PageTree m_pages;
    uint64_t m_size { 0 };
};

class TmpSymlink final : public TmpNode {
public:
    TmpSymlink(TmpFs& fs, char* target, size_t length);
    ~TmpSymlink() override;
    lib::ErrorOr<size_t> read_link(char* buffer, size_t size) override;

protected:
    int64_t size() const override { return static_cast<int64_t>(m_length); }

private:
    char* m_target;
    size_t m_length;
};

} // namespace fs
