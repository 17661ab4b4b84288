// socket_inet.c: AF_INET sockets over 127.0.0.1 (issue 8): a TCP echo server and its client
// across fork (the server's port, picked by bind to port 0, passed through a pipe), a large
// transfer checked by checksum, EOF after shutdown(SHUT_WR), getsockname/getpeername, the
// accept queue, MSG_PEEK, non-blocking connect (EINPROGRESS, poll, SO_ERROR), ECONNREFUSED on
// a closed port, ECONNRESET and EPIPE, socket options, and UDP datagrams (recvfrom's source,
// MSG_TRUNC, MSG_PEEK, connected UDP). Ports are never printed (they differ run to run) and
// neither is anything timing-dependent; only the first process writes to stdout.
#include "process_test.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

// A step that must work; a failure says which and ends the process with status 2.
static long need(const char* what, long result)
{
    if (result < 0) {
        printf("setup: %s: -1 %s\n", what, errno_name(errno));
        fflush(stdout);
        exit(2);
    }
    return result;
}

static struct sockaddr_in loopback(unsigned short port)
{
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

static unsigned short port_of(int fd)
{
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    need("getsockname", getsockname(fd, (struct sockaddr*)&address, &length));
    return ntohs(address.sin_port);
}

// A TCP socket listening on 127.0.0.1 at a port bind picks.
static int listen_on_loopback(int backlog)
{
    int fd = need("socket", socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in address = loopback(0);
    need("bind", bind(fd, (struct sockaddr*)&address, sizeof address));
    need("listen", listen(fd, backlog));
    return fd;
}

static int connect_to(unsigned short port)
{
    int fd = need("socket", socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in address = loopback(port);
    need("connect", connect(fd, (struct sockaddr*)&address, sizeof address));
    return fd;
}

static unsigned char pattern_byte(unsigned long i) { return (unsigned char)(i * 2654435761u >> 13); }

// The echo server, in a child: echoes each connection until EOF; for a connection that
// starts with 'B' (bulk), reads to EOF and answers with the byte count and an FNV-1a hash.
static int run_server(int listener, int report_fd)
{
    for (int connection = 0; connection < 2; connection++) {
        struct sockaddr_in peer;
        socklen_t peer_length = sizeof peer;
        int fd = accept(listener, (struct sockaddr*)&peer, &peer_length);
        if (fd < 0)
            return 10;
        unsigned short peer_port = ntohs(peer.sin_port);
        if (write(report_fd, &peer_port, sizeof peer_port) != sizeof peer_port)
            return 11;
        char first;
        if (read_full(fd, &first, 1) != 1)
            return 12;
        if (first == 'B') {
            static char buffer[65536];
            unsigned long long total = 0;
            uint32_t hash = 2166136261u;
            long n;
            while ((n = read(fd, buffer, sizeof buffer)) > 0) {
                hash = fnv1a(hash, buffer, n);
                total += n;
            }
            if (n < 0)
                return 13;
            char answer[64];
            int length = snprintf(answer, sizeof answer, "%llu %08x", total, hash);
            if (write_full(fd, answer, length) != length)
                return 14;
        } else {
            if (write_full(fd, &first, 1) != 1)
                return 15;
            char buffer[4096];
            long n;
            while ((n = read(fd, buffer, sizeof buffer)) > 0)
                if (write_full(fd, buffer, n) != n)
                    return 16;
            if (n < 0)
                return 17;
        }
        close(fd);
    }
    return 0;
}

static void test_echo_across_fork(void)
{
    int port_pipe[2], report_pipe[2];
    open_pipe(port_pipe);
    open_pipe(report_pipe);
    pid_t server = fork_child();
    if (server == 0) {
        close(port_pipe[0]);
        close(report_pipe[0]);
        int listener = listen_on_loopback(8);
        unsigned short port = port_of(listener);
        if (write(port_pipe[1], &port, sizeof port) != sizeof port)
            _exit(9);
        _exit(run_server(listener, report_pipe[1]));
    }
    close(port_pipe[1]);
    close(report_pipe[1]);
    unsigned short port = 0;
    need("read port", read_full(port_pipe[0], &port, sizeof port) == sizeof port ? 0 : -1);

    // Echo: a few messages, then EOF both ways.
    int fd = connect_to(port);
    unsigned short peer_port = 0;
    read_full(report_pipe[0], &peer_port, sizeof peer_port);
    expect("server's peer is the client's name", peer_port == port_of(fd));
    struct sockaddr_in peer;
    socklen_t length = sizeof peer;
    need("getpeername", getpeername(fd, (struct sockaddr*)&peer, &length));
    expect("client's peer is 127.0.0.1 at the server's port",
        peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(peer.sin_port) == port);
    const char* messages[] = { "hello", "over TCP", "on 127.0.0.1" };
    for (int i = 0; i < 3; i++) {
        char buffer[64] = { 0 };
        long length = (long)strlen(messages[i]);
        write_full(fd, messages[i], length);
        long got = read_full(fd, buffer, length);
        printf("echo %d: %ld \"%s\"\n", i, got, buffer);
    }
    char peeked[4] = { 0 }, taken[4] = { 0 };
    write_full(fd, "peek", 4);
    long n = recv(fd, peeked, 4, MSG_PEEK | MSG_WAITALL);
    long m = read_full(fd, taken, 4);
    expect("MSG_PEEK then read give the same bytes", n == 4 && m == 4 && memcmp(peeked, taken, 4) == 0);
    need("shutdown", shutdown(fd, SHUT_WR));
    char byte;
    expect_long("read after the server saw EOF and closed", read(fd, &byte, 1), 0);
    close(fd);

    // Bulk: 16 MiB one way, checked by count and hash.
    fd = connect_to(port);
    read_full(report_pipe[0], &peer_port, sizeof peer_port);
    static char chunk[100000];
    unsigned long total = 16ul << 20, sent = 0;
    uint32_t hash = 2166136261u;
    write_full(fd, "B", 1);
    while (sent < total) {
        unsigned long length = total - sent < sizeof chunk ? total - sent : sizeof chunk;
        for (unsigned long i = 0; i < length; i++)
            chunk[i] = (char)pattern_byte(sent + i);
        if (write_full(fd, chunk, (long)length) != (long)length)
            break;
        hash = fnv1a(hash, chunk, length);
        sent += length;
    }
    expect_long("bulk bytes sent", (long)sent, (long)total);
    need("shutdown", shutdown(fd, SHUT_WR));
    char answer[64] = { 0 }, wanted[64];
    read_full(fd, answer, sizeof answer - 1);
    snprintf(wanted, sizeof wanted, "%lu %08x", total, hash);
    expect("bulk count and hash match", strcmp(answer, wanted) == 0);
    close(fd);
    expect_reaped("server", server, "exited 0");
    close(port_pipe[0]);
    close(report_pipe[0]);
}

static void test_accept_queue(void)
{
    int listener = listen_on_loopback(4);
    unsigned short port = port_of(listener);
    struct pollfd ready = { listener, POLLIN, 0 };
    expect_long("poll on a listener with no connection", poll(&ready, 1, 0), 0);
    int clients[3];
    for (int i = 0; i < 3; i++)
        clients[i] = connect_to(port);
    ready.revents = 0;
    expect_long("poll on a listener with connections waiting", poll(&ready, 1, 5000), 1);
    expect("listener readable", ready.revents == POLLIN);
    for (int i = 0; i < 3; i++) {
        struct sockaddr_in peer;
        socklen_t length = sizeof peer;
        int fd = accept(listener, (struct sockaddr*)&peer, &length);
        printf("accept %d: %s, in connect order: %s\n", i, fd >= 0 ? "ok" : "failed",
            fd >= 0 && ntohs(peer.sin_port) == port_of(clients[i]) ? "yes" : "no");
        if (fd >= 0) {
            char c = 'x';
            write_full(clients[i], &c, 1);
            char got = 0;
            read_full(fd, &got, 1);
            if (got != 'x')
                process_failures++;
            close(fd);
        }
        close(clients[i]);
    }
    need("fcntl", fcntl(listener, F_SETFL, O_NONBLOCK));
    expect_errno("accept with nothing waiting (non-blocking)", accept(listener, NULL, NULL), EAGAIN);
    close(listener);
}

static void test_nonblocking_connect(void)
{
    int listener = listen_on_loopback(4);
    unsigned short port = port_of(listener);
    int fd = need("socket", socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    struct sockaddr_in address = loopback(port);
    int result = connect(fd, (struct sockaddr*)&address, sizeof address);
    expect("non-blocking connect: 0 or EINPROGRESS", result == 0 || (result < 0 && errno == EINPROGRESS));
    struct pollfd ready = { fd, POLLOUT, 0 };
    expect_long("poll for the connection", poll(&ready, 1, 5000), 1);
    expect("connected socket writable", (ready.revents & POLLOUT) != 0);
    int error = -1;
    socklen_t length = sizeof error;
    need("getsockopt", getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length));
    expect_long("SO_ERROR after connecting", error, 0);
    // The first connect after an EINPROGRESS one reports its outcome (0); then EISCONN.
    result = connect(fd, (struct sockaddr*)&address, sizeof address);
    expect("connect again: 0 or EISCONN", result == 0 || (result < 0 && errno == EISCONN));
    expect_errno("connect once more", connect(fd, (struct sockaddr*)&address, sizeof address), EISCONN);
    int accepted = accept(listener, NULL, NULL);
    expect("accept", accepted >= 0);
    char byte;
    expect_errno("read with nothing there (non-blocking)", read(fd, &byte, 1), EAGAIN);
    close(accepted);
    close(fd);

    // A port nobody listens on: a socket bound there but not listening.
    int holder = need("socket", socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in any_port = loopback(0);
    need("bind", bind(holder, (struct sockaddr*)&any_port, sizeof any_port));
    address = loopback(port_of(holder));
    fd = need("socket", socket(AF_INET, SOCK_STREAM, 0));
    expect_errno("connect to a closed port", connect(fd, (struct sockaddr*)&address, sizeof address), ECONNREFUSED);
    close(fd);
    fd = need("socket", socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    result = connect(fd, (struct sockaddr*)&address, sizeof address);
    int connect_errno = errno;
    if (result < 0 && connect_errno == EINPROGRESS) {
        ready.fd = fd;
        ready.events = POLLOUT;
        ready.revents = 0;
        poll(&ready, 1, 5000);
        length = sizeof error;
        need("getsockopt", getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length));
        connect_errno = error;
    }
    printf("non-blocking connect to a closed port: %s\n", errno_name(connect_errno));
    if (connect_errno != ECONNREFUSED)
        process_failures++;
    close(fd);
    close(holder);
    close(listener);
}

static void test_resets(void)
{
    // The peer closes with SO_LINGER 0: an RST, and ECONNRESET here.
    int listener = listen_on_loopback(4);
    int fd = connect_to(port_of(listener));
    int accepted = need("accept", accept(listener, NULL, NULL));
    struct linger linger = { 1, 0 };
    need("setsockopt", setsockopt(accepted, SOL_SOCKET, SO_LINGER, &linger, sizeof linger));
    close(accepted);
    struct pollfd ready = { fd, POLLIN, 0 };
    poll(&ready, 1, 5000);
    char byte;
    expect_errno("read after the peer reset", read(fd, &byte, 1), ECONNRESET);
    expect_long("read after that", read(fd, &byte, 1), 0);
    close(fd);

    // Writing to a peer that closed: its RST comes back, then EPIPE.
    fd = connect_to(port_of(listener));
    accepted = need("accept", accept(listener, NULL, NULL));
    close(accepted);
    expect_long("read after the peer closed", read(fd, &byte, 1), 0);
    expect_long("first send after the peer closed", send(fd, "x", 1, MSG_NOSIGNAL), 1);
    ready.events = POLLIN;
    ready.revents = 0;
    poll(&ready, 1, 5000);
    expect_errno("second send", send(fd, "x", 1, MSG_NOSIGNAL), EPIPE);
    close(fd);

    // shutdown(SHUT_WR) then a write: EPIPE.
    fd = connect_to(port_of(listener));
    accepted = need("accept", accept(listener, NULL, NULL));
    need("shutdown", shutdown(fd, SHUT_WR));
    expect_long("peer reads EOF", read(accepted, &byte, 1), 0);
    expect_errno("send after SHUT_WR", send(fd, "x", 1, MSG_NOSIGNAL), EPIPE);
    expect_long("the other way still works", write(accepted, "y", 1), 1);
    expect_long("read it", read(fd, &byte, 1), 1);
    close(accepted);
    close(fd);
    close(listener);
}

static void test_names_and_options(void)
{
    int fd = need("socket", socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    need("getsockname", getsockname(fd, (struct sockaddr*)&address, &length));
    printf("unbound name: %s port %d length %d\n", inet_ntoa(address.sin_addr), ntohs(address.sin_port), (int)length);
    expect_errno("getpeername unconnected", getpeername(fd, (struct sockaddr*)&address, &length), ENOTCONN);
    int one = 1, value = 0;
    need("SO_REUSEADDR", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    length = sizeof value;
    getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, &length);
    expect_long("SO_REUSEADDR", value, 1);
    need("TCP_NODELAY", setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    length = sizeof value;
    getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length);
    expect_long("TCP_NODELAY", value, 1);
    need("SO_KEEPALIVE", setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one));
    length = sizeof value;
    getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &value, &length);
    expect_long("SO_KEEPALIVE", value, 1);
    length = sizeof value;
    getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &length);
    expect_long("SO_TYPE", value, SOCK_STREAM);
    expect_errno("unknown TCP option", setsockopt(fd, IPPROTO_TCP, 9999, &one, sizeof one), ENOPROTOOPT);
    address = loopback(0);
    need("bind", bind(fd, (struct sockaddr*)&address, sizeof address));
    length = sizeof address;
    need("getsockname", getsockname(fd, (struct sockaddr*)&address, &length));
    printf("bound name: %s, port picked: %s\n", inet_ntoa(address.sin_addr), address.sin_port ? "yes" : "no");
    expect_errno("bind again", bind(fd, (struct sockaddr*)&address, sizeof address), EINVAL);
    need("listen", listen(fd, 1));
    int other = need("socket", socket(AF_INET, SOCK_STREAM, 0));
    expect_errno("bind to a port in use", bind(other, (struct sockaddr*)&address, sizeof address), EADDRINUSE);
    struct sockaddr_in foreign = loopback(0);
    foreign.sin_addr.s_addr = inet_addr("192.0.2.1");
    expect_errno("bind to a foreign address", bind(other, (struct sockaddr*)&foreign, sizeof foreign), EADDRNOTAVAIL);
    expect_errno("bind with a short address", bind(other, (struct sockaddr*)&foreign, 8), EINVAL);
    close(other);
    length = sizeof value;
    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &length);
    expect_long("SO_ACCEPTCONN", value, 1);
    close(fd);

    // INADDR_ANY: reachable on 127.0.0.1.
    fd = need("socket", socket(AF_INET, SOCK_STREAM, 0));
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = 0;
    need("bind", bind(fd, (struct sockaddr*)&address, sizeof address));
    need("listen", listen(fd, 1));
    length = sizeof address;
    need("getsockname", getsockname(fd, (struct sockaddr*)&address, &length));
    printf("wildcard name: %s\n", inet_ntoa(address.sin_addr));
    int client = connect_to(ntohs(address.sin_port));
    int accepted = accept(fd, (struct sockaddr*)&address, &length);
    expect("connect to a wildcard listener", accepted >= 0);
    length = sizeof address;
    need("getsockname", getsockname(accepted, (struct sockaddr*)&address, &length));
    printf("accepted socket's name: %s\n", inet_ntoa(address.sin_addr));
    close(accepted);
    close(client);
    close(fd);

    expect_errno("socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
}

static void test_udp(void)
{
    int receiver = need("socket", socket(AF_INET, SOCK_DGRAM, 0));
    struct sockaddr_in address = loopback(0);
    need("bind", bind(receiver, (struct sockaddr*)&address, sizeof address));
    address = loopback(port_of(receiver));
    int sender = need("socket", socket(AF_INET, SOCK_DGRAM, 0));
    const char* datagrams[] = { "one", "datagram two", "", "the fourth and last datagram" };
    for (int i = 0; i < 4; i++)
        expect_long("sendto", sendto(sender, datagrams[i], strlen(datagrams[i]), 0, (struct sockaddr*)&address, sizeof address),
            (long)strlen(datagrams[i]));
    unsigned short sender_port = port_of(sender);
    for (int i = 0; i < 4; i++) {
        char buffer[64] = { 0 };
        struct sockaddr_in source;
        socklen_t length = sizeof source;
        long n;
        if (i == 1) {
            n = recv(receiver, buffer, sizeof buffer, MSG_PEEK);
            printf("peeked: %ld \"%s\"\n", n, buffer);
            memset(buffer, 0, sizeof buffer);
        }
        if (i == 3) {
            n = recvfrom(receiver, buffer, 10, MSG_TRUNC, (struct sockaddr*)&source, &length);
            printf("truncated datagram: %ld \"%s\"\n", n, buffer);
        } else {
            n = recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr*)&source, &length);
            printf("datagram %d: %ld \"%s\"\n", i, n, buffer);
        }
        expect("from the sender", source.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(source.sin_port) == sender_port);
    }
    need("fcntl", fcntl(receiver, F_SETFL, O_NONBLOCK));
    char byte;
    expect_errno("recv with nothing queued (non-blocking)", recv(receiver, &byte, 1, 0), EAGAIN);
    expect_errno("send unconnected", send(sender, "x", 1, 0), EDESTADDRREQ);
    need("connect", connect(sender, (struct sockaddr*)&address, sizeof address));
    expect_long("send connected", send(sender, "connected", 9, 0), 9);
    struct pollfd ready = { receiver, POLLIN, 0 };
    expect_long("poll for the datagram", poll(&ready, 1, 5000), 1);
    char buffer[16] = { 0 };
    expect_long("recv it", recv(receiver, buffer, sizeof buffer, 0), 9);
    struct sockaddr_in peer;
    socklen_t length = sizeof peer;
    need("getpeername", getpeername(sender, (struct sockaddr*)&peer, &length));
    expect("connected UDP peer", ntohs(peer.sin_port) == port_of(receiver));

