// TCP sockets over lwIP's raw API (see tcp_socket.h).
#include "tcp_socket.h"

#include "stack.h"

#include <lib/errno_codes.h>
#include <net/socket_options.h>
#include <vfs/wait.h>

#include <lwip/pbuf.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/tcp.h>

namespace net::inet {

namespace {

enum TcpOption : int {
    TcpNoDelay = 1,
    TcpMaxSegment = 2,
    TcpCork = 3,
    TcpKeepIdle = 4,
    TcpKeepInterval = 5,
    TcpKeepCount = 6,
    TcpDeferAccept = 9,
    TcpQuickAck = 12,
    TcpUserTimeout = 18,
    TcpFastOpen = 23,
    TcpNotSentLowWater = 25,
};

// Options that change nothing in lwIP: accepted, and read back as 0.
bool is_ignored_tcp_option(int name)
{
    return name == TcpCork || name == TcpDeferAccept || name == TcpQuickAck || name == TcpUserTimeout
        || name == TcpFastOpen || name == TcpNotSentLowWater;
}

// lwIP's u16_t lengths (tcp_write, tcp_recved) take at most this much at once.
constexpr size_t LWIP_CHUNK = 0xffff;

// lwIP frees some pcbs without an error callback (a connection that leaves TIME_WAIT, or that
// closed from both ends); an "extension argument" with a destroy callback tells the socket.
u8_t g_extension_id = 0xff;

u8_t extension_id()
{
    if (g_extension_id == 0xff)
        g_extension_id = tcp_ext_arg_alloc_id();
    return g_extension_id;
}

} // namespace

lib::ErrorOr<lib::RefPtr<Socket>> TcpSocket::create(int family, int protocol)
{
    auto socket = lib::make_ref<TcpSocket>(family, protocol);
    if (!socket)
        return ENOMEM;
    TRY(socket->make_pcb());
    return lib::RefPtr<Socket>(socket);
}

TcpSocket::TcpSocket(int family, int protocol)
    : Socket(family, TypeStream, protocol)
{
    ip_addr_copy(m_local.address, *IP4_ADDR_ANY);
}

TcpSocket::~TcpSocket() { release(); }

lib::ErrorOr<void> TcpSocket::make_pcb()
{
    tcp_pcb* pcb = tcp_new_ip_type(address_type(family(), m_ip.v6_only));
    if (!pcb)
        return ENOMEM;
    attach(pcb);
    apply_settings();
    return {};
}

void TcpSocket::attach(tcp_pcb* pcb)
{
    static const tcp_ext_arg_callbacks callbacks { on_destroyed, nullptr };
    m_pcb = pcb;
    tcp_arg(pcb, this);
    tcp_ext_arg_set_callbacks(pcb, extension_id(), &callbacks);
    tcp_ext_arg_set(pcb, extension_id(), this);
    if (pcb->state == LISTEN) {
        tcp_accept(pcb, on_accept);
        return;
    }
    tcp_recv(pcb, on_receive);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_error);
}

// Forgets the pcb: lwIP keeps it (closing) or has freed it; either way no callback reaches us.
void TcpSocket::detach()
{
    if (!m_pcb)
        return;
    remember_local_endpoint();
    tcp_arg(m_pcb, nullptr);
    tcp_ext_arg_set(m_pcb, extension_id(), nullptr);
    if (m_pcb->state == LISTEN) {
        tcp_accept(m_pcb, nullptr);
    } else {
        tcp_recv(m_pcb, nullptr);
        tcp_sent(m_pcb, nullptr);
        tcp_err(m_pcb, nullptr);
        tcp_poll(m_pcb, nullptr, 0);
    }
    m_pcb = nullptr;
}

void TcpSocket::remember_local_endpoint()
{
    if (m_pcb && m_pcb->local_port) {
        ip_addr_copy(m_local.address, m_pcb->local_ip);
        m_local.port = m_pcb->local_port;
    }
}

