// socket_unix.c: AF_UNIX sockets (issue 8): socket() and socketpair() errors and flags, fstat
// and /proc/self/fd of a socket, stream/datagram/seqpacket pairs (boundaries, MSG_PEEK,
// MSG_DONTWAIT, MSG_TRUNC, FIONREAD, shutdown, EOF, EPIPE and SIGPIPE, poll), the shared
// SOL_SOCKET options, names (paths, abstract, autobind) with Linux's address lengths, listen,
// accept and connect across fork, a full backlog, SCM_RIGHTS and SCM_CREDENTIALS, and a writer
// that blocks until the reader drains. One line per check; pids only as yes/no facts.
#include "process_test.h"

#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

static void print_poll(const char* label, int fd)
{
    struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
    int n = poll(&p, 1, 0);
    printf("%s: %d%s%s%s%s%s\n", label, n, p.revents & POLLIN ? " IN" : "", p.revents & POLLOUT ? " OUT" : "",
        p.revents & POLLHUP ? " HUP" : "", p.revents & POLLRDHUP ? " RDHUP" : "", p.revents & POLLERR ? " ERR" : "");
}

static int get_int_option(int fd, int name)
{
    int value = -1;
    socklen_t length = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, name, &value, &length) < 0)
        return -errno;
    return value;
}

