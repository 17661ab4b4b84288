// execve: replaces the calling process's image. Everything that can fail for a reason the
// caller should hear (a missing file, no permission, not an executable, arguments too long)
// is checked before the old image is dropped; `#!` scripts run their interpreter.
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <kernel/memory.h>
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <linux/elf.h>
#include <linux/exec.h>
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

constexpr size_t ARGUMENT_BYTES_MAX = 256 * 1024 - 4096; // what fits the stack's argument area
constexpr size_t ARGUMENT_COUNT_MAX = ARGUMENT_BYTES_MAX / 8;
constexpr size_t STRING_MAX = 32 * 4096;                 // MAX_ARG_STRLEN
constexpr int INTERPRETER_DEPTH_MAX = 4;                  // as Linux's binfmt recursion
constexpr size_t SHEBANG_MAX = 256;                       // BINPRM_BUF_SIZE
constexpr uint32_t S_IFMT = 0170000, S_IFREG = 0100000, S_IFDIR = 0040000;

// The new image's arguments and environment, copied out of the old image: strings packed in
// one buffer, and one pointer array holding argv (with room in front for an interpreter's
// words), then envp.
// The buffers live as long as the kernel: one execve runs at a time (the kernel is
// single-threaded and an execve never blocks), and allocating 512 KiB afresh at every execve
// cost more than the rest of it.
class Arguments {
public:
    lib::ErrorOr<void> allocate()
    {
        static char* bytes;
        static const char** pointers;
        if (!bytes)
            bytes = static_cast<char*>(lib::allocate(ARGUMENT_BYTES_MAX));
        if (!pointers)
            pointers = static_cast<const char**>(lib::allocate((ARGUMENT_COUNT_MAX + 2) * sizeof(char*)));
        if (!bytes || !pointers)
            return ENOMEM;
        m_bytes = bytes;
        m_pointers = pointers;
        return {};
    }
    // Copies the NULL-terminated array of strings at `array` (NULL: none) to the end.
    lib::ErrorOr<size_t> copy_from(UserAddress array)
    {
        size_t count = 0;
        for (; array; ++count) {
            uint64_t string = TRY(read_user<uint64_t>(array + 8 * count));
            if (!string)
                break;
            size_t room = ARGUMENT_BYTES_MAX - m_used;
            int64_t length = user_string_length(reinterpret_cast<const char*>(string), room < STRING_MAX ? room : STRING_MAX);
            if (length < 0 || string >= kernel::USER_END)
                return EFAULT;
            if (static_cast<size_t>(length) >= room || static_cast<size_t>(length) >= STRING_MAX)
                return E2BIG;
            TRY(copy_from_user(m_bytes + m_used, string, static_cast<size_t>(length)));
            m_bytes[m_used + static_cast<size_t>(length)] = 0;
            TRY(push(m_bytes + m_used));
            m_used += static_cast<size_t>(length) + 1;
        }
        return count;
    }
    // Copies a kernel string in (an interpreter's words).
    lib::ErrorOr<const char*> keep(const char* string)
    {
        size_t length = strlen(string);
        if (length + 1 > ARGUMENT_BYTES_MAX - m_used)
            return E2BIG;
        char* kept = m_bytes + m_used;
        memcpy(kept, string, length + 1);
        m_used += length + 1;
        return kept;
    }
    lib::ErrorOr<void> push(const char* string)
    {
        if (m_count == ARGUMENT_COUNT_MAX)
            return E2BIG;
        m_pointers[m_count++] = string;
        return {};
    }
    // Replaces argv[0] with `words` (interpreter, optional argument, script path).
    lib::ErrorOr<void> replace_first_argument(const char* const* words, size_t count)
    {
        size_t shift = count - 1;
        if (m_count + shift + 1 > ARGUMENT_COUNT_MAX)
            return E2BIG;
        if (!m_argc) { // no argv at all: the script path becomes argv[1]
            for (size_t i = m_count; i > 0; --i)
                m_pointers[i] = m_pointers[i - 1];
            ++m_count;
            ++m_argc;
        }
        for (size_t i = m_count; i > 1; --i)
            m_pointers[i - 1 + shift] = m_pointers[i - 1];
        for (size_t i = 0; i < count; ++i)
            m_pointers[i] = words[i];
        m_count += shift;
        m_argc += shift;
        return {};
    }
    size_t m_argc { 0 };
    size_t m_envc { 0 };
    ProgramArguments view() const { return { m_pointers, m_argc, m_pointers + m_argc + 1, m_envc }; }
    void terminate_lists()
    {
        // argv, NULL, envp, NULL
        for (size_t i = m_count; i > m_argc; --i)
            m_pointers[i] = m_pointers[i - 1];
        m_pointers[m_argc] = nullptr;
        m_pointers[m_count + 1] = nullptr;
    }

private:
    char* m_bytes { nullptr };
    const char** m_pointers { nullptr };
    size_t m_used { 0 };
    size_t m_count { 0 };
};

