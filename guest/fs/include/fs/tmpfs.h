// tmpfs: a file system that lives in kernel memory, with sparse files and a size limit.
#pragma once

#include <lib/ref_ptr.h>
#include <stdint.h>
#include <vfs/vnode.h>

namespace fs {

class TmpDirectory;

class TmpFs final : public vfs::FileSystem {
public:
    static constexpr uint64_t MAGIC = 0x01021994;
    static constexpr uint64_t PAGE_SIZE = 4096;
    // The longest name, as the VFS's directory entry holds it.
    static constexpr size_t MAX_NAME_LENGTH = sizeof(vfs::DirectoryEntry::name) - 1;

    // `max_bytes` limits the file data (whole pages); 0 means no limit. Null when out of memory.
    static lib::RefPtr<TmpFs> create(uint64_t max_bytes, uint64_t device_number);
    ~TmpFs() override;

    lib::RefPtr<vfs::Vnode> root() override;
    bool is_read_only() const override { return m_read_only; }
    const char* name() const override { return "tmpfs"; }
    uint64_t magic() const override { return MAGIC; }

    // A read-only tmpfs fails every modification with EROFS and leaves access times alone
    // (the lower layer of an overlay in tests, for instance).
    void set_read_only(bool read_only) { m_read_only = read_only; }

    uint64_t device_number() const { return m_device_number; }
    uint64_t max_bytes() const { return m_max_bytes; }
    uint64_t used_bytes() const { return m_used_bytes; }

    // For the nodes: inode numbers are never reused; bytes are data pages.
    uint64_t allocate_inode_number() { return m_next_inode++; }
    bool reserve_bytes(uint64_t bytes);
    void release_bytes(uint64_t bytes) { m_used_bytes -= bytes; }

private:
    TmpFs(uint64_t max_bytes, uint64_t device_number);

    lib::RefPtr<TmpDirectory> m_root;
    uint64_t m_max_bytes;
    uint64_t m_device_number;
    uint64_t m_used_bytes { 0 };
    uint64_t m_next_inode { 1 };
    bool m_read_only { false };
};

} // namespace fs
