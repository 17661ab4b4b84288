// sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg: data gathered from and scattered
// to the program's iovecs through a kernel buffer, addresses, and control messages
// (SCM_RIGHTS as open file descriptions, SCM_CREDENTIALS). A stream send that fills the
// receiver keeps what went in and sends the rest when the call runs again after its sleep;
// so does a MSG_WAITALL receive with what it has.
// FIXME: a signal that ends such a call part way gives EINTR, not the count done, and
// sendmmsg/recvmmsg return early rather than sleep after their first message.
#include "socket_calls.h"
#include <linux/file_syscalls.h>
#include <linux/io_wait.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <linux/syscalls.h>

namespace linux {

using namespace socket_calls;

namespace {

constexpr size_t IOV_MAX = 1024;
constexpr size_t MAX_TRANSFER = 0x7ffff000; // MAX_RW_COUNT
constexpr size_t BUFFER_SIZE = 512 * 1024;
constexpr size_t CONTROL_MAX = 16384;
constexpr int LEVEL_SOCKET = 1, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;

struct IoVector {
    uint64_t base;
    uint64_t length;
};

struct MessageHeader {
    uint64_t name;
    int32_t name_length;
    uint32_t padding;
    uint64_t vectors;
    uint64_t vector_count;
    uint64_t control;
    uint64_t control_length;
    int32_t flags;
    uint32_t padding2;
};
static_assert(sizeof(MessageHeader) == 56);

struct MultiMessageHeader {
    MessageHeader header;
    uint32_t length;
    uint32_t padding;
};
static_assert(sizeof(MultiMessageHeader) == 64);

struct ControlHeader {
    uint64_t length;
    int32_t level;
    int32_t type;
};
constexpr size_t control_align(size_t length) { return (length + 7) & ~size_t(7); }

struct Vectors {
    const IoVector* items;
    size_t count;
    size_t total;
};

IoVector g_vectors[IOV_MAX];
IoVector g_single;
uint8_t g_control[CONTROL_MAX];
net::Ancillary g_ancillary;
uint8_t* g_buffer;

lib::ErrorOr<uint8_t*> transfer_buffer()
{
    if (!g_buffer)
        g_buffer = static_cast<uint8_t*>(lib::allocate(BUFFER_SIZE));
    if (!g_buffer)
        return ENOMEM;
    return g_buffer;
}

lib::ErrorOr<Vectors> read_vectors(UserAddress address, uint64_t count)
{
    if (count > IOV_MAX)
        return EMSGSIZE;
    if (count)
        TRY(copy_from_user(g_vectors, address, count * sizeof(IoVector)));
    size_t total = 0;
    for (uint64_t i = 0; i < count; ++i) {
        if (static_cast<int64_t>(g_vectors[i].length) < 0)
            return EINVAL;
        if (!is_user_range(g_vectors[i].base, g_vectors[i].length))
            return EFAULT;
        if (g_vectors[i].length > MAX_TRANSFER - total)
            g_vectors[i].length = MAX_TRANSFER - total;
        total += g_vectors[i].length;
    }
    return Vectors { g_vectors, count, total };
}

Vectors single_vector(UserAddress buffer, size_t length)
{
    g_single = { buffer, length < MAX_TRANSFER ? length : MAX_TRANSFER };
    return { &g_single, 1, g_single.length };
}

// Copies `length` bytes at `offset` of the vectors' data to or from `buffer`.
lib::ErrorOr<void> move_data(const Vectors& vectors, size_t offset, uint8_t* buffer, size_t length, bool to_program)
{
    for (size_t i = 0; i < vectors.count && length; ++i) {
        const IoVector& vector = vectors.items[i];
        if (offset >= vector.length) {
            offset -= vector.length;
            continue;
        }
        size_t chunk = vector.length - offset < length ? vector.length - offset : length;
        if (to_program)
            TRY(copy_to_user(vector.base + offset, buffer, chunk));
        else
            TRY(copy_from_user(buffer, vector.base + offset, chunk));
        buffer += chunk;
        length -= chunk;
        offset = 0;
    }
    return {};
}

// sendmsg's control messages into g_ancillary (Linux's __scm_send).
lib::ErrorOr<void> read_controls(net::Socket& socket, UserAddress control, uint64_t length)
{
    if (length > INT32_MAX || length > CONTROL_MAX)
        return ENOBUFS;
    if (length < sizeof(ControlHeader))
        return {};
    TRY(copy_from_user(g_control, control, length));
    for (size_t offset = 0; offset + sizeof(ControlHeader) <= length;) {
        ControlHeader header;
        __builtin_memcpy(&header, g_control + offset, sizeof(header));
        if (header.length < sizeof(ControlHeader) || header.length > length - offset)
            return EINVAL;
        const uint8_t* data = g_control + offset + sizeof(ControlHeader);
        size_t data_length = header.length - sizeof(ControlHeader);
        if (header.level == LEVEL_SOCKET) {
            if (socket.family() != net::FamilyUnix)
                return EINVAL;
            if (header.type == SCM_RIGHTS) {
                size_t count = data_length / sizeof(int32_t);
                if (count && g_ancillary.file_count + count > net::Ancillary::MAX_FILES)
                    return EINVAL;
                for (size_t i = 0; i < count; ++i) {
                    int32_t fd;
                    __builtin_memcpy(&fd, data + i * sizeof(fd), sizeof(fd));
                    auto file = current_process().files.get(fd);
                    if (fd < 0 || !file)
                        return EBADF;
                    g_ancillary.files[g_ancillary.file_count++] = file;
                }
            } else if (header.type == SCM_CREDENTIALS) {
                if (data_length != sizeof(net::Credentials))
                    return EINVAL;
                net::Credentials credentials;
                __builtin_memcpy(&credentials, data, sizeof(credentials));
                Process& process = current_process();
                if (!process.credentials.is_privileged() && (credentials.pid != process.pid || credentials.uid != process.credentials.uid || credentials.gid != process.credentials.gid))
                    return EPERM;
                g_ancillary.has_credentials = true;
                g_ancillary.credentials = credentials;
            } else {
                return EINVAL;
            }
        }
        offset += control_align(header.length);
    }
    return {};
}

// One control message into the program's buffer (put_cmsg): cut, with MSG_CTRUNC, if it
// does not fit. `used` advances.
lib::ErrorOr<void> put_control(UserAddress control, uint64_t length, uint64_t& used, int type, const void* data, size_t data_length, uint32_t& flags)
{
    uint64_t room = length - used;
    if (room < sizeof(ControlHeader)) {
        flags |= net::MessageControlTruncated;
        return {};
    }
    size_t full = sizeof(ControlHeader) + data_length;
    size_t written = full;
    if (room < full) {
        flags |= net::MessageControlTruncated;
        written = room;
    }
    ControlHeader header { written, LEVEL_SOCKET, type };
    TRY(copy_to_user(control + used, &header, sizeof(header)));
    TRY(copy_to_user(control + used + sizeof(header), data, written - sizeof(header)));
    used += control_align(full) < room ? control_align(full) : room;
    return {};
}

// recvmsg's control messages from g_ancillary: credentials, then the files as new
// descriptors (scm_detach_fds). Returns the bytes used.
lib::ErrorOr<uint64_t> write_controls(UserAddress control, uint64_t length, uint32_t receive_flags, uint32_t& flags)
{
    uint64_t used = 0;
    if (g_ancillary.has_credentials)
        TRY(put_control(control, length, used, SCM_CREDENTIALS, &g_ancillary.credentials, sizeof(net::Credentials), flags));
    if (!g_ancillary.file_count)
        return used;
    uint64_t room = length - used;
    size_t fits = room > sizeof(ControlHeader) ? (room - sizeof(ControlHeader)) / sizeof(int32_t) : 0;
    static int32_t fds[net::Ancillary::MAX_FILES];
    size_t installed = 0;
    FdTable& table = current_process().files;
    while (installed < g_ancillary.file_count && installed < fits) {
        auto fd = table.install(g_ancillary.files[installed], 0, receive_flags & net::MessageCloseOnExec);
        if (fd.is_error())
            break;
        fds[installed++] = fd.value();
    }
    if (installed) {
        auto put = put_control(control, length, used, SCM_RIGHTS, fds, installed * sizeof(int32_t), flags);
        if (put.is_error()) {
            for (size_t i = 0; i < installed; ++i)
                (void)table.close(fds[i]);
            return lib::Error(put.error());
        }
    }
    if (installed < g_ancillary.file_count)
        flags |= net::MessageControlTruncated;
    return used;
}

struct SendCall {
    uint64_t fd;
    UserAddress key; // the program's buffer or msghdr, telling runs of one call apart
    uint32_t flags;
    const net::SocketAddress* destination;
    net::Ancillary* ancillary;
};

SyscallResult send_data(const SocketFile& socket, const Vectors& vectors, const SendCall& call)
{
    uint8_t* buffer = TRY(transfer_buffer());
    bool nonblocking = (socket.file->flags() & vfs::NonBlocking) || (call.flags & net::MessageDontWait);
    int64_t timeout = socket.socket->options().send_timeout_ns;
    auto failed = [&](lib::Error error) -> lib::Error {
        if (error.code == EPIPE.code && !(call.flags & net::MessageNoSignal))
            raise_signal(SIGPIPE);
        return error;
    };
    if (socket.socket->socket_type() != net::TypeStream) {
        if (vectors.total > BUFFER_SIZE)
            return EMSGSIZE;
        TRY(move_data(vectors, 0, buffer, vectors.total, false));
        auto sent = socket.socket->send({ buffer, vectors.total, call.flags, call.destination, call.ancillary });
        if (sent.is_error() && sent.error() == EAGAIN.code)
            return wait_or_fail(nonblocking, timeout, EAGAIN);
        if (sent.is_error())
            return failed(lib::Error(sent.error()));
        return static_cast<int64_t>(sent.value());
    }
    size_t done = resume_progress(call.fd, call.key, vectors.total);
    do {
        size_t chunk = vectors.total - done < BUFFER_SIZE ? vectors.total - done : BUFFER_SIZE;
        TRY(move_data(vectors, done, buffer, chunk, false));
        auto sent = socket.socket->send({ buffer, chunk, call.flags, call.destination, done ? nullptr : call.ancillary });
        if (sent.is_error()) {
            if (sent.error() == EAGAIN.code) {
                if (!done)
                    return wait_or_fail(nonblocking, timeout, EAGAIN);
                if (!nonblocking && save_progress(call.fd, call.key, vectors.total, done)) {
                    lib::Error waited = wait_or_fail(false, timeout, EAGAIN);
                    if (waited.code != EAGAIN.code)
                        return waited;
                    resume_progress(call.fd, call.key, vectors.total);
                }
                break;
            }
            if (done)
                break;
            return failed(lib::Error(sent.error()));
        }
        done += sent.value();
        if (sent.value() < chunk && nonblocking)
            break;
    } while (done < vectors.total);
    return static_cast<int64_t>(done);
}

struct ReceiveCall {
    uint64_t fd;
    UserAddress key;
    uint32_t flags;
    net::SocketAddress* source;
    net::Ancillary* ancillary;
    uint32_t* message_flags; // msg_flags out
};

SyscallResult receive_data(const SocketFile& socket, const Vectors& vectors, const ReceiveCall& call)
{
    uint8_t* buffer = TRY(transfer_buffer());
    bool nonblocking = (socket.file->flags() & vfs::NonBlocking) || (call.flags & net::MessageDontWait);
    int64_t timeout = socket.socket->options().receive_timeout_ns;
    bool stream = socket.socket->socket_type() == net::TypeStream;
    bool wait_all = stream && (call.flags & net::MessageWaitAll) && !(call.flags & net::MessagePeek);
    size_t done = stream ? resume_progress(call.fd, call.key, vectors.total) : 0;
    size_t full_length = 0;
    for (;;) {
        size_t chunk = vectors.total - done < BUFFER_SIZE ? vectors.total - done : BUFFER_SIZE;
        auto got = socket.socket->receive({ buffer, chunk, call.flags, call.source, call.ancillary });
        if (got.is_error()) {
            if (got.error() != EAGAIN.code)
                return done ? SyscallResult(static_cast<int64_t>(done)) : SyscallResult(lib::Error(got.error()));
            if (!done)
                return wait_or_fail(nonblocking, timeout, EAGAIN);
            if (wait_all && !nonblocking && save_progress(call.fd, call.key, vectors.total, done)) {
                lib::Error waited = wait_or_fail(false, timeout, EAGAIN);
                if (waited.code != EAGAIN.code)
                    return waited;
                resume_progress(call.fd, call.key, vectors.total);
            }
            break;
        }
        auto& result = got.value();
        TRY(move_data(vectors, done, buffer, result.length, true));
        done += result.length;
        full_length = result.full_length;
        if (call.message_flags)
            *call.message_flags |= result.flags;
        // A datagram is one read; a stream read goes on while it filled the buffer, or for
        // MSG_WAITALL until all is in, the data ends, or control messages came.
        if (!stream || result.length == 0 || done == vectors.total || (call.ancillary && !call.ancillary->is_empty()))
            break;
        if (result.length < chunk && !wait_all)
            break;
    }
    if (!stream && (call.flags & net::MessageTruncated))
        return static_cast<int64_t>(full_length);
    return static_cast<int64_t>(done);
}

lib::ErrorOr<MessageHeader> read_header(UserAddress address)
{
    MessageHeader header = TRY(read_user<MessageHeader>(address));
    if (header.name_length < 0)
        return EINVAL;
    return header;
}

SyscallResult send_message(uint64_t fd, UserAddress header_address, uint32_t flags)
{
    auto socket = TRY(socket_for(fd));
    MessageHeader header = TRY(read_header(header_address));
    net::SocketAddress destination;
    bool has_destination = header.name && header.name_length;
    if (has_destination)
        TRY(read_address(header.name, header.name_length > 128 ? 128 : header.name_length, destination));
    Vectors vectors = TRY(read_vectors(header.vectors, header.vector_count));
    g_ancillary.clear();
    auto controls = read_controls(*socket.socket, header.control, header.control_length);
    if (controls.is_error()) {
        g_ancillary.clear();
        return lib::Error(controls.error());
    }
    SendCall call { fd, header_address, flags, has_destination ? &destination : nullptr, g_ancillary.is_empty() ? nullptr : &g_ancillary };
    auto sent = send_data(socket, vectors, call);
    g_ancillary.clear();
    return sent;
}

SyscallResult receive_message(uint64_t fd, UserAddress header_address, uint32_t flags)
{
    auto socket = TRY(socket_for(fd));
    MessageHeader header = TRY(read_header(header_address));
    Vectors vectors = TRY(read_vectors(header.vectors, header.vector_count));
    net::SocketAddress source;
    uint32_t message_flags = flags & net::MessageCloseOnExec;
    g_ancillary.clear();
    ReceiveCall call { fd, header_address, flags, &source, &g_ancillary, &message_flags };
    auto got = receive_data(socket, vectors, call);
    if (got.is_error()) {
        g_ancillary.clear();
        return got;
    }
    uint64_t used = 0;
    auto controls = write_controls(header.control, header.control_length, flags, message_flags);
    g_ancillary.clear();
    used = TRY(static_cast<lib::ErrorOr<uint64_t>&&>(controls));
    if (header.name) {
        TRY(write_address(header.name, header_address + __builtin_offsetof(MessageHeader, name_length), source));
    }
    TRY(write_user(header_address + __builtin_offsetof(MessageHeader, control_length), used));
    TRY(write_user(header_address + __builtin_offsetof(MessageHeader, flags), static_cast<int32_t>(message_flags)));
    return got;
}

} // namespace

// ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *dest_addr, socklen_t addrlen);
SyscallResult sys_sendto(SyscallArguments& a)
{
    auto socket = TRY(socket_for(a[0]));
    net::SocketAddress destination;
    if (a[4])
        TRY(read_address(a[4], static_cast<int32_t>(a[5]), destination));
    if (!is_user_range(a[1], a[2]))
        return EFAULT;
    Vectors vectors = single_vector(a[1], a[2]);
    SendCall call { a[0], a[1], static_cast<uint32_t>(a[3]), a[4] ? &destination : nullptr, nullptr };
    return send_data(socket, vectors, call);
}

// ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags, struct sockaddr *src_addr, socklen_t *addrlen);
SyscallResult sys_recvfrom(SyscallArguments& a)
{
    auto socket = TRY(socket_for(a[0]));
    if (!is_user_range(a[1], a[2]))
        return EFAULT;
    Vectors vectors = single_vector(a[1], a[2]);
    net::SocketAddress source;
    ReceiveCall call { a[0], a[1], static_cast<uint32_t>(a[3]), &source, nullptr, nullptr };
    int64_t got = TRY(receive_data(socket, vectors, call));
    if (a[4])
        TRY(write_address(a[4], a[5], source));
    return got;
}

// ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);
SyscallResult sys_sendmsg(SyscallArguments& a) { return send_message(a[0], a[1], static_cast<uint32_t>(a[2])); }

// ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);
SyscallResult sys_recvmsg(SyscallArguments& a) { return receive_message(a[0], a[1], static_cast<uint32_t>(a[2])); }

// int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags);
SyscallResult sys_sendmmsg(SyscallArguments& a)
{
    TRY(socket_for(a[0]));
    uint32_t count = static_cast<uint32_t>(a[2]) < IOV_MAX ? static_cast<uint32_t>(a[2]) : IOV_MAX;
    uint32_t flags = static_cast<uint32_t>(a[3]);
    uint32_t sent = 0;
    for (; sent < count; ++sent) {
        UserAddress entry = a[1] + sent * sizeof(MultiMessageHeader);
        auto result = send_message(a[0], entry, sent ? flags | net::MessageDontWait : flags);
        if (result.is_error()) {
            if (sent)
                break;
            return result;
        }
        TRY(write_user(entry + __builtin_offsetof(MultiMessageHeader, length), static_cast<uint32_t>(result.value())));
    }
    return sent;
}

// int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout);
SyscallResult sys_recvmmsg(SyscallArguments& a)
{
    TRY(socket_for(a[0]));
    struct TimeSpec {
        int64_t seconds, nanoseconds;
    };
    if (a[4]) {
        TimeSpec timeout = TRY(read_user<TimeSpec>(a[4]));
        if (timeout.seconds < 0 || timeout.nanoseconds < 0 || timeout.nanoseconds >= 1000000000)
            return EINVAL;
    }
    uint32_t count = static_cast<uint32_t>(a[2]) < IOV_MAX ? static_cast<uint32_t>(a[2]) : IOV_MAX;
    uint32_t flags = static_cast<uint32_t>(a[3]) & ~net::MessageWaitForOne;
    uint32_t received = 0;
    for (; received < count; ++received) {
        UserAddress entry = a[1] + received * sizeof(MultiMessageHeader);
        auto result = receive_message(a[0], entry, received ? flags | net::MessageDontWait : flags);
        if (result.is_error()) {
            if (received)
                break;
            return result;
        }
        TRY(write_user(entry + __builtin_offsetof(MultiMessageHeader, length), static_cast<uint32_t>(result.value())));
    }
    return received;
}

} // namespace linux
