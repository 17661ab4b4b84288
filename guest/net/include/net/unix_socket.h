// AF_UNIX sockets (guest/net/unix): stream, datagram and seqpacket sockets between processes
// of the guest, named by a file system path (an S_IFSOCK node), by an abstract name (a leading
// NUL byte) or not at all; SCM_RIGHTS and SCM_CREDENTIALS.
#pragma once

#include <lib/error_or.h>
#include <net/socket.h>

namespace net {

lib::ErrorOr<lib::RefPtr<Socket>> create_unix_socket(int type, int protocol);
lib::ErrorOr<SocketPair> create_unix_socket_pair(int type, int protocol);

// Which file a path name leads to: its device and inode numbers.
struct NodeIdentity {
    uint64_t device;
    uint64_t inode;
    bool operator==(const NodeIdentity&) const = default;
};

// How AF_UNIX path names reach the file system; the kernel sets them (paths are resolved from
// the caller's working directory, which only the linux layer knows). Without them, path names
// give EOPNOTSUPP (host unit tests may set their own).
struct UnixPathOperations {
    // bind(): makes a socket node at `path` with the umask applied to `mode` (EADDRINUSE if
    // the name exists, ENOENT, ENOTDIR, EROFS... as mknod).
    lib::ErrorOr<NodeIdentity> (*create)(const char* path, uint32_t mode);
    // connect() and sendto(): the node at `path` (ENOENT...; ECONNREFUSED if not a socket).
    lib::ErrorOr<NodeIdentity> (*find)(const char* path);
};
void set_unix_path_operations(const UnixPathOperations&);

// The sockets bound to AF_UNIX names, for /proc/net/unix (FIXME: not shown there yet).
inline constexpr size_t UNIX_PATH_MAX = 108; // sun_path's size

} // namespace net