// The settings a new pcb takes from the socket: SO_REUSEADDR, SO_KEEPALIVE, TCP_NODELAY, ...
void TcpSocket::apply_settings()
{
    if (!m_pcb)
        return;
    apply_ip_settings(m_pcb, *this, m_ip, m_was_bound);
    if (m_pcb->state == LISTEN)
        return;
    if (options().keep_alive)
        ip_set_option(m_pcb, SOF_KEEPALIVE);
    else
        ip_reset_option(m_pcb, SOF_KEEPALIVE);
    m_pcb->keep_idle = static_cast<u32_t>(m_keep_idle) * 1000;
    m_pcb->keep_intvl = static_cast<u32_t>(m_keep_interval) * 1000;
    m_pcb->keep_cnt = static_cast<u32_t>(m_keep_count);
    if (m_no_delay)
        tcp_nagle_disable(m_pcb);
    else
        tcp_nagle_enable(m_pcb);
}

// Ends the connection: a FIN after what is queued, or (`reset`) an RST at once.
void TcpSocket::close_connection(bool reset)
{
    tcp_pcb* pcb = m_pcb;
    if (!pcb)
        return;
    bool listening = pcb->state == LISTEN;
    detach();
    if (listening || !reset) {
        if (tcp_close(pcb) == ERR_OK)
            return;
    }
    tcp_abort(pcb);
}

void TcpSocket::release()
{
    // Connections nobody accepted are reset, as Linux does when a listener closes.
    while (TcpSocket* pending = m_pending_head) {
        m_pending_head = pending->m_pending_next;
        pending->m_pending_next = nullptr;
        pending->close_connection(true);
        pending->drop_received();
        lib::RefPtr<TcpSocket> drop(pending);
        pending->unref(); // the queue's reference; `drop` destroys it if it was the last
    }
    m_pending_tail = nullptr;
    if (m_pcb) {
        bool unread = m_received_bytes > 0;
        bool linger_zero = options().linger_on && options().linger_seconds == 0;
        close_connection(unread || linger_zero);
        run_stack();
    }
    drop_received();
    m_state = State::Closed;
}

void TcpSocket::drop_received()
{
    while (pbuf* head = m_receive_head) {
        m_receive_head = head->next;
        head->next = nullptr;
        head->tot_len = head->len;
        pbuf_free(head);
    }
    m_receive_tail = nullptr;
    m_receive_offset = 0;
    m_received_bytes = 0;
}

// Drops `length` bytes from the front of the received data and opens the window by as much.
void TcpSocket::consume(size_t length)
{
    size_t left = length;
    while (left && m_receive_head) {
        pbuf* head = m_receive_head;
        size_t available = head->len - m_receive_offset;
        size_t taken = left < available ? left : available;
        m_receive_offset += taken;
        left -= taken;
        if (m_receive_offset == head->len) {
            m_receive_head = head->next;
            if (!m_receive_head)
                m_receive_tail = nullptr;
            head->next = nullptr;
            head->tot_len = head->len;
            pbuf_free(head);
            m_receive_offset = 0;
        }
    }
    m_received_bytes -= length - left;
    if (!m_pcb)
        return;
    for (size_t opened = 0; opened < length;) {
        size_t chunk = length - opened < LWIP_CHUNK ? length - opened : LWIP_CHUNK;
        tcp_recved(m_pcb, static_cast<u16_t>(chunk));
        opened += chunk;
    }
}

// --- lwIP's callbacks ---

signed char TcpSocket::on_accept(void* argument, tcp_pcb* pcb, signed char error)
{
    auto* listener = static_cast<TcpSocket*>(argument);
    if (!listener || error != ERR_OK || !pcb)
        return ERR_VAL;
    TcpSocket* socket = lib::make<TcpSocket>(listener->family(), listener->protocol());
    if (!socket) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    socket->ref(); // the queue's reference
    socket->options() = listener->options();
    socket->m_ip = listener->m_ip;
    socket->m_no_delay = listener->m_no_delay;
    socket->m_keep_idle = listener->m_keep_idle;
    socket->m_keep_interval = listener->m_keep_interval;
    socket->m_keep_count = listener->m_keep_count;
    socket->m_state = State::Connected;
    socket->m_was_bound = true;
    socket->attach(pcb);
    socket->apply_settings();
    socket->remember_local_endpoint();
    // Counted against the backlog until accept() takes it, as Linux's accept queue.
    tcp_backlog_delayed(pcb);
    if (listener->m_pending_tail)
        listener->m_pending_tail->m_pending_next = socket;
    else
        listener->m_pending_head = socket;
    listener->m_pending_tail = socket;
    listener->announce(Readable);
    return ERR_OK;
}

