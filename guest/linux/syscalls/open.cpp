// open, openat, openat2, creat, close, close_range, dup, dup2, dup3, fcntl.
#include <linux/fifo.h>
#include <linux/file_locks.h>
#include <linux/file_syscalls.h>
#include <linux/io_wait.h>
#include <linux/process.h>
#include <kernel/format.h>
#include <linux/console.h>
#include <linux/syscalls.h>
#include <vfs/file_locks.h>
#include <vfs/pipe.h>

namespace linux {

namespace {

using namespace vfs;

constexpr int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_SETLK = 6, F_SETLKW = 7, F_GETLK = 5;
constexpr int F_SETOWN = 8, F_GETOWN = 9, F_DUPFD_CLOEXEC = 1030, F_GETPIPE_SZ = 1032, F_SETPIPE_SZ = 1031;
constexpr int F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
constexpr uint32_t VALID_OPEN_FLAGS = 037777777;
constexpr uint64_t CLOSE_RANGE_CLOEXEC = 4, CLOSE_RANGE_UNSHARE = 2;
constexpr int16_t SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

// struct flock as x86-64 Linux lays it out (F_GETLK64 and friends are the same commands).
struct Flock {
    int16_t type;
    int16_t whence;
    int64_t start;
    int64_t length;
    int32_t pid;
};
static_assert(sizeof(Flock) == 32 && __builtin_offsetof(Flock, start) == 8 && __builtin_offsetof(Flock, pid) == 24);

lib::ErrorOr<lib::RefPtr<Vnode>> create_or_find(int dirfd, UserAddress user_path, uint32_t flags, uint32_t mode, WalkResult& walk)
{
    WalkOptions options;
    options.want_parent = true;
    options.follow_last_symlink = !(flags & Exclusive) && !(flags & NoFollow);
    TRY(resolve(dirfd, user_path, options, walk));
    if (walk.node) {
        if (flags & Exclusive)
            return EEXIST;
        if (walk.node->is_directory())
            return EISDIR;
        if (walk.node->type() == TypeSymlink)
            return ELOOP; // O_NOFOLLOW
        return walk.node;
    }
    if (walk.trailing_slash)
        return EISDIR;
    auto node = TRY(walk.parent->create(lib::StringView(walk.name), (mode & 07777 & ~current_process().umask) | TypeRegular));
    forget_entries_of(*walk.parent);
    return node;
}

// O_TMPFILE: an unnamed regular file in the given directory, made as a hidden name that is
// unlinked at once (the open description keeps the file).
SyscallResult open_temporary(int dirfd, UserAddress user_path, uint32_t flags, uint32_t mode)
{
    uint32_t access = flags & AccessMode;
    if (access != WriteOnly && access != ReadWrite)
        return EINVAL;
    WalkResult walk;
    TRY(resolve(dirfd, user_path, WalkOptions {}, walk));
    lib::RefPtr<Vnode> directory = walk.node;
    if (!directory->is_directory())
        return ENOTDIR;
    static uint64_t counter;
    char name[40];
    kernel::format(name, sizeof(name), ".unikit-tmpfile-%lu", counter++);
    auto node = TRY(directory->create(lib::StringView(name), (mode & 07777 & ~current_process().umask) | TypeRegular));
    TRY(directory->unlink(lib::StringView(name)));
    char path[PATH_LENGTH_MAX + 40];
    kernel::format(path, sizeof(path), "%s/#%lu (deleted)", walk.canonical, counter);
    auto file = TRY(OpenFile::create(node, flags & ~TemporaryFile, path));
    return TRY(current_process().files.install(file, 0, flags & CloseOnExec));
}

SyscallResult open_path(int dirfd, UserAddress user_path, uint32_t flags, uint32_t mode)
{
    if (flags & ~VALID_OPEN_FLAGS)
        return EINVAL;
    if ((flags & Create) && (flags & Directory) && (flags & TemporaryFile) != TemporaryFile)
        return EINVAL; // since Linux 6.4
    if ((flags & TemporaryFile) == TemporaryFile)
        return open_temporary(dirfd, user_path, flags, mode);
    WalkResult walk;
    lib::RefPtr<Vnode> node;
    if (flags & Path) {
        flags &= Path | Directory | NoFollow | CloseOnExec;
        WalkOptions options;
        options.follow_last_symlink = !(flags & NoFollow);
        TRY(resolve(dirfd, user_path, options, walk));
        node = walk.node;
    } else if (flags & Create) {
        node = TRY(create_or_find(dirfd, user_path, flags, mode, walk));
    } else {
        WalkOptions options;
        options.follow_last_symlink = !(flags & NoFollow);
        TRY(resolve(dirfd, user_path, options, walk));
        node = walk.node;
        if (node->type() == TypeSymlink) {
            return (flags & Directory) ? ENOTDIR : ELOOP; // O_NOFOLLOW on a symlink
        }
    }
    bool read_only_mount = walk.mount && walk.mount->read_only;
    uint32_t type = node->type();
    if ((flags & Directory) && type != TypeDirectory)
        return ENOTDIR;
    uint32_t access = flags & AccessMode;
    if (read_only_mount && !(flags & Path) && (access != ReadOnly || (flags & Truncate)) && type != TypeFifo
        && type != TypeCharacterDevice && type != TypeSocket)
        return EROFS;
    if (!(flags & Path)) {
        if (type == TypeDirectory && (access != ReadOnly || (flags & Truncate)))
            return EISDIR;
        // A named pipe in a file system; not an end of an existing pipe, nor the console
        // (which says it is a pipe when the monitor's stream is one).
        if (type == TypeFifo && !as_pipe_end(*node) && !is_console(*node))
            node = TRY(open_fifo(node, flags));
        if ((flags & Truncate) && type == TypeRegular && access != ReadOnly) {
            AttributeChange change {};
            change.which = AttributeChange::Size;
            TRY(node->set_attributes(change));
        }
    }
    auto file = TRY(OpenFile::create(node, flags, walk.canonical));
    return TRY(current_process().files.install(file, 0, flags & CloseOnExec));
}

SyscallResult duplicate(uint64_t old_fd, int minimum, bool close_on_exec)
{
    auto file = TRY(file_for(old_fd));
    return TRY(current_process().files.install(file, minimum, close_on_exec));
}

SyscallResult duplicate_to(uint64_t old_fd, uint64_t new_fd, bool close_on_exec)
{
    auto file = TRY(file_for(old_fd));
    if (new_fd >= static_cast<uint64_t>(FdTable::MAX_FDS))
        return EBADF;
    if (old_fd == new_fd)
        return static_cast<int64_t>(new_fd);
    Process& process = current_process();
    auto replaced = process.files.get(static_cast<int>(new_fd));
    TRY(process.files.install_at(static_cast<int>(new_fd), file, close_on_exec));
    if (replaced) // closed, as far as record locks go
        release_process_locks(process.pid, replaced->vnode());
    return static_cast<int64_t>(new_fd);
}

// The bytes a struct flock names, as Linux's flock64_to_posix_lock computes them: from
// l_whence's base plus l_start, l_len bytes on (0: to the end, however far the file grows;
// negative: the bytes before).
lib::ErrorOr<RecordLock> record_lock_from(OpenFile& file, const Flock& request, int pid)
{
    int64_t base;
    switch (request.whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = static_cast<int64_t>(file.offset());
        break;
    case SEEK_END:
        base = TRY(file.vnode().attributes()).size;
        break;
    default:
        return EINVAL;
    }
    if (request.start > LOCK_TO_END - base)
        return EOVERFLOW;
    RecordLock lock;
    lock.pid = pid;
    lock.start = base + request.start;
    if (lock.start < 0)
        return EINVAL;
    if (request.length > 0) {
        if (request.length - 1 > LOCK_TO_END - lock.start)
            return EOVERFLOW;
        lock.end = lock.start + (request.length - 1);
    } else if (request.length < 0) {
        if (lock.start + request.length < 0)
            return EINVAL;
        lock.end = lock.start - 1;
        lock.start += request.length;
    } else {
        lock.end = LOCK_TO_END;
    }
    if (request.type < 0 || request.type > static_cast<int16_t>(LockType::Unlock))
        return EINVAL;
    lock.type = static_cast<LockType>(request.type);
    return lock;
}

// Whose lock an fcntl command takes or tests: the process's, or (F_OFD_*) the description's.
LockOwner lock_owner(OpenFile& file, bool description)
{
    return description ? LockOwner::description(file) : LockOwner::process(current_process().pid);
}

// F_GETLK, F_OFD_GETLK: the first lock that would stop the one described, or l_type F_UNLCK
// (the rest left as it was).
SyscallResult fcntl_get_lock(OpenFile& file, UserAddress address, bool description)
{
    auto request = TRY(read_user<Flock>(address));
    if (request.type != static_cast<int16_t>(LockType::Read) && request.type != static_cast<int16_t>(LockType::Write))
        return EINVAL;
    RecordLock wanted = TRY(record_lock_from(file, request, 0));
    if (description && request.pid != 0)
        return EINVAL;
    RecordLock holder = find_conflicting_record_lock(file.vnode(), lock_owner(file, description), wanted);
    request.type = static_cast<int16_t>(holder.type);
    if (holder.type != LockType::Unlock) {
        request.whence = SEEK_SET;
        request.start = holder.start;
        request.length = holder.end == LOCK_TO_END ? 0 : holder.end - holder.start + 1;
        request.pid = holder.pid;
    }
    TRY(write_user(address, request));
    return 0;
}

// A signal ended an F_SETLKW wait: the deadlock check must not count it any more.
void forget_lock_wait(sched::Task& task) { forget_record_lock_wait(static_cast<Thread&>(task).process->pid); }

// F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW. A waiting call sleeps until some file changes
// state (every lock release announces one) and then runs again; a signal ends it with EINTR,
// or runs it again under SA_RESTART, as Linux's ERESTARTSYS does.
SyscallResult fcntl_set_lock(OpenFile& file, UserAddress address, bool description, bool wait)
{
    auto request = TRY(read_user<Flock>(address));
    Process& process = current_process();
    RecordLock lock = TRY(record_lock_from(file, request, description ? -1 : process.pid));
    if ((lock.type == LockType::Read && !file.can_read()) || (lock.type == LockType::Write && !file.can_write()))
        return EBADF;
    if (description && request.pid != 0)
        return EINVAL;
    auto result = vfs::set_record_lock(file.vnode(), lock_owner(file, description), lock, wait);
    if (!result.is_error())
        return 0;
    if (!wait || result.error() != EAGAIN.code)
        return lib::Error(result.error());
    lib::Error blocked = wait_for_state_change();
    if (!description)
        current_thread().on_interrupt = forget_lock_wait;
    return blocked;
}

} // namespace

// int open(const char *pathname, int flags, mode_t mode);
SyscallResult sys_open(SyscallArguments& a) { return open_path(AT_FDCWD, a[0], static_cast<uint32_t>(a[1]), static_cast<uint32_t>(a[2])); }

// int openat(int dirfd, const char *pathname, int flags, mode_t mode);
SyscallResult sys_openat(SyscallArguments& a) { return open_path(static_cast<int>(a[0]), a[1], static_cast<uint32_t>(a[2]), static_cast<uint32_t>(a[3])); }

// int creat(const char *pathname, mode_t mode);
SyscallResult sys_creat(SyscallArguments& a) { return open_path(AT_FDCWD, a[0], Create | WriteOnly | Truncate, static_cast<uint32_t>(a[1])); }

// long openat2(int dirfd, const char *pathname, struct open_how *how, size_t size);
SyscallResult sys_openat2(SyscallArguments& a)
{
    struct OpenHow {
        uint64_t flags, mode, resolve;
    };
    if (a[3] < sizeof(OpenHow))
        return EINVAL;
    auto how = TRY(read_user<OpenHow>(a[2]));
    if (how.flags >> 32 || how.mode >> 12 || (how.mode && !(how.flags & (Create | TemporaryFile))))
        return EINVAL;
    // FIXME: RESOLVE_* restrictions are accepted, not enforced.
    return open_path(static_cast<int>(a[0]), a[1], static_cast<uint32_t>(how.flags), static_cast<uint32_t>(how.mode));
}

lib::ErrorOr<void> close_descriptor(Process& process, int fd)
{
    auto file = process.files.get(fd);
    if (!file)
        return EBADF;
    release_process_locks(process.pid, file->vnode());
    return process.files.close(fd);
}

// int close(int fd);
SyscallResult sys_close(SyscallArguments& a)
{
    TRY(close_descriptor(current_process(), static_cast<int>(a[0])));
    return 0;
}

// int close_range(unsigned int first, unsigned int last, unsigned int flags);
SyscallResult sys_close_range(SyscallArguments& a)
{
    uint64_t first = static_cast<uint32_t>(a[0]), last = static_cast<uint32_t>(a[1]);
    if (first > last || (a[2] & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)))
        return EINVAL;
    Process& process = current_process();
    FdTable& files = process.files;
    for (uint64_t fd = first; fd <= last && fd < static_cast<uint64_t>(FdTable::MAX_FDS); ++fd) {
        if (!files.get(static_cast<int>(fd)))
            continue;
        if (a[2] & CLOSE_RANGE_CLOEXEC)
            files.set_close_on_exec(static_cast<int>(fd), true);
        else
            (void)close_descriptor(process, static_cast<int>(fd));
    }
    return 0;
}

