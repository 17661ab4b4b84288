// getsockopt and setsockopt: the SOL_SOCKET options every family shares are kept here, once,
// in the socket's SocketOptions (SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR, SO_ACCEPTCONN,
// SO_RCVBUF/SO_SNDBUF with Linux's doubling, SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE,
// SO_LINGER, SO_RCVTIMEO/SO_SNDTIMEO, SO_PASSCRED, SO_PEERCRED, ...); everything else goes to
// the family's set_option/get_option.
#pragma once

#include <lib/error_or.h>
#include <net/socket.h>
#include <stddef.h>

namespace net {

inline constexpr int LEVEL_SOCKET = 1; // SOL_SOCKET

// SOL_SOCKET option names.
enum SocketOptionName : int {
    OptionDebug = 1,
    OptionReuseAddress = 2,
    OptionType = 3,
    OptionError = 4,
    OptionDontRoute = 5,
    OptionBroadcast = 6,
    OptionSendBuffer = 7,
    OptionReceiveBuffer = 8,
    OptionKeepAlive = 9,
    OptionOutOfBandInline = 10,
    OptionNoCheck = 11,
    OptionPriority = 12,
    OptionLinger = 13,
    OptionBsdCompatible = 14,
    OptionReusePort = 15,
    OptionPassCredentials = 16,
    OptionPeerCredentials = 17,
    OptionReceiveLowWater = 18,
    OptionSendLowWater = 19,
    OptionReceiveTimeout = 20,
    OptionSendTimeout = 21,
    OptionBindToDevice = 25,
    OptionTimestamp = 29,
    OptionAcceptConnection = 30,
    OptionPeerSecurity = 31,
    OptionSendBufferForce = 32,
    OptionReceiveBufferForce = 33,
    OptionPassSecurity = 34,
    OptionMark = 36,
    OptionProtocol = 38,
    OptionDomain = 39,
    OptionPeerGroups = 59,
};

// An int option value, for any level (EINVAL when shorter than an int), and writing one back
// (returns the length written: Linux cuts values to the caller's length).
lib::ErrorOr<int> read_int_option(const void* value, size_t length);
size_t write_int_option(void* value, size_t length, int number);

// setsockopt(level, name, value, length) with the value already in kernel memory.
lib::ErrorOr<void> set_socket_option(Socket&, int level, int name, const void* value, size_t length);
// getsockopt: writes at most `length` bytes of the value into `value`; returns the length to
// report (Linux cuts values to the caller's length).
lib::ErrorOr<size_t> get_socket_option(Socket&, int level, int name, void* value, size_t length);

} // namespace net
