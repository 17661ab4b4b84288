// procfs: the /proc file system, whose files are generated from kernel state when read.
#pragma once

#include <lib/ref_ptr.h>
#include <stdint.h>
#include <vfs/vnode.h>

namespace fs {

class ProcFs final : public vfs::FileSystem {
public:
    static constexpr uint64_t MAGIC = 0x9fa0;
    static constexpr uint64_t DEVICE_NUMBER = 0x4; // st_dev 0:4

    // Null when out of memory. Records the boot time /proc/uptime counts from.
    static lib::RefPtr<ProcFs> create();
    ~ProcFs() override;

    lib::RefPtr<vfs::Vnode> root() override { return m_root; }
    const char* name() const override { return "proc"; }
    uint64_t magic() const override { return MAGIC; }

    // CLOCK_MONOTONIC nanoseconds at mount, and the wall-clock time stamped on every node.
    int64_t mount_time_ns() const { return m_mount_time_ns; }
    vfs::Timestamp mount_time() const { return m_mount_time; }

private:
    ProcFs() = default;

    lib::RefPtr<vfs::Vnode> m_root;
    int64_t m_mount_time_ns { 0 };
    vfs::Timestamp m_mount_time {};
};

} // namespace fs
