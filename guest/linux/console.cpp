// The console vnodes (see linux/console.h): reads and writes become Console hypercalls,
// staged in the bounce buffer. Reading stdin never blocks the VM: with no input ready the
// read says EAGAIN (the reading thread sleeps as on an empty pipe), and the kernel watches
// stdin — in the monitor's Wait when idle, every few ms otherwise — and announces input
// as a file state change.
#include <hv/hypercall.h>
#include <lib/errno_codes.h>
#include <linux/console.h>
#include <platform/platform.h>
#include <sched/scheduler.h>
#include <vfs/wait.h>

namespace linux {

namespace {

constexpr int64_t INPUT_POLL_INTERVAL = 10'000'000; // ns, while other threads keep running
constexpr uint32_t POLLIN = 1, POLLOUT = 4;

sched::Timer g_input_poll;

void input_arrived()
{
    hv::unwatch_event(uabi::EVENT_STDIN);
    sched::disarm(g_input_poll);
    vfs::notify_state_change();
}

void poll_input(sched::Timer& timer)
{
    if (!hv::watching_event(uabi::EVENT_STDIN))
        return;
    if (hv::wait(0, uabi::EVENT_STDIN))
        input_arrived();
    else
        sched::arm(timer, sched::now() + INPUT_POLL_INTERVAL);
}

// Idle, the scheduler waits in the monitor for input (hv::idle_wait); busy, a timer looks.
void watch_input()
{
    if (hv::watching_event(uabi::EVENT_STDIN))
        return;
    hv::watch_event(uabi::EVENT_STDIN, input_arrived);
    sched::set_idle_wait(hv::idle_wait);
    g_input_poll.fire = poll_input;
    sched::arm(g_input_poll, sched::now() + INPUT_POLL_INTERVAL);
}

class ConsoleFs final : public vfs::FileSystem {
public:
    lib::RefPtr<vfs::Vnode> root() override { return nullptr; }
    const char* name() const override { return "devpts"; }
    uint64_t magic() const override { return 0x1cd1; }
};

ConsoleFs g_console_fs;

class ConsoleVnode final : public vfs::Vnode {
public:
    explicit ConsoleVnode(int stream) : m_stream(stream) {}

    bool terminal() const { return hv::boot_info().flags & (uabi::BootStdinTty << m_stream); }

    lib::ErrorOr<vfs::Attributes> attributes() override
    {
        vfs::Attributes attributes {};
        attributes.device = terminal() ? 0x16 : 0xc;
        attributes.inode = 3 + static_cast<uint64_t>(m_stream);
        attributes.mode = terminal() ? (vfs::TypeCharacterDevice | 0620) : (vfs::TypeFifo | 0600);
        attributes.link_count = 1;
        attributes.rdev = terminal() ? 0x8800 : 0;
        attributes.block_size = 4096;
        return attributes;
    }

    lib::ErrorOr<size_t> read(uint64_t, void* buffer, size_t length) override
    {
        if (m_stream != 0)
            return EBADF;
        auto got = hv::console_read(buffer, length, true);
        if (got.is_error()) {
            if (got.error() == EAGAIN.code)
                watch_input();
            return lib::Error(got.error());
        }
        return static_cast<size_t>(got.value());
    }

    uint32_t poll_events() override
    {
        if (m_stream != 0)
            return POLLOUT;
        if (hv::wait(0, uabi::EVENT_STDIN))
            return POLLIN;
        watch_input();
        return 0;
    }

    lib::ErrorOr<size_t> write(uint64_t, const void* buffer, size_t length) override
    {
        if (m_stream == 0)
            return EBADF;
        int64_t written = TRY(hv::console_write(m_stream, buffer, length));
        return static_cast<size_t>(written);
    }

    vfs::FileSystem& file_system() override { return g_console_fs; }

private:
    int m_stream;
};

} // namespace

lib::RefPtr<vfs::Vnode> console_vnode(int stream) { return lib::make_ref<ConsoleVnode>(stream); }

bool is_console(vfs::Vnode& vnode) { return &vnode.file_system() == &g_console_fs; }

bool is_terminal(vfs::Vnode& vnode)
{
    if (&vnode.file_system() != &g_console_fs)
        return false;
    return static_cast<ConsoleVnode&>(vnode).terminal();
}

} // namespace linux