lib::ErrorOr<ProgramFile> open_executable(const char* path)
{
    vfs::WalkResult walk;
    TRY(resolve_kernel_path(path, vfs::WalkOptions {}, walk));
    if (!walk.node)
        return EACCES;
    ProgramFile file {};
    file.vnode = walk.node;
    auto status = TRY(file.vnode->attributes());
    if ((status.mode & S_IFMT) != S_IFREG || !(status.mode & 0111))
        return EACCES;
    size_t length = strlen(walk.canonical);
    memcpy(file.path, walk.canonical, length + 1);
    file.size = static_cast<uint64_t>(status.size);
    return file;
}

// A `#!` line: the interpreter and its one optional argument, cut out of `line` in place.
struct Shebang {
    const char* interpreter { nullptr };
    const char* argument { nullptr };
};

bool parse_shebang(char* line, size_t length, Shebang& out)
{
    if (length < 2 || line[0] != '#' || line[1] != '!')
        return false;
    line[length < SHEBANG_MAX ? length : SHEBANG_MAX - 1] = 0;
    char* end = line + 2;
    while (*end && *end != '\n')
        ++end;
    *end = 0;
    auto blank = [](char c) { return c == ' ' || c == '\t'; };
    while (end > line + 2 && blank(end[-1]))
        *--end = 0;
    char* cursor = line + 2;
    while (blank(*cursor))
        ++cursor;
    if (!*cursor)
        return true; // no interpreter: ENOEXEC
    out.interpreter = cursor;
    while (*cursor && !blank(*cursor))
        ++cursor;
    if (*cursor) {
        *cursor++ = 0;
        while (blank(*cursor))
            ++cursor;
        if (*cursor)
            out.argument = cursor;
    }
    return true;
}

// The image execve will start: follows `#!` interpreters, checks the ELF. ENOEXEC for what
// is neither.
lib::ErrorOr<ProgramFile> resolve_image(const char* path, Arguments& arguments)
{
    char current[PATH_LENGTH_MAX];
    if (strlen(path) >= sizeof(current))
        return ENAMETOOLONG;
    memcpy(current, path, strlen(path) + 1);
    for (int depth = 0;; ++depth) {
        char absolute[PATH_LENGTH_MAX];
        TRY(absolute_path(absolute, sizeof(absolute), current_process().cwd.canonical, current));
        ProgramFile file = TRY(open_executable(absolute));
        static uint8_t header[4096];
        size_t got = TRY(file.vnode->read(0, header, sizeof(header)));
        Shebang shebang;
        char line[SHEBANG_MAX];
        size_t line_length = got < SHEBANG_MAX ? got : SHEBANG_MAX;
        memcpy(line, header, line_length);
        if (parse_shebang(line, line_length, shebang)) {
            if (!shebang.interpreter)
                return ENOEXEC;
            if (depth == INTERPRETER_DEPTH_MAX)
                return ELOOP;
            const char* words[3];
            size_t count = 0;
            words[count++] = TRY(arguments.keep(shebang.interpreter));
            if (shebang.argument)
                words[count++] = TRY(arguments.keep(shebang.argument));
            words[count++] = TRY(arguments.keep(current));
            TRY(arguments.replace_first_argument(words, count));
            memcpy(current, shebang.interpreter, strlen(shebang.interpreter) + 1);
            continue;
        }
        const char* reason = "";
        auto image = parse_elf(header, got, file.size, &reason);
        if (image.is_error() || image.value().has_interpreter) // FIXME: issue 7 (ld.so)
            return ENOEXEC;
        return file;
    }
}

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
    process.memory->space = process.address_space = lib::make<mm::AddressSpace>(kernel::page_mapper(), kernel::frame_allocator(), nullptr, 0, kernel::MMAP_BOTTOM, kernel::USER_END);
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
            (void)process.files.close(fd);
    }
    for (int signal = 1; signal <= SIGNAL_COUNT; ++signal) {
        SignalAction& action = process.signal_actions[signal];
        if (action.handler != SIG_IGN)
            action = {};
        action.flags = action.mask = action.restorer = 0;
    }
    memcpy(process.executable, file.path, strlen(file.path) + 1);
    process.did_exec = true;
    self.name[0] = 0;
    self.alternate_stack[0] = 0;
    self.alternate_stack[1] = SS_DISABLE;
    self.alternate_stack[2] = 0;
    self.robust_list = 0;
    self.clear_child_tid = 0;
}

lib::ErrorOr<void> random_bytes(uint8_t (&random)[16])
{
    uabi::RandomRequest request { uabi::BOUNCE_BUFFER_GPA, sizeof(random) };
    TRY(hv::result_of(hv::call(uabi::Hypercall::Random, request)));
    memcpy(random, hv::physical(uabi::BOUNCE_BUFFER_GPA), sizeof(random));
    return {};
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
    Arguments arguments;
    TRY(arguments.allocate());
    arguments.m_argc = TRY(arguments.copy_from(argv));
    arguments.m_envc = TRY(arguments.copy_from(envp));
    ProgramFile file = TRY(resolve_image(path, arguments));
    arguments.terminate_lists();
    uint8_t random[16];
    TRY(random_bytes(random));
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
    auto start = process.address_space ? load_image(process, file, arguments.view(), random, failure) : lib::ErrorOr<ProgramStart>(ENOMEM);
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