static socklen_t path_address(struct sockaddr_un* address, const char* path)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    strcpy(address->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static socklen_t abstract_address(struct sockaddr_un* address, const char* name)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    memcpy(address->sun_path + 1, name, strlen(name));
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static int* volatile bad_pointer = (int*)8;

static void creation(void)
{
    expect_errno("socket bad family", socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    expect_errno("socket AF_UNIX type 11", socket(AF_UNIX, 11, 0), EINVAL);
    expect_errno("socket AF_UNIX type 0", socket(AF_UNIX, 0, 0), ESOCKTNOSUPPORT);
    expect_errno("socket AF_UNIX SOCK_RDM", socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
    expect_errno("socket AF_UNIX protocol 7", socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT);
    expect_errno("socket bad flags", socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), EINVAL);
    int fd = socket(AF_UNIX, SOCK_RAW, 0);
    expect("SOCK_RAW is a datagram socket", fd >= 0 && get_int_option(fd, SO_TYPE) == SOCK_DGRAM);
    close(fd);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    expect("SOCK_NONBLOCK", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    expect("SOCK_CLOEXEC", fcntl(fd, F_GETFD) == FD_CLOEXEC);
    expect("O_RDWR", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    struct stat st;
    expect("fstat S_IFSOCK", fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode));
    printf("fstat mode: %o\n", (unsigned)st.st_mode);
    char link[64] = "", path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    long n = readlink(path, link, sizeof link - 1);
    // Natively the chroot has no /proc; under unikit the link must read "socket:[INODE]".
    expect("proc fd link socket:[ (when /proc is there)", (n < 0 && errno == ENOENT) || (n > 0 && strncmp(link, "socket:[", 8) == 0 && link[n - 1] == ']'));
    expect_errno("lseek", lseek(fd, 0, SEEK_SET), ESPIPE);
    close(fd);
    int pipe_fds[2];
    open_pipe(pipe_fds);
    expect_errno("getsockopt on a pipe", get_int_option(pipe_fds[0], SO_TYPE) == -ENOTSOCK ? (errno = ENOTSOCK, -1) : 0, ENOTSOCK);
    expect_errno("listen on a pipe", listen(pipe_fds[0], 1), ENOTSOCK);
    expect_errno("listen on a bad fd", listen(999, 1), EBADF);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    int sv[2];
    expect_errno("socketpair AF_INET6", socketpair(AF_INET6 + 1000, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
    expect_errno("socketpair bad pointer", socketpair(AF_UNIX, SOCK_STREAM, 0, bad_pointer), EFAULT);
}

static void stream_pair(void)
{
    int sv[2];
    expect_ok("socketpair stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    char buffer[256];
    expect_long("write", write(sv[0], "hello", 5), 5);
    expect_long("send", send(sv[0], " world", 6, 0), 6);
    int count = -1;
    ioctl(sv[1], FIONREAD, &count);
    expect_long("FIONREAD", count, 11);
    print_poll("poll with data", sv[1]);
    expect_long("recv MSG_PEEK", recv(sv[1], buffer, sizeof buffer, MSG_PEEK), 11);
    long n = read(sv[1], buffer, sizeof buffer);
    expect_long("read across sends", n, 11);
    expect("data", n == 11 && memcmp(buffer, "hello world", 11) == 0);
    expect_errno("recv MSG_DONTWAIT empty", recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    print_poll("poll empty", sv[1]);
    struct iovec parts[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } };
    struct msghdr message = { 0 };
    message.msg_iov = parts;
    message.msg_iovlen = 3;
    expect_long("sendmsg iovecs", sendmsg(sv[0], &message, 0), 5);
    char first[2], second[10];
    struct iovec into[2] = { { first, 2 }, { second, sizeof second } };
    struct msghdr received = { 0 };
    received.msg_iov = into;
    received.msg_iovlen = 2;
    n = recvmsg(sv[1], &received, 0);
    expect_long("recvmsg iovecs", n, 5);
    expect("scattered", memcmp(first, "ab", 2) == 0 && memcmp(second, "cde", 3) == 0);
    expect_long("recvmsg msg_flags", received.msg_flags, 0);
    // MSG_WAITALL gathers two writes of a child.
    pid_t child = fork_child();
    if (child == 0) {
        write(sv[0], "12345", 5);
        usleep(100000);
        write(sv[0], "67890", 5);
        _exit(0);
    }
    n = recv(sv[1], buffer, 10, MSG_WAITALL);
    expect_long("MSG_WAITALL", n, 10);
    expect_reaped("writer", child, "exited 0");
    expect_ok("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
    expect_long("read after peer SHUT_WR", read(sv[1], buffer, sizeof buffer), 0);
    print_poll("poll after peer SHUT_WR", sv[1]);
    expect_errno("write after SHUT_WR", write(sv[0], "x", 1), EPIPE);
    expect_errno("shutdown bad how", shutdown(sv[0], 7), EINVAL);
    expect_long("reverse direction still open", write(sv[1], "back", 4), 4);
    expect_long("read reverse", read(sv[0], buffer, sizeof buffer), 4);
    close(sv[1]);
    print_poll("poll after peer close", sv[0]);
    expect_long("read after peer close", read(sv[0], buffer, sizeof buffer), 0);
    close(sv[0]);

    // EPIPE, MSG_NOSIGNAL and SIGPIPE.
    expect_ok("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    close(sv[1]);
    expect_errno("send MSG_NOSIGNAL to a closed peer", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    child = fork_child();
    if (child == 0) {
        signal(SIGPIPE, SIG_DFL);
        write(sv[0], "x", 1);
        _exit(0);
    }
    expect_reaped("writer to a closed peer", child, "killed by SIGPIPE");
    close(sv[0]);

    // Data left unread when the peer closes: ECONNRESET.
    expect_ok("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    write(sv[0], "unread", 6);
    write(sv[1], "unread", 6);
    close(sv[1]);
    expect_long("read what came before the reset", read(sv[0], buffer, sizeof buffer), 6);
    expect_errno("then ECONNRESET", read(sv[0], buffer, sizeof buffer), ECONNRESET);
    expect_long("then EOF", read(sv[0], buffer, sizeof buffer), 0);
    close(sv[0]);
}

static void datagram_pairs(void)
{
    int sv[2];
    char buffer[64];
    expect_ok("socketpair dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    send(sv[0], "first", 5, 0);
    send(sv[0], "second!", 7, 0);
    send(sv[0], "", 0, 0);
    int count = -1;
    ioctl(sv[1], FIONREAD, &count);
    expect_long("FIONREAD is the next datagram", count, 5);
    expect_long("recv one datagram", recv(sv[1], buffer, sizeof buffer, 0), 5);
    struct iovec into = { buffer, 3 };
    struct msghdr message = { 0 };
    message.msg_iov = &into;
    message.msg_iovlen = 1;
    expect_long("recvmsg truncated", recvmsg(sv[1], &message, 0), 3);
    expect("MSG_TRUNC in msg_flags", message.msg_flags == MSG_TRUNC);
    expect_long("empty datagram", recv(sv[1], buffer, sizeof buffer, 0), 0);
    send(sv[0], "0123456789", 10, 0);
    expect_long("recv MSG_TRUNC gives the real length", recv(sv[1], buffer, 4, MSG_TRUNC), 10);
    expect_errno("empty queue", recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    int sent = 0;
    while (send(sv[0], "x", 1, MSG_DONTWAIT) == 1 && sent < 100000)
        sent++;
    expect("a full queue says EAGAIN", errno == EAGAIN && sent > 0 && sent < 100000);
    print_poll("poll full datagram peer", sv[0]);
    close(sv[0]);
    close(sv[1]);

    expect_ok("socketpair seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    send(sv[0], "one", 3, 0);
    send(sv[0], "two!", 4, 0);
    expect_long("seqpacket boundary", recv(sv[1], buffer, sizeof buffer, 0), 3);
    expect_long("seqpacket truncates", recv(sv[1], buffer, 2, 0), 2);
    close(sv[0]);
    expect_long("seqpacket EOF", recv(sv[1], buffer, sizeof buffer, 0), 0);
    expect_errno("seqpacket send to closed", send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
    close(sv[1]);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    expect_errno("seqpacket recv unconnected", recv(fd, buffer, 1, MSG_DONTWAIT), ENOTCONN);
    expect_errno("seqpacket send unconnected", send(fd, "x", 1, 0), ENOTCONN);
    close(fd);
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    expect_errno("dgram send unconnected", send(fd, "x", 1, 0), ENOTCONN);
    expect_errno("dgram listen", listen(fd, 1), EOPNOTSUPP);
    expect_errno("dgram accept", accept(fd, NULL, NULL), EOPNOTSUPP);
    close(fd);
}

static void options(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    expect_long("SO_TYPE", get_int_option(sv[0], SO_TYPE), SOCK_STREAM);
    expect_long("SO_DOMAIN", get_int_option(sv[0], SO_DOMAIN), AF_UNIX);
    expect_long("SO_PROTOCOL", get_int_option(sv[0], SO_PROTOCOL), 0);
    expect_long("SO_ERROR", get_int_option(sv[0], SO_ERROR), 0);
    expect_long("SO_ACCEPTCONN", get_int_option(sv[0], SO_ACCEPTCONN), 0);
    printf("SO_RCVBUF default: %d\n", get_int_option(sv[0], SO_RCVBUF));
    printf("SO_SNDBUF default: %d\n", get_int_option(sv[0], SO_SNDBUF));
    int value = 4096;
    expect_ok("set SO_RCVBUF", setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &value, sizeof value));
    printf("SO_RCVBUF after 4096: %d\n", get_int_option(sv[0], SO_RCVBUF));
    value = 1;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, sizeof value);
    printf("SO_SNDBUF after 1: %d\n", get_int_option(sv[0], SO_SNDBUF));
    value = 1;
    expect_ok("set SO_REUSEADDR", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &value, sizeof value));
    expect_long("SO_REUSEADDR", get_int_option(sv[0], SO_REUSEADDR), 1);
    value = 5;
    setsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, &value, sizeof value);
    expect_long("SO_KEEPALIVE", get_int_option(sv[0], SO_KEEPALIVE), 1);
    value = 1;
    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &value, sizeof value);
    expect_long("SO_PASSCRED", get_int_option(sv[0], SO_PASSCRED), 1);
    expect_errno("set SO_TYPE", setsockopt(sv[0], SOL_SOCKET, SO_TYPE, &value, sizeof value), ENOPROTOOPT);
    expect_errno("short optlen", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &value, 2), EINVAL);
    expect_errno("unknown option", setsockopt(sv[0], SOL_SOCKET, 9999, &value, sizeof value), ENOPROTOOPT);
    expect_errno("negative optlen", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &value, -1), EINVAL);
    struct linger linger = { 1, 7 }, got_linger;
    setsockopt(sv[0], SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    socklen_t length = sizeof got_linger;
    getsockopt(sv[0], SOL_SOCKET, SO_LINGER, &got_linger, &length);
    expect("SO_LINGER", got_linger.l_onoff == 1 && got_linger.l_linger == 7 && length == sizeof linger);
    char small = 0;
    length = 1;
    getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &small, &length);
    expect_long("getsockopt cut to optlen", length, 1);
    struct ucred credentials;
    length = sizeof credentials;
    expect_ok("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &credentials, &length));
    expect("SO_PEERCRED is this process", credentials.pid == getpid() && credentials.uid == getuid() && credentials.gid == getgid());
    struct timeval timeout = { 0, 300000 }, got_timeout;
    expect_ok("set SO_RCVTIMEO", setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout));
    length = sizeof got_timeout;
    getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &got_timeout, &length);
    expect("SO_RCVTIMEO", got_timeout.tv_sec == 0 && got_timeout.tv_usec == 300000);
    struct timeval bad = { 0, 2000000 };
    expect_errno("SO_RCVTIMEO usec out of range", setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof bad), EDOM);
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    char buffer[8];
    expect_errno("recv times out", recv(sv[1], buffer, sizeof buffer, 0), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long waited = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    expect("after about the timeout", waited >= 250 && waited < 3000);
    close(sv[0]);
    close(sv[1]);
}

static void print_name(const char* label, int fd, int peer)
{
    struct sockaddr_un address;
    memset(&address, 0x55, sizeof address);
    socklen_t length = sizeof address;
    int result = peer ? getpeername(fd, (struct sockaddr*)&address, &length) : getsockname(fd, (struct sockaddr*)&address, &length);
    if (result < 0) {
        printf("%s: -1 %s\n", label, errno_name(errno));
        return;
    }
    printf("%s: length %u family %d", label, (unsigned)length, address.sun_family);
    if (length > offsetof(struct sockaddr_un, sun_path)) {
        if (address.sun_path[0])
            printf(" path %s", address.sun_path);
        else
            printf(" abstract of %u bytes", (unsigned)(length - offsetof(struct sockaddr_un, sun_path)));
    }
    printf("\n");
}

static void names_and_connections(void)
{
    if (enter_workdir("socket_unix") < 0)
        return;
    struct sockaddr_un address;
    socklen_t length = path_address(&address, "server.sock");
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    print_name("unbound name", server, 0);
    print_name("unconnected peer", server, 1);
    expect_errno("listen unbound", listen(server, 5), EINVAL);
    expect_errno("bind length 1", bind(server, (struct sockaddr*)&address, 1), EINVAL);
    expect_errno("bind length 200", bind(server, (struct sockaddr*)&address, 200), EINVAL);
    expect_errno("bind bad pointer", bind(server, (struct sockaddr*)8, length), EFAULT);
    expect_ok("bind path", bind(server, (struct sockaddr*)&address, length));
    struct stat st;
    expect("the path is a socket", stat("server.sock", &st) == 0 && S_ISSOCK(st.st_mode));
    printf("its mode: %o\n", (unsigned)st.st_mode);
    print_name("bound name", server, 0);
    expect_errno("bind again", bind(server, (struct sockaddr*)&address, length), EADDRINUSE);
    struct sockaddr_un second_path;
    socklen_t second_length = path_address(&second_path, "second.sock");
    expect_errno("bind a bound socket to a new path", bind(server, (struct sockaddr*)&second_path, second_length), EINVAL);
    expect_errno("which is not made", access("second.sock", F_OK), ENOENT);
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    expect_errno("bind a used path", bind(other, (struct sockaddr*)&address, length), EADDRINUSE);
    expect_errno("connect before listen", connect(other, (struct sockaddr*)&address, length), ECONNREFUSED);
    expect_ok("listen", listen(server, 5));
    expect_long("SO_ACCEPTCONN", get_int_option(server, SO_ACCEPTCONN), 1);
    expect_errno("accept none MSG_DONTWAIT-like", (fcntl(server, F_SETFL, O_NONBLOCK), accept(server, NULL, NULL)), EAGAIN);
    fcntl(server, F_SETFL, 0);
    close(other);

    int ready[2];
    open_pipe(ready);
    pid_t child = fork_child();
    if (child == 0) {
        int client = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(client, (struct sockaddr*)&address, length) < 0)
            _exit(10);
        if (write(client, "ping", 4) != 4)
            _exit(11);
        char reply[8];
        if (read_full(client, reply, 4) != 4 || memcmp(reply, "pong", 4) != 0)
            _exit(12);
        struct sockaddr_un peer;
        socklen_t peer_length = sizeof peer;
        if (getpeername(client, (struct sockaddr*)&peer, &peer_length) < 0 || peer_length != length || strcmp(peer.sun_path, "server.sock") != 0)
            _exit(13);
        struct ucred credentials;
        socklen_t credentials_length = sizeof credentials;
        getsockopt(client, SOL_SOCKET, SO_PEERCRED, &credentials, &credentials_length);
        if (credentials.pid != getppid())
            _exit(14);
        post(ready[1]);
        close(client);
        _exit(0);
    }
    struct sockaddr_un peer;
    socklen_t peer_length = sizeof peer;
    int connection = accept4(server, (struct sockaddr*)&peer, &peer_length, SOCK_CLOEXEC);
    expect("accept4", connection >= 0);
    expect_long("accepted peer address length", peer_length, 2);
    expect("accept4 SOCK_CLOEXEC", fcntl(connection, F_GETFD) == FD_CLOEXEC);
    print_name("accepted socket's name", connection, 0);
    print_name("accepted socket's peer", connection, 1);
    char buffer[16];
    expect_long("read from the client", read_full(connection, buffer, 4), 4);
    write(connection, "pong", 4);
    struct ucred credentials;
    socklen_t credentials_length = sizeof credentials;
    getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &credentials, &credentials_length);
    expect("SO_PEERCRED is the client", credentials.pid == child);
    await(ready[0]);
    expect_long("EOF when the client is gone", read(connection, buffer, sizeof buffer), 0);
    expect_reaped("client", child, "exited 0");
    close(connection);
    close(ready[0]);
    close(ready[1]);

    // A full backlog: listen(0) admits one connection; then non-blocking connects say EAGAIN.
    int small = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un small_address;
    socklen_t small_length = path_address(&small_address, "small.sock");
    bind(small, (struct sockaddr*)&small_address, small_length);
    listen(small, 0);
    int first = socket(AF_UNIX, SOCK_STREAM, 0);
    expect_ok("first connect", connect(first, (struct sockaddr*)&small_address, small_length));
    int second = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect_errno("non-blocking connect to a full backlog", connect(second, (struct sockaddr*)&small_address, small_length), EAGAIN);
    print_poll("listener with a pending connection", small);
    int accepted = accept(small, NULL, NULL);
    expect_errno("connect again", connect(first, (struct sockaddr*)&small_address, small_length), EISCONN);
    expect_ok("connect after accept", connect(second, (struct sockaddr*)&small_address, small_length));
    close(accepted);
    close(first);
    close(second);
    close(small);

    // Unlinking removes the name; a closed listener refuses; other files refuse.
    unlink("small.sock");
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    expect_errno("connect to an unlinked name", connect(client, (struct sockaddr*)&small_address, small_length), ENOENT);
    close(server);
    expect_errno("connect to a closed listener", connect(client, (struct sockaddr*)&address, length), ECONNREFUSED);
    write_file("plain", "x");
    struct sockaddr_un plain;
    socklen_t plain_length = path_address(&plain, "plain");
    expect_errno("connect to a regular file", connect(client, (struct sockaddr*)&plain, plain_length), ECONNREFUSED);
    struct sockaddr_un missing;
    socklen_t missing_length = path_address(&missing, "no/such/dir");
    expect_errno("connect through a missing directory", connect(client, (struct sockaddr*)&missing, missing_length), ENOENT);
    expect_errno("connect AF_INET address", connect(client, (struct sockaddr*)&(struct sockaddr) { AF_INET }, sizeof(struct sockaddr)), EINVAL);
    close(client);
    unlink("server.sock");
    unlink("plain");

    // Abstract names and autobind.
    int abstract = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un abstract_name;
    socklen_t abstract_length = abstract_address(&abstract_name, "unikit-test");
    expect_ok("bind abstract", bind(abstract, (struct sockaddr*)&abstract_name, abstract_length));
    print_name("abstract name", abstract, 0);
    listen(abstract, 1);
    int dup_name = socket(AF_UNIX, SOCK_STREAM, 0);
    expect_errno("abstract name in use", bind(dup_name, (struct sockaddr*)&abstract_name, abstract_length), EADDRINUSE);
    expect_ok("connect abstract", connect(dup_name, (struct sockaddr*)&abstract_name, abstract_length));
    print_name("peer of abstract", dup_name, 1);
    close(dup_name);
    close(abstract);
    int autobound = socket(AF_UNIX, SOCK_DGRAM, 0);
    sa_family_t family = AF_UNIX;
    expect_ok("autobind", bind(autobound, (struct sockaddr*)&family, sizeof family));
    struct sockaddr_un auto_name;
    socklen_t auto_length = sizeof auto_name;
    getsockname(autobound, (struct sockaddr*)&auto_name, &auto_length);
    expect("autobind gives a 5-digit abstract name", auto_length == 8 && auto_name.sun_path[0] == 0);

    // Datagrams to a named socket: the sender's name comes along when it has one.
    int receiver = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un receiver_address;
    socklen_t receiver_length = path_address(&receiver_address, "dgram.sock");
    bind(receiver, (struct sockaddr*)&receiver_address, receiver_length);
    int sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    expect_long("sendto a path", sendto(sender, "anon", 4, 0, (struct sockaddr*)&receiver_address, receiver_length), 4);
    expect_long("sendto from autobound", sendto(autobound, "auto", 4, 0, (struct sockaddr*)&receiver_address, receiver_length), 4);
    struct sockaddr_un from;
    socklen_t from_length = sizeof from;
    expect_long("recvfrom", recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &from_length), 4);
    expect_long("unbound sender's address length", from_length, 0);
    from_length = sizeof from;
    recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &from_length);
    expect("autobound sender's address", from_length == auto_length && memcmp(&from, &auto_name, auto_length) == 0);
    expect_errno("sendto a stream socket's path", sendto(sender, "x", 1, 0, (struct sockaddr*)&address, length), ENOENT);
    int stream_named = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un stream_address;
    socklen_t stream_length = path_address(&stream_address, "stream.sock");
    bind(stream_named, (struct sockaddr*)&stream_address, stream_length);
    expect_errno("sendto a stream socket", sendto(sender, "x", 1, 0, (struct sockaddr*)&stream_address, stream_length), EPROTOTYPE);
    expect_ok("connect dgram", connect(sender, (struct sockaddr*)&receiver_address, receiver_length));
    print_name("dgram peer", sender, 1);
    expect_long("send connected", send(sender, "conn", 4, 0), 4);
    struct sockaddr unspecified = { AF_UNSPEC };
    expect_ok("disconnect with AF_UNSPEC", connect(sender, &unspecified, sizeof unspecified));
    expect_errno("send after disconnect", send(sender, "x", 1, 0), ENOTCONN);
    close(stream_named);
    close(sender);
    close(autobound);
    close(receiver);
    expect_errno("sendto a closed receiver's path", sendto(socket(AF_UNIX, SOCK_DGRAM, 0), "x", 1, 0, (struct sockaddr*)&receiver_address, receiver_length), ECONNREFUSED);
    unlink("dgram.sock");
    unlink("stream.sock");
    leave_workdir();
}

static void passing_files(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int pipe_fds[2];
    open_pipe(pipe_fds);
    pid_t child = fork_child();
    if (child == 0) {
        close(sv[1]);
        char control[CMSG_SPACE(sizeof(int))];
        memset(control, 0, sizeof control);
        struct iovec data = { "F", 1 };
        struct msghdr message = { 0 };
        message.msg_iov = &data;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        struct cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &pipe_fds[0], sizeof(int));
        if (sendmsg(sv[0], &message, 0) != 1)
            _exit(10);
        close(pipe_fds[0]);
        write(pipe_fds[1], "through the passed pipe", 23);
        close(pipe_fds[1]);
        // Credentials, explicit.
        struct ucred credentials = { getpid(), getuid(), getgid() };
        char control2[CMSG_SPACE(sizeof credentials)];
        message.msg_control = control2;
        message.msg_controllen = sizeof control2;
        header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_CREDENTIALS;
        header->cmsg_len = CMSG_LEN(sizeof credentials);
        memcpy(CMSG_DATA(header), &credentials, sizeof credentials);
        data.iov_base = "C";
        if (sendmsg(sv[0], &message, 0) != 1)
            _exit(11);
        // Bad control messages.
        header->cmsg_len = 3;
        if (sendmsg(sv[0], &message, 0) != -1 || errno != EINVAL)
            _exit(12);
        header->cmsg_len = CMSG_LEN(sizeof(int));
        header->cmsg_type = SCM_RIGHTS;
        int bad = 999;
        memcpy(CMSG_DATA(header), &bad, sizeof bad);
        if (sendmsg(sv[0], &message, 0) != -1 || errno != EBADF)
            _exit(13);
        // Two more files, for a receiver with room for one.
        int two[2] = { 0, 1 };
        char control3[CMSG_SPACE(sizeof two)];
        message.msg_control = control3;
        message.msg_controllen = sizeof control3;
        header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof two);
        memcpy(CMSG_DATA(header), two, sizeof two);
        data.iov_base = "T";
        if (sendmsg(sv[0], &message, 0) != 1)
            _exit(14);
        _exit(0);
    }
    close(sv[0]);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    char byte;
    char control[256];
    struct iovec data = { &byte, 1 };
    struct msghdr message = { 0 };
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    expect_long("recvmsg with SCM_RIGHTS", recvmsg(sv[1], &message, MSG_CMSG_CLOEXEC), 1);
    int passed = -1, saw_credentials = 0;
    for (struct cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS)
            memcpy(&passed, CMSG_DATA(header), sizeof passed);
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_CREDENTIALS)
            saw_credentials = 1;
    }
    expect("a descriptor came", passed >= 0);
    expect("credentials came too (SO_PASSCRED)", saw_credentials);
    expect("MSG_CMSG_CLOEXEC", fcntl(passed, F_GETFD) == FD_CLOEXEC);
    expect("msg_flags has MSG_CMSG_CLOEXEC only", message.msg_flags == MSG_CMSG_CLOEXEC);
    char buffer[64] = "";
    long n = read_full(passed, buffer, sizeof buffer);
    expect("read through the passed descriptor", n == 23 && memcmp(buffer, "through the passed pipe", 23) == 0);
    close(passed);
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    expect_long("recvmsg with SCM_CREDENTIALS", recvmsg(sv[1], &message, 0), 1);
    struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    struct ucred credentials = { 0 };
    if (header && header->cmsg_type == SCM_CREDENTIALS)
        memcpy(&credentials, CMSG_DATA(header), sizeof credentials);
    expect("the sender's credentials", credentials.pid == child && credentials.uid == getuid());
    // Room for the credentials and one descriptor of two.
    char tight[CMSG_SPACE(sizeof(struct ucred)) + CMSG_LEN(sizeof(int))];
    message.msg_control = tight;
    message.msg_controllen = sizeof tight;
    expect_long("recvmsg with too little control room", recvmsg(sv[1], &message, 0), 1);
    expect("MSG_CTRUNC", (message.msg_flags & MSG_CTRUNC) != 0);
    expect_long("msg_controllen used", (long)message.msg_controllen, (long)sizeof tight);
    int count = 0;
    for (header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_type == SCM_RIGHTS) {
            count += (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            int fd;
            memcpy(&fd, CMSG_DATA(header), sizeof fd);
            close(fd);
        }
    }
    expect_long("descriptors that fit", count, 1);
    expect_reaped("sender", child, "exited 0");
    close(sv[1]);
}

