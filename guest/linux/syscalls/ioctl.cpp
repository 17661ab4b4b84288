// ioctl: the terminal requests programs ask on their standard streams, FIONREAD, FIONBIO,
// FIOASYNC, FIOCLEX and FIONCLEX.
#include <linux/console.h>
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/syscalls.h>

namespace linux {

namespace {

constexpr uint64_t TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404;
constexpr uint64_t TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;
constexpr uint64_t FIONREAD = 0x541b, FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452;

struct Termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line, cc[19];
};

// A cooked terminal: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD, ISIG|ICANON|ECHO|ECHOE|...
Termios g_termios { 0x500, 0x5, 0xbf, 0x8a3b, 0, { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0 } };
uint16_t g_window[4] = { 24, 80, 0, 0 }; // FIXME: the monitor's real window size

} // namespace

// int ioctl(int fd, unsigned long request, ...);
SyscallResult sys_ioctl(SyscallArguments& a)
{
    int fd = static_cast<int>(a[0]);
    auto file = TRY(file_for(a[0]));
    switch (a[1]) {
    case FIOCLEX:
    case FIONCLEX:
        current_process().files.set_close_on_exec(fd, a[1] == FIOCLEX);
        return 0;
    case FIONBIO:
    case FIOASYNC: {
        // The same as F_SETFL with O_NONBLOCK or O_ASYNC (nginx sets both on its channels).
        int enable = TRY(read_user<int>(a[2]));
        uint32_t flag = a[1] == FIONBIO ? vfs::NonBlocking : vfs::Async;
        file->set_status_flags(enable ? (file->flags() | flag) : (file->flags() & ~flag));
        return 0;
    }
    case FIONREAD: {
        vfs::Vnode& vnode = file->vnode();
        int64_t available;
        if (vnode.type() == vfs::TypeRegular) {
            auto attributes = TRY(vnode.attributes());
            available = attributes.size > static_cast<int64_t>(file->offset()) ? attributes.size - static_cast<int64_t>(file->offset()) : 0;
        } else if (vnode.is_directory()) {
            return ENOTTY;
        } else {
            available = TRY(vnode.readable_bytes());
        }
        TRY(write_user(a[2], static_cast<int>(available)));
        return 0;
    }
    default:
        break;
    }
    if (!is_terminal(file->vnode()))
        return ENOTTY;
    switch (a[1]) {
    case TCGETS:
        TRY(write_user(a[2], g_termios));
        return 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        g_termios = TRY(read_user<Termios>(a[2]));
        return 0;
    case TIOCGWINSZ:
        TRY(copy_to_user(a[2], g_window, sizeof(g_window)));
        return 0;
    case TIOCSWINSZ:
        TRY(copy_from_user(g_window, a[2], sizeof(g_window)));
        return 0;
    case TIOCGPGRP:
        TRY(write_user(a[2], 1));
        return 0;
    case TIOCSPGRP:
        return 0;
    default:
        return ENOTTY;
    }
}

} // namespace linux
