// Console hypercall: the program's stdout/stderr bytes to the monitor's, and stdin reads.
#include "host/hypercalls/hypercalls.h"

#include <errno.h>
#include <poll.h>
#include <string>
#include <unistd.h>

namespace host::hypercalls::console {

// Writes every byte or fails; returns 0 or -errno (-EPIPE when the reader went away).
static int64_t write_all(int fd, const uint8_t* data, size_t length)
{
    while (length > 0) {
        ssize_t written = ::write(fd, data, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        data += written;
        length -= static_cast<size_t>(written);
    }
    return 0;
}

int64_t handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = context.memory.read<uabi::ConsoleRequest>(request_gpa);
    if (!request)
        return context.outside_ram("Console request", request_gpa, sizeof(uabi::ConsoleRequest));
    auto buffer = context.memory.bytes(request->buffer, request->length);
    if (buffer.data() == nullptr && request->length != 0)
        return context.outside_ram("Console buffer", request->buffer, request->length);

    switch (request->fd) {
    case STDOUT_FILENO:
    case STDERR_FILENO: {
        // SAFETY: buffer was checked against guest RAM; write() only reads it.
        int64_t result = write_all(static_cast<int>(request->fd), buffer.data(), buffer.size());
        return result < 0 ? result : static_cast<int64_t>(buffer.size());
    }
    case STDIN_FILENO: {
        if (buffer.empty())
            return 0;
        if (request->flags & uabi::CONSOLE_NONBLOCKING) {
            // The guest blocks the reading thread itself and waits for EVENT_STDIN.
            pollfd source { STDIN_FILENO, POLLIN, 0 };
            if (poll(&source, 1, 0) == 0)
                return -EAGAIN;
        }
        for (;;) {
            // SAFETY: buffer was checked against guest RAM; read() fills at most its size.
            ssize_t got = ::read(STDIN_FILENO, buffer.data(), buffer.size());
            if (got < 0 && errno == EINTR)
                continue;
            return got < 0 ? -errno : got;
        }
    }
    default:
        return -EBADF;
    }
}

} // namespace host::hypercalls::console