signed char TcpSocket::on_connected(void* argument, tcp_pcb*, signed char error)
{
    auto* socket = static_cast<TcpSocket*>(argument);
    if (socket && socket->m_state == State::Connecting) {
        socket->m_state = State::Connected;
        socket->remember_local_endpoint();
        socket->announce(Writable);
    }
    return ERR_OK;
}

signed char TcpSocket::on_receive(void* argument, tcp_pcb* pcb, pbuf* data, signed char error)
{
    auto* socket = static_cast<TcpSocket*>(argument);
    if (!socket) {
        if (data)
            pbuf_free(data);
        return ERR_OK;
    }
    if (!data) {
        socket->m_peer_closed = true;
        socket->announce(Readable);
        return ERR_OK;
    }
    if (socket->m_read_shut) {
        // shutdown(SHUT_RD): what still arrives is dropped, and the window stays open.
        size_t length = data->tot_len;
        pbuf_free(data);
        tcp_recved(pcb, static_cast<u16_t>(length));
        return ERR_OK;
    }
    socket->m_received_bytes += data->tot_len;
    if (socket->m_receive_tail)
        socket->m_receive_tail->next = data;
    else
        socket->m_receive_head = data;
    pbuf* last = data;
    while (last->next)
        last = last->next;
    socket->m_receive_tail = last;
    socket->announce(Readable);
    return ERR_OK;
}

signed char TcpSocket::on_sent(void* argument, tcp_pcb*, uint16_t)
{
    if (auto* socket = static_cast<TcpSocket*>(argument))
        socket->announce(Writable);
    else
        vfs::notify_state_change();
    return ERR_OK;
}

// The pcb is gone (lwIP freed it): a reset, a refused connect, or a timeout.
void TcpSocket::on_error(void* argument, signed char error)
{
    auto* socket = static_cast<TcpSocket*>(argument);
    if (!socket)
        return;
    socket->remember_local_endpoint();
    socket->m_pcb = nullptr;
    if (socket->m_state == State::Connecting) {
        socket->m_error = error == ERR_RST ? ECONNREFUSED.code : ETIMEDOUT.code;
        socket->m_state = State::Failed;
    } else if (error == ERR_CLSD) {
        // Closed from both ends (our FIN acknowledged after the peer's): no error.
        socket->m_state = State::Closed;
    } else {
        // A reset after the peer's FIN (CLOSE_WAIT) is EPIPE on Linux, ECONNRESET before it.
        if (error == ERR_RST)
            socket->m_error = socket->m_peer_closed ? EPIPE.code : ECONNRESET.code;
        else
            socket->m_error = error == ERR_ABRT ? ETIMEDOUT.code : ECONNABORTED.code;
        socket->m_state = State::Closed;
    }
    socket->announce(Readable | Writable);
}

// lwIP frees the pcb (after on_error, if there was one).
void TcpSocket::on_destroyed(u8_t, void* argument)
{
    auto* socket = static_cast<TcpSocket*>(argument);
    if (!socket || !socket->m_pcb)
        return;
    socket->remember_local_endpoint();
    socket->m_pcb = nullptr;
    if (socket->m_state == State::Connected)
        socket->m_state = State::Closed;
    else if (socket->m_state == State::Connecting)
        socket->m_state = State::Failed;
    socket->announce(Readable | Writable);
}

// --- the socket API ---

lib::ErrorOr<void> TcpSocket::bind(const SocketAddress& address)
{
    Endpoint endpoint = TRY(read_endpoint(family(), address, AddressUse::Bind, m_ip.v6_only));
    if (m_was_bound || m_state != State::Unconnected)
        return EINVAL;
    if (!is_local_address(endpoint.address))
        return EADDRNOTAVAIL;
    if (!m_pcb)
        TRY(make_pcb());
    apply_settings();
    err_t error = tcp_bind(m_pcb, &endpoint.address, endpoint.port);
    if (error != ERR_OK)
        return error == ERR_USE ? EADDRINUSE : error_from_lwip(error);
    m_was_bound = true;
    remember_local_endpoint();
    return {};
}

