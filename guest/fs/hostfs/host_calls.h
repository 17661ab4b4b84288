// hostfs's side of the Host* hypercalls: names into request structs, results checked against
// what was asked, and where a kernel buffer lies in guest RAM.
#pragma once

#include <abi/hypercall.h>
#include <lib/error_or.h>
#include <lib/string_view.h>
#include <stddef.h>
#include <stdint.h>
#include <vfs/vnode.h>

namespace fs::host_calls {

// The longest name a component may have (Linux's NAME_MAX), as the ABI bounds it.
inline constexpr size_t NAME_LENGTH = uabi::HOST_NAME_BYTES - 1;

// Copies a single component into a request's name field: EINVAL for "", ".", ".." or a '/'
// (the VFS never passes them), ENAMETOOLONG past 255 bytes.
lib::ErrorOr<void> copy_name(char (&field)[uabi::HOST_NAME_BYTES], lib::StringView name);

// The guest-physical address of [pointer, pointer + length) when it lies in the kernel's map
// of guest RAM (the heap does; the kernel image and stacks may not), else 0.
uabi::Gpa physical_address(const void* pointer, size_t length);

// A raw byte count from the monitor, refused (EIO) when it claims more than was asked.
lib::ErrorOr<size_t> byte_count(int64_t raw, size_t asked);

vfs::Attributes to_attributes(const uabi::HostAttributes&);

void release(int64_t handle);

} // namespace fs::host_calls
