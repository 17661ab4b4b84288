// A boot-time check of the TCP/IP stack over loopback, logged at --log-level debug.
#pragma once

namespace net::inet {

void self_test();

} // namespace net::inet