lib::ErrorOr<void> TcpSocket::listen(int backlog)
{
    // Linux keeps backlog+1 connections waiting; lwIP counts them in a byte.
    int limit = backlog < 0 ? 0 : backlog;
    limit = limit + 1 > 255 ? 255 : limit + 1;
    if (m_state == State::Listening) {
        m_backlog = limit;
        tcp_backlog_set(m_pcb, static_cast<u8_t>(limit));
        return {};
    }
    if (m_state != State::Unconnected)
        return EINVAL;
    if (!m_pcb)
        TRY(make_pcb());
    apply_settings();
    if (!m_was_bound) {
        err_t error = tcp_bind(m_pcb, IP_IS_ANY_TYPE_VAL(m_pcb->local_ip) ? IP_ANY_TYPE : &m_pcb->local_ip, 0);
        if (error != ERR_OK)
            return error_from_lwip(error);
        m_was_bound = true;
    }
    err_t error = ERR_OK;
    tcp_pcb* old = m_pcb;
    // lwIP frees the pcb for a smaller listening one: no destroy callback for that.
    tcp_ext_arg_set(old, extension_id(), nullptr);
    tcp_pcb* listener = tcp_listen_with_backlog_and_err(old, static_cast<u8_t>(limit), &error);
    if (!listener) {
        attach(old);
        return error == ERR_USE ? EADDRINUSE : error_from_lwip(error);
    }
    // lwIP freed the old pcb and made a smaller one for listening.
    m_pcb = nullptr;
    attach(listener);
    m_backlog = limit;
    m_state = State::Listening;
    remember_local_endpoint();
    return {};
}

lib::ErrorOr<lib::RefPtr<Socket>> TcpSocket::accept(SocketAddress* peer)
{
    if (m_state != State::Listening)
        return EINVAL;
    TcpSocket* socket = m_pending_head;
    if (!socket)
        return EAGAIN;
    m_pending_head = socket->m_pending_next;
    if (!m_pending_head)
        m_pending_tail = nullptr;
    socket->m_pending_next = nullptr;
    lib::RefPtr<Socket> result(socket);
    socket->unref(); // the queue's reference, now `result`'s
    if (socket->m_pcb) {
        tcp_backlog_accepted(socket->m_pcb);
        if (peer)
            *peer = write_endpoint(family(), socket->m_pcb->remote_ip, socket->m_pcb->remote_port);
    } else if (peer) {
        *peer = write_endpoint(family(), *IP4_ADDR_ANY, 0);
    }
    return result;
}

lib::ErrorOr<void> TcpSocket::connect(const SocketAddress& address, bool nonblocking)
{
    if (address.length >= 2 && address.family() == FamilyUnspecified) {
        // connect(AF_UNSPEC) disconnects: the connection is reset and the socket starts over.
        if (m_state == State::Listening)
            return {};
        close_connection(true);
        drop_received();
        m_state = State::Unconnected;
        m_peer_closed = m_read_shut = m_write_shut = false;
        m_connect_reported = true;
        run_stack();
        return {};
    }
    switch (m_state) {
    case State::Listening:
        return EISCONN;
    case State::Connected:
    case State::Closed:
        if (!m_connect_reported) {
            m_connect_reported = true;
            return {};
        }
        return EISCONN;
    case State::Connecting:
        return nonblocking ? EALREADY : EAGAIN;
    case State::Failed: {
        m_state = State::Unconnected;
        m_connect_reported = true;
        int error = take_error();
        return lib::Error(error ? error : ECONNABORTED.code);
    }
    case State::Unconnected:
        break;
    }
    Endpoint endpoint = TRY(read_endpoint(family(), address, AddressUse::Connect, m_ip.v6_only));
    if (!m_pcb)
        TRY(make_pcb());
    apply_settings();
    err_t error = tcp_connect(m_pcb, &endpoint.address, endpoint.port, on_connected);
    if (error != ERR_OK)
        return error == ERR_USE ? EADDRNOTAVAIL : error_from_lwip(error);
    m_was_bound = true;
    m_state = State::Connecting;
    m_connect_reported = false;
    remember_local_endpoint();
    run_stack();
    // Linux answers EINPROGRESS even when loopback has connected meanwhile.
    if (nonblocking)
        return EINPROGRESS;
    return connect(address, nonblocking);
}

