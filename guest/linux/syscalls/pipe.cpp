// pipe, pipe2, memfd_create, name_to_handle_at.
#include <fs/tmpfs.h>
#include <kernel/format.h>
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <vfs/pipe.h>

namespace linux {

// int pipe2(int pipefd[2], int flags);
SyscallResult sys_pipe2(SyscallArguments& a)
{
    uint32_t flags = static_cast<uint32_t>(a[1]);
    if (flags & ~(vfs::CloseOnExec | vfs::NonBlocking | vfs::Direct))
        return EINVAL;
    auto pair = TRY(vfs::create_pipe());
    auto reader = TRY(vfs::OpenFile::create(pair.read_end, vfs::ReadOnly | (flags & vfs::NonBlocking), "pipe:"));
    auto writer = TRY(vfs::OpenFile::create(pair.write_end, vfs::WriteOnly | (flags & vfs::NonBlocking), "pipe:"));
    FdTable& files = current_process().files;
    int read_fd = TRY(files.install(reader, 0, flags & vfs::CloseOnExec));
    auto write_fd = files.install(writer, 0, flags & vfs::CloseOnExec);
    if (write_fd.is_error()) {
        (void)files.close(read_fd);
        return lib::Error(write_fd.error());
    }
    int fds[2] = { read_fd, write_fd.value() };
    auto copied = copy_to_user(a[0], fds, sizeof(fds));
    if (copied.is_error()) {
        (void)files.close(fds[0]);
        (void)files.close(fds[1]);
        return EFAULT;
    }
    return 0;
}

// int pipe(int pipefd[2]);
SyscallResult sys_pipe(SyscallArguments& a)
{
    a.value[1] = 0;
    return sys_pipe2(a);
}

// int memfd_create(const char *name, unsigned int flags);
SyscallResult sys_memfd_create(SyscallArguments& a)
{
    constexpr uint64_t MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10;
    if (a[1] & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC))
        return EINVAL;
    char name[250];
    TRY(copy_string_from_user(name, sizeof(name), a[0]));
    // Each memfd is an unlinked file of a tmpfs nobody can reach by path.
    static lib::RefPtr<fs::TmpFs> memfd_fs;
    static uint64_t counter;
    if (!memfd_fs)
        memfd_fs = fs::TmpFs::create(0, 0x1);
    if (!memfd_fs)
        return ENOMEM;
    char entry[32];
    kernel::format(entry, sizeof(entry), "memfd-%lu", counter++);
    auto root = memfd_fs->root();
    auto node = TRY(root->create(lib::StringView(entry), vfs::TypeRegular | 0777));
    TRY(root->unlink(lib::StringView(entry)));
    char path[vfs::NAME_LENGTH_MAX + 32];
    kernel::format(path, sizeof(path), "/memfd:%s (deleted)", name);
    auto file = TRY(vfs::OpenFile::create(node, vfs::ReadWrite, path));
    return TRY(current_process().files.install(file, 0, a[1] & MFD_CLOEXEC));
}

// int name_to_handle_at(int dirfd, const char *pathname, struct file_handle *handle, int *mount_id, int flags);
SyscallResult sys_name_to_handle_at(SyscallArguments&) { return EOPNOTSUPP; }

} // namespace linux
