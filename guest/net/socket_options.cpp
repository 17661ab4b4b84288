// getsockopt and setsockopt's shared SOL_SOCKET options (see net/socket_options.h).
#include <lib/errno_codes.h>
#include <net/socket_options.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace net {

namespace {

constexpr uint32_t BUFFER_MAX = 212992;      // /proc/sys/net/core/rmem_max and wmem_max
constexpr uint32_t RECEIVE_BUFFER_MIN = 2304; // SOCK_MIN_RCVBUF
constexpr uint32_t SEND_BUFFER_MIN = 4608;    // SOCK_MIN_SNDBUF
constexpr int64_t NS_PER_SECOND = 1000000000;
constexpr int64_t NS_PER_JIFFY = 4000000; // timeouts are kept in ticks of 250 Hz, as Linux's

struct TimeValue {
    int64_t seconds;
    int64_t microseconds;
};

struct Linger {
    int32_t on;
    int32_t seconds;
};

// The doubled size Linux keeps for SO_RCVBUF/SO_SNDBUF = `requested` (capped unless forced).
uint32_t buffer_size(int requested, uint32_t minimum, bool forced)
{
    int64_t value = requested;
    if (value < 0)
        value = forced ? 0 : BUFFER_MAX;
    if (!forced && value > BUFFER_MAX)
        value = BUFFER_MAX;
    if (value > INT32_MAX / 2)
        value = INT32_MAX / 2;
    value *= 2;
    return value < minimum ? minimum : static_cast<uint32_t>(value);
}

lib::ErrorOr<int64_t> timeout_value(const void* value, size_t length)
{
    if (length < sizeof(TimeValue))
        return EINVAL;
    TimeValue time;
    memcpy(&time, value, sizeof(time));
    if (time.microseconds < 0 || time.microseconds >= 1000000)
        return EDOM;
    if (time.seconds < 0)
        return 0; // Linux: no wait at all
    if (time.seconds == 0 && time.microseconds == 0)
        return -1; // no timeout
    if (time.seconds >= INT64_MAX / NS_PER_SECOND - 1)
        return -1;
    int64_t ns = time.seconds * NS_PER_SECOND + time.microseconds * 1000;
    return (ns + NS_PER_JIFFY - 1) / NS_PER_JIFFY * NS_PER_JIFFY;
}

// Copies `size` bytes of `source`, cut to the caller's `length`; the length to report.
size_t put(void* value, size_t length, const void* source, size_t size)
{
    size_t copied = length < size ? length : size;
    memcpy(value, source, copied);
    return copied;
}

} // namespace

lib::ErrorOr<int> read_int_option(const void* value, size_t length)
{
    if (length < sizeof(int))
        return EINVAL;
    int number;
    memcpy(&number, value, sizeof(number));
    return number;
}

size_t write_int_option(void* value, size_t length, int number) { return put(value, length, &number, sizeof(number)); }