lib::ErrorOr<size_t> TcpSocket::send(const SendRequest& request)
{
    if (m_error)
        return lib::Error(take_error());
    if (m_write_shut)
        return EPIPE;
    switch (m_state) {
    case State::Unconnected:
    case State::Listening:
    case State::Failed:
        return ENOTCONN;
    case State::Connecting:
        return EAGAIN;
    case State::Closed:
        return EPIPE;
    case State::Connected:
        break;
    }
    if (!m_pcb)
        return EPIPE;
    if (request.length == 0)
        return 0;
    const auto* data = static_cast<const uint8_t*>(request.data);
    size_t sent = 0;
    u8_t flags = TCP_WRITE_FLAG_COPY;
    while (sent < request.length) {
        size_t room = m_pcb->snd_buf;
        if (room == 0 || m_pcb->snd_queuelen >= TCP_SND_QUEUELEN)
            break;
        size_t chunk = request.length - sent;
        if (chunk > room)
            chunk = room;
        if (chunk > LWIP_CHUNK)
            chunk = LWIP_CHUNK;
        bool more = sent + chunk < request.length || (request.flags & MessageMore);
        if (tcp_write(m_pcb, data + sent, static_cast<u16_t>(chunk), flags | (more ? TCP_WRITE_FLAG_MORE : 0)) != ERR_OK)
            break;
        sent += chunk;
    }
    if (!(request.flags & MessageMore))
        tcp_output(m_pcb);
    run_stack();
    if (sent == 0) {
        // Nothing in flight to free room later means the heap is out, not the window.
        if (m_pcb && m_pcb->unacked == nullptr && m_pcb->unsent == nullptr)
            return ENOBUFS;
        return EAGAIN;
    }
    return sent;
}

lib::ErrorOr<ReceiveResult> TcpSocket::receive(const ReceiveRequest& request)
{
    if (m_state == State::Listening || m_state == State::Unconnected)
        return ENOTCONN;
    if (request.flags & MessageOutOfBand)
        return EINVAL;
    if (request.source)
        request.source->length = 0;
    if (m_received_bytes == 0) {
        if (m_error)
            return lib::Error(take_error());
        if (m_peer_closed || m_read_shut || m_state == State::Closed || m_state == State::Failed)
            return ReceiveResult { 0, 0, 0 };
        return EAGAIN;
    }
    size_t length = request.length < m_received_bytes ? request.length : m_received_bytes;
    auto* out = static_cast<uint8_t*>(request.buffer);
    size_t copied = 0;
    size_t offset = m_receive_offset;
    for (pbuf* piece = m_receive_head; piece && copied < length; piece = piece->next) {
        size_t available = piece->len - offset;
        size_t taken = length - copied < available ? length - copied : available;
        __builtin_memcpy(out + copied, static_cast<const uint8_t*>(piece->payload) + offset, taken);
        copied += taken;
        offset = 0;
    }
    if (!(request.flags & MessagePeek)) {
        consume(copied);
        run_stack();
    }
    return ReceiveResult { copied, copied, 0 };
}

lib::ErrorOr<void> TcpSocket::shutdown(int how)
{
    if (how < ShutdownRead || how > ShutdownBoth)
        return EINVAL;
    if (m_state == State::Listening) {
        // Linux closes a listener shut down for reading.
        if (how != ShutdownWrite)
            release();
        return {};
    }
    if (m_state != State::Connected && m_state != State::Connecting)
        return ENOTCONN;
    if (how != ShutdownWrite && !m_read_shut) {
        m_read_shut = true;
        size_t unread = m_received_bytes;
        drop_received();
        if (m_pcb && unread)
            for (size_t opened = 0; opened < unread; opened += LWIP_CHUNK)
                tcp_recved(m_pcb, static_cast<u16_t>(unread - opened < LWIP_CHUNK ? unread - opened : LWIP_CHUNK));
    }
    if (how != ShutdownRead && !m_write_shut) {
        m_write_shut = true;
        if (m_pcb && m_state == State::Connected)
            tcp_shutdown(m_pcb, 0, 1);
    }
    run_stack();
    announce(Readable | Writable);
    return {};
}

