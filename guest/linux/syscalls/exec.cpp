// execve: replaces the calling process's image. Everything that can fail for a reason the
// caller should hear (a missing file, no permission, not an executable, arguments too long)
// is checked before the old image is dropped; `#!` scripts run their interpreter.
#include <fs/devfs.h>
#include <kernel/layout.h>
#include <kernel/memory.h>
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <linux/elf.h>
#include <linux/exec.h>
#include <linux/program_image.h>
#include <linux/file_locks.h>
#include <linux/file_syscalls.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>

extern "C" size_t strlen(const char*);
extern "C" void* memcpy(void*, const void*, size_t);

namespace linux {

namespace {


// Past the point of no return: the process drops its old memory (or its share of a vfork
// parent's, moving to a host of its own) and gets a fresh, empty address space.
bool replace_memory(Process& process, Memory* fresh)
{
    Memory* memory = process.memory;
    if (memory->users > 1) {
        // The parent keeps the old host; this process continues in a copy of it.
        auto host = platform::fork_host(true);
        if (host.is_error()) {
            lib::destroy(fresh);
            return false;
        }
        --memory->users;
        fresh->host = host.value().new_host;
        fresh->users = 1;
        process.memory = fresh;
    } else {
        memory->space->release_all();
        lib::destroy(memory->space);
        lib::destroy(fresh);
    }
    platform::unmap_user_range();
    process.memory->space = make_address_space();
    for (Thread* thread = process.threads; thread; thread = thread->next_in_process)
        thread->host = process.memory->host;
    return true;
}

// What a new image inherits and what it does not (execve(2) "effects").
void reset_process_state(Process& process, Thread& self, const ProgramFile& file)
{
    for (Thread* thread = process.threads; thread;) {
        Thread* next = thread->next_in_process;
        if (thread != &self && thread->state != sched::TaskState::Dead)
            sched::kill(*thread);
        thread = next;
    }
    for (int fd = 0; fd <= process.files.highest_open(); ++fd) {
        if (process.files.close_on_exec(fd))
            (void)close_descriptor(process, fd);
    }
    for (int signal = 1; signal <= SIGNAL_COUNT; ++signal) {
        SignalAction& action = process.signal_actions[signal];
        if (action.handler != SIG_IGN)
            action = {};
        action.flags = action.mask = action.restorer = 0;
    }
    memcpy(process.executable, file.path, strlen(file.path) + 1);
    process.did_exec = true;
    process.credentials.program_executed();
    process.control.keep_capabilities = false;
    process.control.dumpable = true;
    self.name[0] = 0;
    self.alternate_stack[0] = 0;
    self.alternate_stack[1] = SS_DISABLE;
    self.alternate_stack[2] = 0;
    self.robust_list = 0;
    self.clear_child_tid = 0;
}

// The path execve starts from: `path` itself, or (execveat) made absolute from `dirfd`, or
// the file open at `dirfd` (AT_EMPTY_PATH with an empty path).
lib::ErrorOr<void> executable_path(int dirfd, UserAddress path_address, int flags, char (&path)[PATH_LENGTH_MAX])
{
    TRY(copy_string_from_user(path, sizeof(path), path_address));
    if (!path[0]) {
        if (!(flags & AT_EMPTY_PATH) || dirfd == AT_FDCWD)
            return ENOENT;
        auto file = TRY(file_for(static_cast<uint64_t>(static_cast<uint32_t>(dirfd))));
        if (file->vnode().is_directory())
            return EACCES;
        const char* open_path = file->path();
        if (strlen(open_path) >= sizeof(path))
            return ENAMETOOLONG;
        memcpy(path, open_path, strlen(open_path) + 1);
        return {};
    }
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        char base[PATH_LENGTH_MAX];
        TRY(base_directory(dirfd, base));
        char joined[PATH_LENGTH_MAX];
        TRY(absolute_path(joined, sizeof(joined), base, path));
        memcpy(path, joined, strlen(joined) + 1);
    }
    if (flags & AT_SYMLINK_NOFOLLOW) {
        vfs::WalkOptions options;
        options.follow_last_symlink = false;
        vfs::WalkResult walk;
        TRY(resolve_kernel_path(path, options, walk));
        if (walk.node && walk.node->type() == vfs::TypeSymlink)
            return ELOOP;
    }
    return {};
}

SyscallResult execute(int dirfd, UserAddress path_address, UserAddress argv, UserAddress envp, int flags)
{
    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return EINVAL;
    char path[PATH_LENGTH_MAX];
    TRY(executable_path(dirfd, path_address, flags, path));
    ImageArguments arguments;
    TRY(arguments.allocate());
    arguments.m_argc = TRY(arguments.copy_from(argv));
    arguments.m_envc = TRY(arguments.copy_from(envp));
    ProgramFile file = TRY(resolve_image(path, arguments));
    arguments.terminate_lists();
    uint8_t random[16]; // the load bias and AT_RANDOM, from /dev/urandom's generator
    fs::random_bytes(random, sizeof(random));
    Memory* fresh = lib::make<Memory>();
    if (!fresh)
        return ENOMEM;

    // The point of no return.
    Thread& self = current_thread();
    Process& process = *self.process;
    reset_process_state(process, self, file);
    note_peak_rss(process);
    if (!replace_memory(process, fresh)) {
        kill_process(process, SIGKILL); // no host process left for the new image
        return sched::BLOCKED;
    }
    process.vfork_done.wake_all(process.pid);
    LoadFailure failure {};
    auto start = process.address_space() ? load_image(process, file, arguments.view(), random, failure) : lib::ErrorOr<ProgramStart>(ENOMEM);
    if (start.is_error()) {
        kill_process(process, SIGKILL);
        return sched::BLOCKED;
    }
    kernel::TrapFrame& frame = sched::live_frame();
    kernel::TrapFrame fresh_frame {};
    fresh_frame.cs_gs_fs = frame.cs_gs_fs;
    fresh_frame.rflags = 0x202;
    fresh_frame.rip = start.value().entry;
    fresh_frame.rsp = start.value().stack_pointer;
    frame = fresh_frame;
    reset_extended_state(sched::live_extended_state());
    sched::set_thread_pointers(0, 0);
    return 0;
}

} // namespace

// int execve(const char *pathname, char *const argv[], char *const envp[]);
SyscallResult sys_execve(SyscallArguments& a) { return execute(AT_FDCWD, a[0], a[1], a[2], 0); }

// int execveat(int dirfd, const char *pathname, char *const argv[], char *const envp[], int flags);
SyscallResult sys_execveat(SyscallArguments& a) { return execute(static_cast<int>(a[0]), a[1], a[2], a[3], static_cast<int>(a[4])); }

} // namespace linux
