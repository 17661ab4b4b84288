// Named pipes (see linux/fifo.h). FIXME: opening blocks until the other side opens on Linux;
// here it never blocks (no scheduler yet), and a write-only open with O_NONBLOCK and no
// reader gives ENXIO as Linux does.
#include <lib/errno_codes.h>
#include <linux/fifo.h>
#include <vfs/open_file.h>
#include <vfs/pipe.h>

namespace linux {

namespace {

struct FifoBinding {
    const vfs::Vnode* fifo;
    lib::RefPtr<vfs::Vnode> keep_alive;
    lib::RefPtr<vfs::Pipe> pipe;
};

constexpr size_t MAX_FIFOS = 64;
FifoBinding g_fifos[MAX_FIFOS];

lib::ErrorOr<lib::RefPtr<vfs::Pipe>> pipe_of(lib::RefPtr<vfs::Vnode> fifo)
{
    FifoBinding* free_slot = nullptr;
    for (auto& binding : g_fifos) {
        if (binding.fifo == fifo.ptr())
            return binding.pipe;
        // A binding nobody has open any more can be reused.
        if (!free_slot && (!binding.fifo || (binding.pipe->readers == 0 && binding.pipe->writers == 0)))
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

} // namespace

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> open_fifo(lib::RefPtr<vfs::Vnode> fifo, uint32_t flags)
{
    auto pipe = TRY(pipe_of(fifo));
    uint32_t access = flags & vfs::AccessMode;
    if (access == vfs::WriteOnly && (flags & vfs::NonBlocking) && pipe->readers == 0)
        return ENXIO;
    auto end = lib::make_ref<vfs::PipeEnd>(pipe, access != vfs::WriteOnly, access != vfs::ReadOnly);
    if (!end)
        return ENOMEM;
    return lib::RefPtr<vfs::Vnode>(end);
}

} // namespace linux