lib::ErrorOr<SocketAddress> TcpSocket::local_address()
{
    remember_local_endpoint();
    return write_endpoint(family(), m_local.address, m_local.port);
}

lib::ErrorOr<SocketAddress> TcpSocket::peer_address()
{
    // Linux forgets the peer once both ends have closed (TIME_WAIT).
    if (m_state != State::Connected || !m_pcb || m_pcb->state == TIME_WAIT || m_pcb->state == CLOSED)
        return ENOTCONN;
    return write_endpoint(family(), m_pcb->remote_ip, m_pcb->remote_port);
}

lib::ErrorOr<void> TcpSocket::set_option(int level, int name, const void* value, size_t length)
{
    if (level != PROTOCOL_TCP) {
        TRY(set_ip_option(m_ip, family(), m_was_bound, level, name, value, length));
        apply_settings();
        return {};
    }
    int number = TRY(read_int_option(value, length));
    switch (name) {
    case TcpNoDelay:
        m_no_delay = number != 0;
        break;
    case TcpMaxSegment:
        if (number < 0 || number > 32767)
            return EINVAL;
        break;
    case TcpKeepIdle:
    case TcpKeepInterval:
    case TcpKeepCount:
        if (number < 1 || number > (name == TcpKeepCount ? 127 : 32767))
            return EINVAL;
        (name == TcpKeepIdle ? m_keep_idle : name == TcpKeepInterval ? m_keep_interval : m_keep_count) = number;
        break;
    default:
        if (!is_ignored_tcp_option(name))
            return ENOPROTOOPT;
    }
    apply_settings();
    return {};
}

lib::ErrorOr<size_t> TcpSocket::get_option(int level, int name, void* value, size_t length)
{
    if (level != PROTOCOL_TCP)
        return get_ip_option(m_ip, family(), level, name, value, length);
    switch (name) {
    case TcpNoDelay:
        return write_int_option(value, length, m_no_delay);
    case TcpMaxSegment:
        return write_int_option(value, length, m_pcb && m_state == State::Connected ? tcp_mss(m_pcb) : 536);
    case TcpKeepIdle:
        return write_int_option(value, length, m_keep_idle);
    case TcpKeepInterval:
        return write_int_option(value, length, m_keep_interval);
    case TcpKeepCount:
        return write_int_option(value, length, m_keep_count);
    default:
        if (is_ignored_tcp_option(name))
            return write_int_option(value, length, 0);
        return ENOPROTOOPT;
    }
}

void TcpSocket::option_changed(int name)
{
    if (name == OptionKeepAlive || name == OptionReuseAddress || name == OptionReusePort)
        apply_settings();
}

bool TcpSocket::is_listening() const { return m_state == State::Listening; }

int TcpSocket::take_error()
{
    int error = m_error;
    m_error = 0;
    return error;
}

uint32_t TcpSocket::poll_events()
{
    uint32_t events = m_error ? POLL_ERROR : 0;
    switch (m_state) {
    case State::Listening:
        return events | (m_pending_head ? POLL_IN : 0);
    case State::Unconnected:
        return events | POLL_OUT | POLL_HANGUP;
    case State::Connecting:
        return events;
    case State::Failed:
    case State::Closed:
        return events | POLL_IN | POLL_READ_HANGUP | POLL_HANGUP | (m_write_shut ? 0 : POLL_OUT);
    case State::Connected:
        break;
    }
    if (m_received_bytes || m_peer_closed || m_read_shut)
        events |= POLL_IN;
    if (m_peer_closed || m_read_shut)
        events |= POLL_READ_HANGUP;
    if (m_peer_closed && m_write_shut)
        events |= POLL_HANGUP;
    if (m_write_shut || (m_pcb && m_pcb->snd_buf >= TCP_SNDLOWAT && m_pcb->snd_queuelen < TCP_SNDQUEUELOWAT))
        events |= POLL_OUT;
    return events;
}

} // namespace net::inet
