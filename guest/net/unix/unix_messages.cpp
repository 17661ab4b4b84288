// AF_UNIX sockets: sending and receiving. Each send queues messages at the receiver, charged
// to the sender's SO_SNDBUF until read, so a writer to a socket nobody reads blocks. Stream
// reads run across messages; datagram and seqpacket reads take one message each.
#include "unix_socket.h"
#include <lib/errno_codes.h>
#include <vfs/wait.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace net::unix_sockets {

namespace {

constexpr size_t MESSAGE_OVERHEAD = 576; // what Linux charges per message beyond its bytes, roughly
constexpr size_t DATAGRAM_HEADROOM = 32;

} // namespace

size_t UnixSocket::queue_length() const
{
    size_t count = 0;
    for (Message* message = m_head; message; message = message->next)
        ++count;
    return count;
}

lib::ErrorOr<void> UnixSocket::enqueue(UnixSocket& receiver, const void* data, size_t length, Ancillary* ancillary)
{
    auto* memory = static_cast<uint8_t*>(lib::allocate(sizeof(Message) + length));
    if (!memory)
        return ENOMEM;
    auto* message = new (memory) Message;
    message->data = memory + sizeof(Message);
    message->length = length;
    if (length)
        memcpy(message->data, data, length);
    if (ancillary && ancillary->file_count) {
        auto* files = static_cast<lib::RefPtr<vfs::OpenFile>*>(lib::allocate(sizeof(lib::RefPtr<vfs::OpenFile>) * ancillary->file_count));
        if (!files) {
            message->~Message();
            lib::deallocate(memory);
            return ENOMEM;
        }
        for (uint32_t i = 0; i < ancillary->file_count; ++i)
            new (&files[i]) lib::RefPtr<vfs::OpenFile>(static_cast<lib::RefPtr<vfs::OpenFile>&&>(ancillary->files[i]));
        message->files = files;
        message->file_count = ancillary->file_count;
        ancillary->file_count = 0;
    }
    message->credentials = ancillary && ancillary->has_credentials ? ancillary->credentials : current_credentials();
    message->sender = this;
    message->charge = length + MESSAGE_OVERHEAD;
    m_send_charge += message->charge;
    if (receiver.m_tail)
        receiver.m_tail->next = message;
    else
        receiver.m_head = message;
    receiver.m_tail = message;
    return {};
}

Message* UnixSocket::pop()
{
    Message* message = m_head;
    if (message) {
        m_head = message->next;
        if (!m_head)
            m_tail = nullptr;
        message->next = nullptr;
    }
    return message;
}

void UnixSocket::free_message(Message* message)
{
    if (message->sender) {
        message->sender->m_send_charge -= message->charge;
        message->sender->announce(Writable);
        message->sender = nullptr;
    }
    for (uint32_t i = 0; i < message->file_count; ++i)
        message->files[i].~RefPtr();
    lib::deallocate(message->files);
    message->~Message();
    lib::deallocate(message);
}

void UnixSocket::purge_queue()
{
    while (Message* message = pop())
        free_message(message);
}

lib::ErrorOr<size_t> UnixSocket::send(const SendRequest& request)
{
    if (request.flags & MessageOutOfBand)
        return EOPNOTSUPP; // FIXME: MSG_OOB on stream sockets (Linux 5.15)
    if (socket_type() == TypeStream)
        return send_stream(request);
    return send_datagram(request);
}

lib::ErrorOr<size_t> UnixSocket::send_stream(const SendRequest& request)
{
    if (request.destination && request.destination->length)
        return m_state == State::Connected ? EISCONN : EOPNOTSUPP;
    if (!m_peer || m_state != State::Connected)
        return ENOTCONN;
    if ((m_shutdown & SEND_SHUT) || m_peer->m_released || (m_peer->m_shutdown & RECEIVE_SHUT))
        return EPIPE;
    size_t largest = options().send_buffer / 2 - 64;
    size_t sent = 0;
    Ancillary* ancillary = request.ancillary;
    while (sent < request.length) {
        if (m_send_charge >= options().send_buffer)
            break;
        size_t chunk = request.length - sent < largest ? request.length - sent : largest;
        auto queued = enqueue(*m_peer, static_cast<const uint8_t*>(request.data) + sent, chunk, ancillary);
        if (queued.is_error()) {
            if (sent)
                break;
            return lib::Error(queued.error());
        }
        ancillary = nullptr; // controls go with the first message
        sent += chunk;
    }
    if (sent == 0 && request.length)
        return EAGAIN;
    m_peer->announce(Readable);
    return sent;
}