// int dup(int oldfd);
SyscallResult sys_dup(SyscallArguments& a) { return duplicate(a[0], 0, false); }

// int dup2(int oldfd, int newfd);
SyscallResult sys_dup2(SyscallArguments& a) { return duplicate_to(a[0], a[1], false); }

// int dup3(int oldfd, int newfd, int flags);
SyscallResult sys_dup3(SyscallArguments& a)
{
    if (a[0] == a[1] || (a[2] & ~static_cast<uint64_t>(CloseOnExec)))
        return EINVAL;
    return duplicate_to(a[0], a[1], a[2] & CloseOnExec);
}

// int fcntl(int fd, int cmd, ... /* arg */ );
SyscallResult sys_fcntl(SyscallArguments& a)
{
    Process& process = current_process();
    int fd = static_cast<int>(a[0]);
    auto file = TRY(file_for(a[0]));
    switch (static_cast<int>(a[1])) {
    case F_DUPFD:
        return duplicate(a[0], static_cast<int>(a[2]), false);
    case F_DUPFD_CLOEXEC:
        return duplicate(a[0], static_cast<int>(a[2]), true);
    case F_GETFD:
        return process.files.close_on_exec(fd) ? 1 : 0;
    case F_SETFD:
        process.files.set_close_on_exec(fd, a[2] & 1);
        return 0;
    case F_GETFL:
        return file->flags() | LargeFile;
    case F_SETFL:
        file->set_status_flags(static_cast<uint32_t>(a[2]));
        return 0;
    case F_GETLK:
    case F_OFD_GETLK:
        if (file->flags() & Path)
            return EBADF;
        return fcntl_get_lock(*file, a[2], static_cast<int>(a[1]) == F_OFD_GETLK);
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
        if (file->flags() & Path)
            return EBADF;
        int command = static_cast<int>(a[1]);
        return fcntl_set_lock(*file, a[2], command == F_OFD_SETLK || command == F_OFD_SETLKW,
            command == F_SETLKW || command == F_OFD_SETLKW);
    }
    case F_GETOWN:
        return 0;
    case F_SETOWN:
        return 0;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ: {
        PipeEnd* end = as_pipe_end(file->vnode());
        if (!end)
            return EBADF;
        if (static_cast<int>(a[1]) == F_GETPIPE_SZ)
            return static_cast<int64_t>(end->pipe().capacity());
        return static_cast<int64_t>(TRY(end->pipe().set_capacity(a[2])));
    }
    case F_GET_SEALS:
    case F_ADD_SEALS:
        return EINVAL;
    default:
        return EINVAL;
    }
}

} // namespace linux
