// What the socket syscalls (socket.cpp, socket_messages.cpp) share: finding a descriptor's
// socket, moving socket addresses between the program and the kernel, installing new sockets,
// and deciding whether a call that cannot go on sleeps (O_NONBLOCK, MSG_DONTWAIT,
// SO_RCVTIMEO/SO_SNDTIMEO).
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <linux/user_memory.h>
#include <net/socket.h>
#include <vfs/open_file.h>

namespace linux::socket_calls {

struct SocketFile {
    lib::RefPtr<vfs::OpenFile> file;
    net::Socket* socket;
};

// The socket open at `fd`: EBADF, or ENOTSOCK for other files.
lib::ErrorOr<SocketFile> socket_for(uint64_t fd);

// A sockaddr from the program (move_addr_to_kernel): EINVAL for a length < 0 or > 128.
lib::ErrorOr<void> read_address(UserAddress address, int64_t length, net::SocketAddress&);
// A sockaddr to the program (move_addr_to_user): as much as `*length_pointer` allows, and the
// full length written back there.
lib::ErrorOr<void> write_address(UserAddress address, UserAddress length_pointer, const net::SocketAddress&);

// Opens `socket` read-write (SOCK_NONBLOCK and SOCK_CLOEXEC from `flags`) as a new descriptor.
lib::ErrorOr<int64_t> install_socket(lib::RefPtr<net::Socket>, uint32_t flags);

// After an operation said EAGAIN: sleep until the socket may go on (the syscall then runs
// again) unless `nonblocking` or the timeout (ns, < 0 none, 0 no wait) has run out, when the
// call ends with `timeout_error` (EAGAIN, or EINPROGRESS for connect).
lib::Error wait_or_fail(bool nonblocking, int64_t timeout_ns, lib::Error timeout_error);

// Sets the kernel's hooks into the socket layer (credentials, AF_UNIX path names).
void install_socket_hooks();

} // namespace linux::socket_calls
