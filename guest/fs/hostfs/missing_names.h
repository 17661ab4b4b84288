// Names known to be missing from ROOTFS's directories. ROOTFS does not change while the VM
// runs (see page_key_for in host_node.cpp), so a lookup the monitor answered with ENOENT will
// always be answered so: remembering it saves a hypercall each time a program probes for a
// file that is not there (python3 looks for dozens of modules along its path at every start).
// Entries are keyed by the directory's page key (HostNode::page_key: the host's device and
// inode), so they outlive the directory's node; the table is small and a newer entry replaces
// an older one.
#pragma once

#include <lib/string_view.h>

namespace fs::missing_names {

// Whether `name` in the directory `directory_key` is known to be missing.
bool contains(const void* directory_key, lib::StringView name);
// Remembers that `name` is missing from the directory (names longer than the table keeps
// are not remembered).
void add(const void* directory_key, lib::StringView name);

} // namespace fs::missing_names
