// The address family registry: socket() and socketpair() find the family's factory here.
// AF_UNIX is built in; AF_INET and AF_INET6 are registered at boot by the TCP/IP stack.
#include <lib/errno_codes.h>
#include <net/socket.h>
#include <net/unix_socket.h>

namespace net {

namespace {

struct Family {
    SocketFactory create;
    SocketPairFactory create_pair;
};

Family g_families[FamilyCount] = {};

Family family_entry(int family)
{
    if (family == FamilyUnix && !g_families[FamilyUnix].create)
        return { create_unix_socket, create_unix_socket_pair };
    return g_families[family];
}

// Linux's checks before the family sees the call (__sock_create).
lib::ErrorOr<Family> checked_family(int family, int type)
{
    if (family < 0 || family >= FamilyCount)
        return EAFNOSUPPORT;
    if (type < 0 || type >= TypeCount)
        return EINVAL;
    Family entry = family_entry(family);
    if (!entry.create)
        return EAFNOSUPPORT;
    return entry;
}

} // namespace

void register_socket_family(int family, SocketFactory create, SocketPairFactory create_pair)
{
    if (family > 0 && family < FamilyCount)
        g_families[family] = { create, create_pair };
}

lib::ErrorOr<lib::RefPtr<Socket>> create_socket(int family, int type, int protocol)
{
    Family entry = TRY(checked_family(family, type));
    return entry.create(type, protocol);
}

lib::ErrorOr<SocketPair> create_socket_pair(int family, int type, int protocol)
{
    Family entry = TRY(checked_family(family, type));
    if (!entry.create_pair) {
        // Linux asks the family for a socket first, so its protocol and type errors come first.
        TRY(entry.create(type, protocol));
        return EOPNOTSUPP;
    }
    return entry.create_pair(type, protocol);
}

} // namespace net