    // Across fork: the child answers each datagram with it upper-cased.
    pid_t child = fork_child();
    if (child == 0) {
        int flags = fcntl(receiver, F_GETFL);
        fcntl(receiver, F_SETFL, flags & ~O_NONBLOCK);
        for (int i = 0; i < 3; i++) {
            char data[32];
            struct sockaddr_in from;
            socklen_t from_length = sizeof from;
            long n = recvfrom(receiver, data, sizeof data, 0, (struct sockaddr*)&from, &from_length);
            if (n < 0)
                _exit(3);
            for (long j = 0; j < n; j++)
                if (data[j] >= 'a' && data[j] <= 'z')
                    data[j] -= 32;
            if (sendto(receiver, data, n, 0, (struct sockaddr*)&from, from_length) != n)
                _exit(4);
        }
        _exit(0);
    }
    const char* questions[] = { "ping", "over udp", "across fork" };
    for (int i = 0; i < 3; i++) {
        char answer[32] = { 0 };
        send(sender, questions[i], strlen(questions[i]), 0);
        long n = recv(sender, answer, sizeof answer, 0);
        printf("answer %d: %ld \"%s\"\n", i, n, answer);
    }
    expect_reaped("udp child", child, "exited 0");
    close(sender);
    close(receiver);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    watchdog(120);
    test_names_and_options();
    test_echo_across_fork();
    test_accept_queue();
    test_nonblocking_connect();
    test_resets();
    test_udp();
    return finish();
}
