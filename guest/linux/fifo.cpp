// Named pipes (see linux/fifo.h). As on Linux, opening one end waits until the other end is
// open too: a reader waits for a writer and a writer for a reader, unless O_NONBLOCK (a reader
// then goes on alone; a writer fails with ENXIO while no reader exists) or O_RDWR.
#include <lib/errno_codes.h>
#include <linux/fifo.h>
#include <linux/io_wait.h>
#include <vfs/open_file.h>
#include <vfs/pipe.h>
#include <vfs/wait.h>

namespace linux {

namespace {

struct FifoBinding {
    const vfs::Vnode* fifo;
    lib::RefPtr<vfs::Vnode> keep_alive;
    lib::RefPtr<vfs::Pipe> pipe;
};

constexpr size_t MAX_FIFOS = 64;
FifoBinding g_fifos[MAX_FIFOS];

bool unused(const vfs::Pipe& pipe)
{
    return pipe.readers == 0 && pipe.writers == 0 && pipe.waiting_readers == 0 && pipe.waiting_writers == 0;
}

lib::ErrorOr<lib::RefPtr<vfs::Pipe>> pipe_of(lib::RefPtr<vfs::Vnode> fifo)
{
    FifoBinding* free_slot = nullptr;
    for (auto& binding : g_fifos) {
        if (binding.fifo == fifo.ptr())
            return binding.pipe;
        // A binding nobody has open any more can be reused.
        if (!free_slot && (!binding.fifo || unused(*binding.pipe)))
            free_slot = &binding;
    }
    if (!free_slot)
        return ENFILE;
    auto pipe = vfs::Pipe::create();
    if (!pipe)
        return ENOMEM;
    *free_slot = { fifo.ptr(), fifo, pipe };
    return pipe;
}

// A thread waiting in open for the other end. Its open runs again each time a file changes
// state, so what it saw the first time is kept here.
struct Opener {
    const sched::Task* task;
    vfs::Pipe* pipe;
    bool reading;
    uint64_t other_opens_seen; // the other side's open count when it began to wait
};

constexpr size_t MAX_OPENERS = 64;
Opener g_openers[MAX_OPENERS];

void forget(Opener& opener)
{
    (opener.reading ? opener.pipe->waiting_readers : opener.pipe->waiting_writers) -= 1;
    opener = {};
}

// Drops the records of openers that no longer wait (their open ended with EINTR): neither
// asleep nor woken to run their open again.
void forget_stale_openers(const sched::Task& current)
{
    for (auto& opener : g_openers)
        if (opener.task && opener.task != &current && !is_waiting_for_state_change(*opener.task) && !opener.task->restarted)
            forget(opener);
}

// Whether the open can go on; otherwise the current thread waits (BLOCKED).
lib::ErrorOr<void> wait_for_other_end(vfs::Pipe& pipe, bool reading)
{
    sched::Task& task = sched::current();
    forget_stale_openers(task);
    Opener* mine = nullptr;
    Opener* free_slot = nullptr;
    for (auto& opener : g_openers) {
        if (opener.task == &task)
            mine = &opener;
        else if (!opener.task && !free_slot)
            free_slot = &opener;
    }
    // A fresh open (not the same one running again) starts over.
    if (mine && (!task.restarted || mine->pipe != &pipe || mine->reading != reading)) {
        forget(*mine);
        free_slot = mine;
        mine = nullptr;
    }
    uint64_t other_opens = reading ? pipe.writer_opens : pipe.reader_opens;
    uint32_t other_present = reading ? pipe.writers + pipe.waiting_writers : pipe.readers + pipe.waiting_readers;
    if (other_present || (mine && mine->other_opens_seen != other_opens)) {
        if (mine)
            forget(*mine);
        return {};
    }
    if (!mine) {
        if (!free_slot)
            return ENFILE; // FIXME: more openers waiting at once than we track
        *free_slot = { &task, &pipe, reading, other_opens };
        (reading ? pipe.waiting_readers : pipe.waiting_writers) += 1;
        vfs::notify_state_change(); // a waiting opener counts as present for the other side
    }
    return wait_for_state_change();
}

} // namespace

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> open_fifo(lib::RefPtr<vfs::Vnode> fifo, uint32_t flags)
{
    auto pipe = TRY(pipe_of(fifo));
    uint32_t access = flags & vfs::AccessMode;
    bool non_blocking = flags & vfs::NonBlocking;
    if (access == vfs::WriteOnly && non_blocking && pipe->readers == 0 && pipe->waiting_readers == 0)
        return ENXIO;
    if ((access == vfs::ReadOnly || access == vfs::WriteOnly) && !non_blocking)
        TRY(wait_for_other_end(*pipe, access == vfs::ReadOnly));
    auto end = lib::make_ref<vfs::PipeEnd>(pipe, access != vfs::WriteOnly, access != vfs::ReadOnly);
    if (!end)
        return ENOMEM;
    return lib::RefPtr<vfs::Vnode>(end);
}

} // namespace linux