lib::ErrorOr<size_t> UnixSocket::send_datagram(const SendRequest& request)
{
    if (request.length + DATAGRAM_HEADROOM > options().send_buffer)
        return EMSGSIZE;
    lib::RefPtr<UnixSocket> receiver;
    if (socket_type() == TypeSequentialPacket) {
        if (m_state != State::Connected)
            return ENOTCONN;
        if (m_shutdown & SEND_SHUT)
            return EPIPE;
        receiver = m_peer;
        if (!receiver || receiver->m_released)
            return EPIPE;
    } else if (request.destination && request.destination->length) {
        receiver = TRY(find_peer(*request.destination, socket_type()));
    } else {
        receiver = m_peer;
        if (!receiver)
            return ENOTCONN;
    }
    if (receiver->m_released) {
        if (receiver == m_peer) {
            m_peer = nullptr;
            m_state = State::Unconnected;
        }
        return ECONNREFUSED;
    }
    if (socket_type() == TypeDatagram) {
        if (options().pass_credentials)
            TRY(autobind());
        if (receiver->m_peer && receiver->m_peer.ptr() != this)
            return EPERM;
        if (m_shutdown & SEND_SHUT)
            return EPIPE;
    }
    if (receiver->m_shutdown & RECEIVE_SHUT)
        return EPIPE;
    if (receiver.ptr() != this && receiver->m_peer.ptr() != this && receiver->queue_length() > DATAGRAM_QUEUE_MAX)
        return EAGAIN;
    if (m_send_charge >= options().send_buffer)
        return EAGAIN;
    TRY(enqueue(*receiver, request.data, request.length, request.ancillary));
    receiver->announce(Readable);
    return request.length;
}

lib::ErrorOr<ReceiveResult> UnixSocket::receive(const ReceiveRequest& request)
{
    if (request.flags & MessageOutOfBand)
        return EOPNOTSUPP;
    if (request.source)
        request.source->length = 0;
    if (socket_type() == TypeStream)
        return receive_stream(request);
    return receive_datagram(request);
}

// An empty queue: the pending error, the end of the data, or "wait".
lib::ErrorOr<ReceiveResult> UnixSocket::nothing_to_receive()
{
    if (int error = take_error())
        return lib::Error(error);
    if (m_shutdown & RECEIVE_SHUT)
        return ReceiveResult { 0, 0, 0 };
    return EAGAIN;
}

// recvfrom's address: the sender's name, or none when it has no name.
void UnixSocket::give_sender_address(Message& message, SocketAddress* source)
{
    if (!source || !message.sender)
        return;
    auto address = message.sender->local_address();
    source->length = 0;
    if (!address.is_error() && address.value().length > 2)
        *source = address.value();
}

void UnixSocket::hand_over_controls(Message& message, const ReceiveRequest& request, bool peek, ReceiveResult& result)
{
    if (request.ancillary && options().pass_credentials) {
        request.ancillary->has_credentials = true;
        request.ancillary->credentials = message.credentials;
    }
    if (!message.file_count)
        return;
    if (request.ancillary) {
        Ancillary& out = *request.ancillary;
        for (uint32_t i = 0; i < message.file_count && out.file_count < Ancillary::MAX_FILES; ++i)
            out.files[out.file_count++] = message.files[i];
    }
    if (peek)
        return;
    for (uint32_t i = 0; i < message.file_count; ++i)
        message.files[i].clear();
    message.file_count = 0;
    (void)result;
}

lib::ErrorOr<ReceiveResult> UnixSocket::receive_stream(const ReceiveRequest& request)
{
    if (m_state != State::Connected)
        return EINVAL;
    if (!m_head)
        return nothing_to_receive();
    bool peek = request.flags & MessagePeek;
    ReceiveResult result { 0, 0, 0 };
    auto* buffer = static_cast<uint8_t*>(request.buffer);
    Message* message = m_head;
    bool took = false;
    while (message && result.length < request.length) {
        // Never glue data from different writers when credentials are asked for.
        if (result.length && options().pass_credentials && message->credentials.pid != m_head->credentials.pid)
            break;
        size_t chunk = message->remaining() < request.length - result.length ? message->remaining() : request.length - result.length;
        memcpy(buffer + result.length, message->data + message->consumed, chunk);
        result.length += chunk;
        bool had_files = message->file_count != 0;
        if (message == m_head)
            give_sender_address(*message, request.source);
        hand_over_controls(*message, request, peek, result);
        if (peek) {
            if (had_files)
                break;
            message = message->next;
            continue;
        }
        message->consumed += chunk;
        took = true;
        if (message->remaining())
            break;
        free_message(pop());
        message = m_head;
        if (had_files)
            break;
    }
    if (took)
        vfs::notify_state_change(); // free_message announced the senders' room
    result.full_length = result.length;
    return result;
}

lib::ErrorOr<ReceiveResult> UnixSocket::receive_datagram(const ReceiveRequest& request)
{
    if (socket_type() == TypeSequentialPacket && m_state != State::Connected)
        return ENOTCONN;
    if (!m_head)
        return nothing_to_receive();
    bool peek = request.flags & MessagePeek;
    Message& message = *m_head;
    ReceiveResult result { 0, message.length, 0 };
    result.length = message.length < request.length ? message.length : request.length;
    memcpy(request.buffer, message.data, result.length);
    if (result.length < message.length)
        result.flags |= MessageTruncated;
    give_sender_address(message, request.source);
    hand_over_controls(message, request, peek, result);
    if (!peek) {
        free_message(pop()); // announces the sender's room
    }
    return result;
}

} // namespace net::unix_sockets