static void blocking_writer(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    // Non-blocking: the buffer fills.
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    static char chunk[65536];
    long total = 0, n;
    while ((n = write(sv[0], chunk, sizeof chunk)) > 0)
        total += n;
    expect("a non-blocking writer fills the buffer", n < 0 && errno == EAGAIN && total > 0);
    print_poll("poll full stream", sv[0]);
    char drain[65536];
    long drained = 0;
    while ((n = recv(sv[1], drain, sizeof drain, MSG_DONTWAIT)) > 0)
        drained += n;
    expect("everything written comes out", drained == total);
    fcntl(sv[0], F_SETFL, 0);
    // Blocking: a child writes 1 MiB in one call; it waits for the reader.
    pid_t child = fork_child();
    if (child == 0) {
        static char big[1 << 20];
        for (size_t i = 0; i < sizeof big; ++i)
            big[i] = (char)(i * 7);
        long written = write(sv[0], big, sizeof big);
        _exit(written == (long)sizeof big ? 0 : 1);
    }
    usleep(100000);
    uint32_t hash = 2166136261u;
    long received = 0;
    while (received < (1 << 20) && (n = read(sv[1], drain, sizeof drain)) > 0) {
        hash = fnv1a(hash, drain, (size_t)n);
        received += n;
    }
    expect_long("received", received, 1 << 20);
    printf("hash: %08x\n", hash);
    expect_reaped("blocking writer", child, "exited 0");
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    probe_start();
    watchdog(60);
    signal(SIGPIPE, SIG_IGN);
    creation();
    stream_pair();
    datagram_pairs();
    options();
    names_and_connections();
    passing_files();
    blocking_writer();
    return finish();
}