lib::ErrorOr<void> set_socket_option(Socket& socket, int level, int name, const void* value, size_t length)
{
    if (level != LEVEL_SOCKET)
        return socket.set_option(level, name, value, length);
    SocketOptions& options = socket.options();
    switch (name) {
    case OptionReceiveTimeout:
    case OptionSendTimeout: {
        int64_t timeout = TRY(timeout_value(value, length));
        (name == OptionReceiveTimeout ? options.receive_timeout_ns : options.send_timeout_ns) = timeout;
        break;
    }
    case OptionLinger: {
        if (length < sizeof(Linger))
            return EINVAL;
        Linger linger;
        memcpy(&linger, value, sizeof(linger));
        options.linger_on = linger.on != 0;
        options.linger_seconds = linger.seconds;
        break;
    }
    case OptionType:
    case OptionDomain:
    case OptionProtocol:
    case OptionError:
    case OptionAcceptConnection:
    case OptionPeerCredentials:
    case OptionSendLowWater:
    case OptionPeerGroups:
    case OptionPeerSecurity:
        return ENOPROTOOPT;
    default: {
        int number = TRY(read_int_option(value, length));
        bool flag = number != 0;
        switch (name) {
        case OptionDebug:
        case OptionDontRoute:
        case OptionBsdCompatible:
            break;
        case OptionReuseAddress: options.reuse_address = flag; break;
        case OptionReusePort: options.reuse_port = flag; break;
        case OptionKeepAlive: options.keep_alive = flag; break;
        case OptionBroadcast: options.broadcast = flag; break;
        case OptionOutOfBandInline: options.out_of_band_inline = flag; break;
        case OptionNoCheck: options.no_check = flag; break;
        case OptionPassCredentials: options.pass_credentials = flag; break;
        case OptionPriority: options.priority = number; break;
        case OptionMark: options.mark = static_cast<uint32_t>(number); break;
        case OptionReceiveLowWater: options.receive_low_water = number < 0 ? INT32_MAX : (number ? number : 1); break;
        case OptionReceiveBuffer:
        case OptionReceiveBufferForce:
            options.receive_buffer = buffer_size(number, RECEIVE_BUFFER_MIN, name == OptionReceiveBufferForce);
            break;
        case OptionSendBuffer:
        case OptionSendBufferForce:
            options.send_buffer = buffer_size(number, SEND_BUFFER_MIN, name == OptionSendBufferForce);
            break;
        default:
            return socket.set_option(level, name, value, length).is_error() ? lib::ErrorOr<void>(ENOPROTOOPT) : lib::ErrorOr<void>();
        }
    }
    }
    socket.option_changed(name);
    return {};
}

lib::ErrorOr<size_t> get_socket_option(Socket& socket, int level, int name, void* value, size_t length)
{
    if (level != LEVEL_SOCKET)
        return socket.get_option(level, name, value, length);
    SocketOptions& options = socket.options();
    switch (name) {
    case OptionType: return write_int_option(value, length, socket.socket_type());
    case OptionDomain: return write_int_option(value, length, socket.family());
    case OptionProtocol: return write_int_option(value, length, socket.protocol());
    case OptionError: return write_int_option(value, length, socket.take_error());
    case OptionAcceptConnection: return write_int_option(value, length, socket.is_listening());
    case OptionDebug:
    case OptionDontRoute:
    case OptionBsdCompatible:
        return write_int_option(value, length, 0);
    case OptionReuseAddress: return write_int_option(value, length, options.reuse_address);
    case OptionReusePort: return write_int_option(value, length, options.reuse_port);
    case OptionKeepAlive: return write_int_option(value, length, options.keep_alive);
    case OptionBroadcast: return write_int_option(value, length, options.broadcast);
    case OptionOutOfBandInline: return write_int_option(value, length, options.out_of_band_inline);
    case OptionNoCheck: return write_int_option(value, length, options.no_check);
    case OptionPassCredentials: return write_int_option(value, length, options.pass_credentials);
    case OptionPriority: return write_int_option(value, length, options.priority);
    case OptionMark: return write_int_option(value, length, static_cast<int>(options.mark));
    case OptionReceiveLowWater: return write_int_option(value, length, static_cast<int>(options.receive_low_water));
    case OptionSendLowWater: return write_int_option(value, length, 1);
    case OptionReceiveBuffer: return write_int_option(value, length, static_cast<int>(options.receive_buffer));
    case OptionSendBuffer: return write_int_option(value, length, static_cast<int>(options.send_buffer));
    case OptionLinger: {
        Linger linger { options.linger_on, options.linger_seconds };
        return put(value, length, &linger, sizeof(linger));
    }
    case OptionReceiveTimeout:
    case OptionSendTimeout: {
        int64_t ns = name == OptionReceiveTimeout ? options.receive_timeout_ns : options.send_timeout_ns;
        TimeValue time { 0, 0 };
        if (ns > 0)
            time = { ns / NS_PER_SECOND, ns % NS_PER_SECOND / 1000 };
        return put(value, length, &time, sizeof(time));
    }
    case OptionPeerCredentials: {
        Credentials credentials = TRY(socket.peer_credentials());
        return put(value, length, &credentials, sizeof(credentials));
    }
    default: {
        auto family_answer = socket.get_option(level, name, value, length);
        if (family_answer.is_error())
            return ENOPROTOOPT;
        return family_answer.value();
    }
    }
}

} // namespace net
