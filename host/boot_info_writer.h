// Writes uabi::BootInfo and the packed argv/envp strings into guest RAM before the guest starts.
#pragma once

#include "host/guest_memory.h"
#include "host/vm_config.h"

#include <string>
#include <vector>

namespace host {

// Packs strings NUL-terminated one after another; nullopt when they exceed uabi::ARGS_MAX.
std::optional<std::string> pack_arguments(const std::vector<std::string>& argv, const std::vector<std::string>& envp);

// The mount table: ROOTFS at "/" (read-only), then config.volumes in order. Throws VmError
// when there are more than uabi::MOUNTS_MAX or a guest path does not fit.
uabi::MountTable mount_table(const VmConfig& config);

// Fills BootInfo at uabi::BOOT_INFO_GPA, the mount table at uabi::MOUNTS_GPA and the arguments at uabi::ARGS_GPA. Throws VmError
// ("argument list too long") when argv and envp do not fit.
void write_boot_info(const GuestMemory& memory, const VmConfig& config);

} // namespace host
