// The file behind a file region of an address space (mm::MappedFile): the vnode its pages come
// from (shared from the page cache where the file lends them, copied otherwise), and the path,
// device and inode that /proc/PID/maps shows for it.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <mm/address_space.h>
#include <vfs/vnode.h>

namespace linux {

class FileMapping final : public mm::MappedFile {
public:
    // A new one holding one reference, the caller's: drop it (release()) once the regions that
    // name the file hold theirs (FileMappingHold does).
    static lib::ErrorOr<FileMapping*> create(lib::RefPtr<vfs::Vnode>, const char* path);

    void retain() override { ++m_references; }
    void release() override;
    lib::ErrorOr<uint64_t> share_frame(uint64_t offset) override;
    lib::ErrorOr<void> read_frames(uint64_t physical, uint64_t offset, uint64_t length) override;
    uint64_t device() const override { return m_device; }
    uint64_t inode() const override { return m_inode; }
    const char* path() const override { return m_path; }

    // Public for lib::make; use create().
    FileMapping(lib::RefPtr<vfs::Vnode>, char* path, uint64_t device, uint64_t inode);
    ~FileMapping();

private:
    lib::RefPtr<vfs::Vnode> m_vnode;
    char* m_path;
    uint64_t m_device;
    uint64_t m_inode;
    uint32_t m_references { 1 };
};

// The caller's reference to a new FileMapping, dropped at the end of the scope.
class FileMappingHold {
public:
    explicit FileMappingHold(FileMapping* mapping) : m_mapping(mapping) {}
    ~FileMappingHold() { m_mapping->release(); }
    FileMappingHold(const FileMappingHold&) = delete;
    FileMappingHold& operator=(const FileMappingHold&) = delete;
    FileMapping& operator*() const { return *m_mapping; }

private:
    FileMapping* m_mapping;
};

} // namespace linux
