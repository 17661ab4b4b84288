// Pipes (see vfs/pipe.h).
#include <lib/errno_codes.h>
#include <vfs/clock.h>
#include <vfs/open_file.h>
#include <vfs/pipe.h>
#include <vfs/wait.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace vfs {

namespace {

// The pseudo file system pipes belong to, for st_dev and statfs.
class PipeFs final : public FileSystem {
public:
    lib::RefPtr<Vnode> root() override { return nullptr; }
    const char* name() const override { return "pipefs"; }
    uint64_t magic() const override { return 0x50495045; }
};

PipeFs g_pipe_fs;
uint64_t g_next_inode = 1;
constexpr uint64_t PIPE_DEVICE = 0xc;

} // namespace

lib::RefPtr<Pipe> Pipe::create()
{
    auto pipe = lib::make_ref<Pipe>();
    if (!pipe)
        return nullptr;
    pipe->m_buffer = static_cast<uint8_t*>(lib::allocate(DEFAULT_CAPACITY));
    if (!pipe->m_buffer)
        return nullptr;
    pipe->inode = g_next_inode++;
    return pipe;
}

Pipe::~Pipe() { lib::deallocate(m_buffer); }

lib::ErrorOr<size_t> Pipe::read(void* buffer, size_t length)
{
    if (length == 0)
        return 0;
    if (m_used == 0)
        return has_writers() ? lib::ErrorOr<size_t>(EAGAIN) : lib::ErrorOr<size_t>(0);
    size_t count = length < m_used ? length : m_used;
    if (room() < ATOMIC_WRITE)
        ++writer_changes;
    for (size_t done = 0; done < count;) {
        size_t run = m_capacity - m_head;
        if (run > count - done)
            run = count - done;
        memcpy(static_cast<uint8_t*>(buffer) + done, m_buffer + m_head, run);
        m_head = (m_head + run) % m_capacity;
        done += run;
    }
    m_used -= count;
    notify_state_change();
    return count;
}

lib::ErrorOr<size_t> Pipe::write(const void* buffer, size_t length)
{
    if (!has_readers())
        return EPIPE;
    if (length == 0)
        return 0;
    size_t room = m_capacity - m_used;
    // Writes of up to PIPE_BUF bytes are atomic: all or nothing.
    if (room == 0 || (length <= ATOMIC_WRITE && room < length))
        return EAGAIN;
    size_t count = length < room ? length : room;
    size_t tail = (m_head + m_used) % m_capacity;
    for (size_t done = 0; done < count;) {
        size_t run = m_capacity - tail;
        if (run > count - done)
            run = count - done;
        memcpy(m_buffer + tail, static_cast<const uint8_t*>(buffer) + done, run);
        tail = (tail + run) % m_capacity;
        done += run;
    }
    m_used += count;
    ++reader_changes;
    notify_state_change();
    return count;
}

lib::ErrorOr<size_t> Pipe::set_capacity(size_t bytes)
{
    if (bytes > MAX_CAPACITY)
        return EPERM;
    size_t capacity = bytes < 4096 ? 4096 : (bytes + 4095) & ~size_t(4095);
    if (capacity < m_used)
        return EBUSY;
    auto* buffer = static_cast<uint8_t*>(lib::allocate(capacity));
    if (!buffer)
        return ENOMEM;
    size_t count = m_used;
    TRY(read(buffer, count));
    lib::deallocate(m_buffer);
    m_buffer = buffer;
    m_capacity = capacity;
    m_head = 0;
    m_used = count;
    return capacity;
}

PipeEnd::PipeEnd(lib::RefPtr<Pipe> pipe, bool reads, bool writes) : m_pipe(pipe), m_reads(reads), m_writes(writes) {}

PipeEnd::~PipeEnd() = default;

lib::ErrorOr<Attributes> PipeEnd::attributes()
{
    Attributes attributes {};
    attributes.device = PIPE_DEVICE;
    attributes.inode = m_pipe->inode;
    attributes.mode = TypeFifo | 0600;
    attributes.link_count = 1;
    attributes.block_size = 4096;
    return attributes;
}

lib::ErrorOr<size_t> PipeEnd::read(uint64_t, void* buffer, size_t length)
{
    if (!m_reads)
        return EBADF;
    return m_pipe->read(buffer, length);
}

lib::ErrorOr<size_t> PipeEnd::write(uint64_t, const void* buffer, size_t length)
{
    if (!m_writes)
        return EBADF;
    return m_pipe->write(buffer, length);
}

lib::ErrorOr<void> PipeEnd::open(uint32_t)
{
    m_pipe->writers += m_writes;
    m_pipe->readers += m_reads;
    m_pipe->writer_opens += m_writes;
    m_pipe->reader_opens += m_reads;
    m_pipe->reader_changes += m_writes;
    m_pipe->writer_changes += m_reads;
    notify_state_change();
    return {};
}

void PipeEnd::close()
{
    m_pipe->writers -= m_writes;
    m_pipe->readers -= m_reads;
    m_pipe->reader_changes += m_writes;
    m_pipe->writer_changes += m_reads;
    notify_state_change();
}

uint32_t PipeEnd::poll_events()
{
    constexpr uint32_t POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 16;
    uint32_t events = 0;
    // Writable once PIPE_BUF bytes fit; with no reader a write would fail at once.
    if (m_writes && (m_pipe->room() >= Pipe::ATOMIC_WRITE || !m_pipe->has_readers()))
        events |= POLLOUT;
    if (m_writes && !m_pipe->has_readers())
        events |= POLLERR;
    if (m_reads && m_pipe->available())
        events |= POLLIN;
    if (m_reads && !m_pipe->has_writers())
        events |= POLLHUP;
    return events;
}

uint64_t PipeEnd::state_changes(uint32_t events)
{
    constexpr uint32_t POLLIN = 1, POLLOUT = 4;
    return (m_reads && (events & POLLIN) ? m_pipe->reader_changes : 0) + (m_writes && (events & POLLOUT) ? m_pipe->writer_changes : 0);
}

FileSystem& PipeEnd::file_system() { return g_pipe_fs; }

lib::ErrorOr<PipePair> create_pipe()
{
    auto pipe = Pipe::create();
    if (!pipe)
        return ENOMEM;
    auto read_end = lib::make_ref<PipeEnd>(pipe, true, false);
    auto write_end = lib::make_ref<PipeEnd>(pipe, false, true);
    if (!read_end || !write_end)
        return ENOMEM;
    return PipePair { read_end, write_end };
}

PipeEnd* as_pipe_end(Vnode& vnode)
{
    if (&vnode.file_system() != &g_pipe_fs)
        return nullptr;
    return static_cast<PipeEnd*>(&vnode);
}

} // namespace vfs
