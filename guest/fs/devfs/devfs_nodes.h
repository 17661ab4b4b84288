// The vnodes of devfs: the fixed directories, the character devices and the symlinks.
#pragma once

#include <fs/devfs.h>
#include <lib/errno_codes.h>

namespace fs {

class DevNode : public vfs::Vnode {
public:
    DevNode(DevFs& fs, uint64_t inode, uint32_t mode, uint64_t rdev = 0);

    lib::ErrorOr<vfs::Attributes> attributes() override;
    // Mode, owner and times change as on Linux; sizes do not (EINVAL, EISDIR).
    lib::ErrorOr<void> set_attributes(const vfs::AttributeChange&) override;
    vfs::FileSystem& file_system() override { return *m_fs; }

    uint64_t inode_number() const { return m_inode; }
    uint32_t mode() const { return m_mode; }

protected:
    virtual int64_t size() const { return 0; }
    virtual uint32_t link_count() const { return 1; }

    DevFs* m_fs;
    uint64_t m_inode;
    uint32_t m_mode;
    uint64_t m_rdev;
    uint32_t m_uid { 0 };
    uint32_t m_gid { 0 };
    vfs::Timestamp m_access_time;
    vfs::Timestamp m_modify_time;
    vfs::Timestamp m_change_time;
};

// A directory whose entries are fixed when devfs is built. Nothing can be added or removed.
class DevDirectory final : public DevNode {
public:
    static constexpr size_t MAX_ENTRIES = 16;
    // Whether an entry exists right now (tty only when stdin is a terminal); null: always.
    using Presence = bool (*)();

    DevDirectory(DevFs& fs, uint64_t inode, uint64_t parent_inode);

    // While building devfs only; false when the directory is full.
    bool add(const char* name, lib::RefPtr<DevNode> node, Presence present = nullptr);

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

protected:
    uint32_t link_count() const override;

private:
    struct Entry {
        const char* name;
        lib::RefPtr<DevNode> node;
        Presence present;
    };
    // The entry called `name` if it exists now, else null.
    const Entry* find(lib::StringView name) const;
    // EEXIST when `name` exists, else EROFS: nothing new can be made here.
    lib::ErrorOr<lib::RefPtr<vfs::Vnode>> refuse_new(lib::StringView name) const;

    Entry m_entries[MAX_ENTRIES];
    size_t m_count { 0 };
    uint64_t m_parent_inode;
};

class DevSymlink final : public DevNode {
public:
    DevSymlink(DevFs& fs, uint64_t inode, const char* target);
    lib::ErrorOr<size_t> read_link(char* buffer, size_t size) override;

protected:
    int64_t size() const override { return static_cast<int64_t>(m_length); }

private:
    const char* m_target; // a string literal
    size_t m_length;
};

enum class DeviceKind { Null, Zero, Full, Random };

// null, zero, full, random and urandom (devices.cpp).
class DevDevice final : public DevNode {
public:
    DevDevice(DevFs& fs, uint64_t inode, DeviceKind kind, uint64_t rdev);
    lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length) override;
    lib::ErrorOr<size_t> write(uint64_t offset, const void* buffer, size_t length) override;

private:
    DeviceKind m_kind;
};

// /dev/tty: the controlling terminal, which is the console (devices.cpp). Null when out of
// memory.
lib::RefPtr<DevNode> make_tty(DevFs& fs, uint64_t inode);
bool stdin_is_terminal();

} // namespace fs
