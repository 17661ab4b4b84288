// Pipes: a 64 KiB ring buffer with a read end and a write end, each a vnode that open file
// descriptions hold. Named pipes (FIFOs) share one Pipe among everyone who opens them.
// An operation that would block returns EAGAIN; the syscall layer sleeps on it unless the file
// is O_NONBLOCK, and every change that may end such a wait is announced through vfs/wait.h.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <vfs/vnode.h>

namespace vfs {

class Pipe : public lib::RefCountedBase {
public:
    static constexpr size_t DEFAULT_CAPACITY = 65536;
    static constexpr size_t MAX_CAPACITY = 1048576; // /proc/sys/fs/pipe-max-size
    static constexpr size_t ATOMIC_WRITE = 4096;    // PIPE_BUF

    static lib::RefPtr<Pipe> create();
    ~Pipe();

    // EAGAIN when empty while someone can still write.
    lib::ErrorOr<size_t> read(void* buffer, size_t length);
    // EPIPE when nobody can read (the caller raises SIGPIPE); EAGAIN when full, or when a
    // write of up to PIPE_BUF bytes does not fit whole.
    lib::ErrorOr<size_t> write(const void* buffer, size_t length);
    size_t available() const { return m_used; }
    size_t capacity() const { return m_capacity; }
    size_t room() const { return m_capacity - m_used; }
    // Someone can read or write: an open end, or a FIFO opener waiting for the other side
    // (which will be open by the time it runs again).
    bool has_readers() const { return readers || waiting_readers; }
    bool has_writers() const { return writers || waiting_writers; }
    // F_SETPIPE_SZ: at least a page, rounded up to pages; EBUSY if the data would not fit.
    lib::ErrorOr<size_t> set_capacity(size_t bytes);

    uint32_t readers { 0 };
    uint32_t writers { 0 };
    // For FIFO opens, which wait for the other side: how many times each side has opened,
    // and how many openers are waiting (they count as present for the other side).
    uint64_t reader_opens { 0 };
    uint64_t writer_opens { 0 };
    uint32_t waiting_readers { 0 };
    uint32_t waiting_writers { 0 };
    uint64_t inode { 0 };
    // Changes that concern each side, for edge-triggered epoll (Vnode::state_changes): for
    // readers every write and writer coming or going, for writers every read that makes room
    // in a full pipe and every reader coming or going, as Linux's pipe wakeups.
    uint64_t reader_changes { 0 };
    uint64_t writer_changes { 0 };

private:
    uint8_t* m_buffer { nullptr };
    size_t m_capacity { DEFAULT_CAPACITY };
    size_t m_head { 0 }; // next byte to read
    size_t m_used { 0 };
};

// The vnode of one end of a pipe. For anonymous pipes (pipe2) each end has its own; a FIFO
// hands one out per open(), reading, writing or (O_RDWR) both.
class PipeEnd final : public Vnode {
public:
    PipeEnd(lib::RefPtr<Pipe>, bool reads, bool writes);
    ~PipeEnd() override;

    lib::ErrorOr<Attributes> attributes() override;
    lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length) override;
    lib::ErrorOr<size_t> write(uint64_t offset, const void* buffer, size_t length) override;
    lib::ErrorOr<void> open(uint32_t flags) override;
    void close() override;
    uint32_t poll_events() override;
    uint64_t state_changes(uint32_t events) override;
    lib::ErrorOr<int64_t> readable_bytes() override { return static_cast<int64_t>(m_pipe->available()); }
    FileSystem& file_system() override;

    Pipe& pipe() { return *m_pipe; }

private:
    lib::RefPtr<Pipe> m_pipe;
    bool m_reads;
    bool m_writes;
};

// Both ends of a new anonymous pipe.
struct PipePair {
    lib::RefPtr<PipeEnd> read_end;
    lib::RefPtr<PipeEnd> write_end;
};
lib::ErrorOr<PipePair> create_pipe();

// The pipe end behind a vnode, or nullptr when it is not one (F_GETPIPE_SZ and friends).
PipeEnd* as_pipe_end(Vnode&);

} // namespace vfs
