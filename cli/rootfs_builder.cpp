// RootfsBuilder: host programs, their libraries and trees copied into a root filesystem
// directory, symlinks made again so that paths resolve there as on the host.
#include "cli/rootfs_builder.h"

#include <algorithm>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cli {

namespace {

std::string error_text(const std::string& what, int error)
{
    return what + ": " + strerror(error);
}

std::pair<std::string, std::string> split_parent(const std::string& real_path)
{
    size_t slash = real_path.rfind('/');
    return { real_path.substr(0, slash), real_path.substr(slash + 1) };
}

std::string read_symlink(const std::string& path)
{
    char target[PATH_MAX];
    ssize_t length = readlink(path.c_str(), target, sizeof target);
    if (length < 0)
        throw RootfsError(error_text(path, errno));
    if (static_cast<size_t>(length) >= sizeof target)
        throw RootfsError(path + ": symlink target too long");
    return std::string(target, static_cast<size_t>(length));
}

std::string absolute_path(const std::string& path)
{
    if (path.starts_with('/'))
        return path;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        throw RootfsError(error_text("the working directory", errno));
    return std::string(cwd) + "/" + path;
}

// Copies all of IN to OUT, in the kernel when it can.
bool copy_contents(int in, int out)
{
    for (;;) {
        ssize_t copied = copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
        if (copied == 0)
            return true;
        if (copied > 0)
            continue;
        if (errno == EINTR)
            continue;
        if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
            return false;
        break;
    }
    char buffer[1 << 16];
    for (;;) {
        ssize_t got = read(in, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return got == 0;
        for (ssize_t done = 0; done < got;) {
            ssize_t put = write(out, buffer + done, static_cast<size_t>(got - done));
            if (put < 0 && errno == EINTR)
                continue;
            if (put <= 0)
                return false;
            done += put;
        }
    }
}

} // namespace

// An open file descriptor, closed when it goes out of scope.
class RootfsBuilder::FileDescriptor {
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    {
    }
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            close(m_fd);
    }
    FileDescriptor(FileDescriptor&& other)
        : m_fd(std::exchange(other.m_fd, -1))
    {
    }
    FileDescriptor& operator=(FileDescriptor&& other)
    {
        std::swap(m_fd, other.m_fd);
        return *this;
    }
    int fd() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

std::optional<std::string> find_program(const std::string& name, std::string_view path_list)
{
    if (name.find('/') != std::string::npos)
        return name;
    for (size_t start = 0; start <= path_list.size();) {
        size_t colon = path_list.find(':', start);
        if (colon == std::string_view::npos)
            colon = path_list.size();
        std::string directory(path_list.substr(start, colon - start));
        start = colon + 1;
        std::string candidate = (directory.empty() ? "." : directory) + "/" + name;
        struct stat status {};
        if (stat(candidate.c_str(), &status) == 0 && S_ISREG(status.st_mode) && access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return std::nullopt;
}

RootfsBuilder::RootfsBuilder(const std::string& directory, std::vector<std::string> library_directories, std::string program_path, FILE* log)
    : m_directory(directory)
    , m_program_path(std::move(program_path))
    , m_resolver(std::move(library_directories))
    , m_log(log)
{
    while (m_directory.size() > 1 && m_directory.ends_with('/'))
        m_directory.pop_back();
}

RootfsBuilder::~RootfsBuilder()
{
    if (m_root_fd >= 0)
        close(m_root_fd);
}

int RootfsBuilder::root_fd()
{
    if (m_root_fd >= 0)
        return m_root_fd;
    // Made on the first write, like mkdir -p, so that a mistyped program name leaves nothing.
    for (size_t slash = m_directory.find('/', 1);; slash = m_directory.find('/', slash + 1)) {
        std::string prefix = m_directory.substr(0, slash);
        if (!prefix.empty() && mkdir(prefix.c_str(), 0755) < 0 && errno != EEXIST)
            throw RootfsError(error_text(prefix, errno));
        if (slash == std::string::npos)
            break;
    }
    FileDescriptor root(open(m_directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    struct stat status {}, host_root {};
    if (root.fd() < 0 || fstat(root.fd(), &status) < 0)
        throw RootfsError(error_text(m_directory, errno));
    if (stat("/", &host_root) == 0 && status.st_dev == host_root.st_dev && status.st_ino == host_root.st_ino)
        throw RootfsError(m_directory + ": the host's own /; give a directory of its own");
    m_root_identity = { status.st_dev, status.st_ino };
    m_root_fd = root.release();
    return m_root_fd;
}

void RootfsBuilder::log(const std::string& line)
{
    if (m_log)
        fprintf(m_log, "%s\n", line.c_str());
}

RootfsBuilder::FileDescriptor RootfsBuilder::open_directory(const std::string& real_directory)
{
    FileDescriptor directory(dup(root_fd()));
    if (directory.fd() < 0)
        throw RootfsError(error_text(m_directory, errno));
    std::string prefix;
    for (size_t start = 1; start < real_directory.size();) {
        size_t slash = real_directory.find('/', start);
        if (slash == std::string::npos)
            slash = real_directory.size();
        std::string name = real_directory.substr(start, slash - start);
        start = slash + 1;
        if (name.empty())
            continue;
        prefix += "/" + name;
        bool made = false;
        mode_t mode = 0755;
        if (struct stat host {}; stat(prefix.c_str(), &host) == 0)
            mode = (host.st_mode & 07777) | 0700;
        if (mkdirat(directory.fd(), name.c_str(), mode) == 0)
            made = true;
        else if (errno != EEXIST)
            throw RootfsError(error_text(output_path(prefix), errno));
        int next = openat(directory.fd(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && (errno == ELOOP || errno == ENOTDIR))
            throw RootfsError(output_path(prefix) + ": not a directory, but " + prefix + " is one on this host");
        if (next < 0)
            throw RootfsError(error_text(output_path(prefix), errno));
        directory = FileDescriptor(next);
        if (made)
            fchmod(next, mode); // past the umask
    }
    return directory;
}

std::string RootfsBuilder::follow_symlinks(const std::string& path, bool follow_last)
{
    // Components still to walk, the next one last; CURRENT is real (no symlinks), "" for "/".
    std::vector<std::string> pending;
    auto push_components = [&](const std::string& text) {
        std::vector<std::string> names;
        for (size_t start = 0; start <= text.size();) {
            size_t slash = text.find('/', start);
            if (slash == std::string::npos)
                slash = text.size();
            if (slash > start)
                names.push_back(text.substr(start, slash - start));
            start = slash + 1;
        }
        pending.insert(pending.end(), names.rbegin(), names.rend());
    };
    push_components(path);
    std::string current;
    for (int links = 0; !pending.empty();) {
        std::string name = std::move(pending.back());
        pending.pop_back();
        if (name == ".")
            continue;
        if (name == "..") {
            current = current.substr(0, current.rfind('/') == std::string::npos ? 0 : current.rfind('/'));
            continue;
        }
        std::string next = current + "/" + name;
        struct stat status {};
        if (lstat(next.c_str(), &status) < 0)
            throw RootfsError(error_text(path, errno));
        bool last = pending.empty();
        if (S_ISLNK(status.st_mode) && (follow_last || !last)) {
            if (++links > 40)
                throw RootfsError(error_text(path, ELOOP));
            std::string target = read_symlink(next);
            write_symlink(next, target);
            if (target.starts_with('/'))
                current.clear();
            push_components(target);
            continue;
        }
        if (!last && !S_ISDIR(status.st_mode))
            throw RootfsError(error_text(path, ENOTDIR));
        current = std::move(next);
    }
    return current.empty() ? "/" : current;
}

void RootfsBuilder::write_symlink(const std::string& real_path, const std::string& target)
{
    if (m_written.contains(real_path))
        return;
    auto [parent, name] = split_parent(real_path);
    FileDescriptor directory = open_directory(parent);
    struct stat existing {};
    if (fstatat(directory.fd(), name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(existing.st_mode))
            throw RootfsError(output_path(real_path) + ": a directory, but " + real_path + " is a symlink on this host");
        char old_target[PATH_MAX];
        ssize_t length = S_ISLNK(existing.st_mode) ? readlinkat(directory.fd(), name.c_str(), old_target, sizeof old_target) : -1;
        if (length >= 0 && std::string_view(old_target, static_cast<size_t>(length)) == target) {
            m_written.insert(real_path);
            return;
        }
    }
    // Made under a temporary name and renamed over whatever is there.
    std::string temporary = ".unikit-rootfs-" + std::to_string(getpid()) + "-" + std::to_string(m_temporary_names++);
    if (symlinkat(target.c_str(), directory.fd(), temporary.c_str()) < 0)
        throw RootfsError(error_text(output_path(real_path), errno));
    if (renameat(directory.fd(), temporary.c_str(), directory.fd(), name.c_str()) < 0) {
        int error = errno;
        unlinkat(directory.fd(), temporary.c_str(), 0);
        throw RootfsError(error_text(output_path(real_path), error));
    }
    m_written.insert(real_path);
    log(real_path + " -> " + target);
}

void RootfsBuilder::copy_file(const std::string& real_path)
{
    if (m_written.contains(real_path))
        return;
    FileDescriptor source(open(real_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    struct stat status {};
    if (source.fd() < 0 || fstat(source.fd(), &status) < 0)
        throw RootfsError(error_text(real_path, errno));
    auto [parent, name] = split_parent(real_path);
    FileDescriptor directory = open_directory(parent);
    struct stat existing {};
    if (fstatat(directory.fd(), name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(existing.st_mode))
            throw RootfsError(output_path(real_path) + ": a directory, but " + real_path + " is a file on this host");
        // The output overlaps the host (--add of a path inside it): the file is already there.
        if (existing.st_dev == status.st_dev && existing.st_ino == status.st_ino) {
            m_written.insert(real_path);
            return;
        }
    }

    // Written under a temporary name and renamed over whatever is there.
    std::string temporary = ".unikit-rootfs-" + std::to_string(getpid()) + "-" + std::to_string(m_temporary_names++);
    int error = 0;
    {
        FileDescriptor target(openat(directory.fd(), temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (target.fd() < 0)
            throw RootfsError(error_text(output_path(real_path), errno));
        timespec times[2] = { status.st_atim, status.st_mtim };
        if (!copy_contents(source.fd(), target.fd()) || fchmod(target.fd(), status.st_mode & 07777) < 0 || futimens(target.fd(), times) < 0)
            error = errno;
    }
    if (error == 0 && renameat(directory.fd(), temporary.c_str(), directory.fd(), name.c_str()) < 0)
        error = errno;
    if (error != 0) {
        unlinkat(directory.fd(), temporary.c_str(), 0);
        throw RootfsError(error_text(output_path(real_path), error));
    }
    m_written.insert(real_path);
    log(real_path);
}

void RootfsBuilder::write_new_file(const std::string& real_path, std::string_view contents, mode_t mode)
{
    auto [parent, name] = split_parent(real_path);
    FileDescriptor directory = open_directory(parent);
    int fd = openat(directory.fd(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno == EEXIST)
        return;
    if (fd < 0 || write(fd, contents.data(), contents.size()) != static_cast<ssize_t>(contents.size()) || fchmod(fd, mode) < 0) {
        int error = errno;
        if (fd >= 0)
            close(fd);
        throw RootfsError(error_text(output_path(real_path), error));
    }
    close(fd);
    log(real_path);
}

void RootfsBuilder::make_directory(const std::string& real_path, mode_t mode)
{
    auto [parent, name] = split_parent(real_path);
    FileDescriptor directory = open_directory(parent);
    if (mkdirat(directory.fd(), name.c_str(), mode) == 0) {
        fchmodat(directory.fd(), name.c_str(), mode, 0);
        return;
    }
    struct stat existing {};
    if (errno != EEXIST || fstatat(directory.fd(), name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(existing.st_mode))
        throw RootfsError(output_path(real_path) + ": cannot make it a directory");
}

void RootfsBuilder::add_base_directories()
{
    for (auto top : { "/bin", "/sbin", "/lib", "/lib64" }) {
        struct stat status {};
        if (lstat(top, &status) < 0 || !S_ISLNK(status.st_mode))
            continue;
        std::string real = follow_symlinks(top, true);
        if (stat(real.c_str(), &status) == 0 && S_ISDIR(status.st_mode))
            open_directory(real);
    }
    make_directory("/tmp", 01777);
    make_directory("/dev", 0755);
    make_directory("/proc", 0555);
    make_directory("/etc", 0755);
    make_directory("/root", 0700);
}

void RootfsBuilder::add_user_database()
{
    write_new_file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644);
    write_new_file("/etc/group", "root:x:0:\n", 0644);
}

void RootfsBuilder::add_libraries(const std::string& elf_file)
{
    if (!m_resolved.insert(elf_file).second)
        return;
    // ELF_FILE is a real path: $ORIGIN is its directory, for a program as for a library.
    for (auto const& object : m_resolver.resolve(elf_file, elf_file))
        copy_file(follow_symlinks(object.path, true));
}

void RootfsBuilder::add_program(const std::string& program)
{
    add_program(program, 0);
}

void RootfsBuilder::add_program(const std::string& program, int depth)
{
    auto found = find_program(program, m_program_path);
    if (!found)
        throw RootfsError(program + ": not found in PATH");
    std::string real = follow_symlinks(absolute_path(*found), true);
    struct stat status {};
    if (stat(real.c_str(), &status) < 0)
        throw RootfsError(error_text(program, errno));
    if (S_ISDIR(status.st_mode))
        throw RootfsError(program + ": a directory (use --add for directories)");
    if (!S_ISREG(status.st_mode))
        throw RootfsError(program + ": not a regular file");

    switch (file_kind(real)) {
    case FileKind::Elf:
        copy_file(real);
        add_libraries(real);
        break;
    case FileKind::OtherElf:
        throw RootfsError(real + ": an ELF file, but not an x86-64 (64-bit) program");
    case FileKind::Script: {
        auto script = read_script_interpreter(real);
        if (depth >= 4)
            throw RootfsError(program + ": too many levels of #! interpreters");
        if (!script.interpreter.starts_with('/'))
            throw RootfsError(program + ": the #! interpreter " + script.interpreter + " is not an absolute path");
        copy_file(real);
        add_program(script.interpreter, depth + 1);
        // "#!/usr/bin/env NAME" runs NAME from PATH: bring it too.
        bool env = script.interpreter.ends_with("/env");
        auto const& name = script.argument;
        if (env && !name.empty() && !name.starts_with('-') && name.find_first_of(" \t=") == std::string::npos)
            add_program(name, depth + 1);
        break;
    }
    case FileKind::Other:
        copy_file(real);
        break;
    }
}

void RootfsBuilder::add_tree(const std::string& path)
{
    std::string real = follow_symlinks(absolute_path(path), true);
    struct stat status {};
    if (lstat(real.c_str(), &status) < 0)
        throw RootfsError(error_text(path, errno));
    if (S_ISDIR(status.st_mode))
        add_directory_contents(real);
    else if (S_ISREG(status.st_mode))
        add_tree_file(real);
    else
        throw RootfsError(path + ": not a regular file or a directory");
}

void RootfsBuilder::add_tree_file(const std::string& real_path)
{
    FileKind kind = file_kind(real_path);
    copy_file(real_path);
    if (kind == FileKind::Elf)
        add_libraries(real_path);
}

void RootfsBuilder::add_directory_contents(const std::string& real_directory)
{
    root_fd();
    struct stat status {};
    if (stat(real_directory.c_str(), &status) < 0)
        throw RootfsError(error_text(real_directory, errno));
    // The output directory inside the tree being copied is not copied into itself.
    if (std::pair(status.st_dev, status.st_ino) == m_root_identity)
        return;
    open_directory(real_directory);

    DIR* stream = opendir(real_directory.c_str());
    if (!stream)
        throw RootfsError(error_text(real_directory, errno));
    std::vector<std::string> names;
    errno = 0;
    while (dirent* entry = readdir(stream)) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            names.emplace_back(entry->d_name);
    }
    int error = errno;
    closedir(stream);
    if (error != 0)
        throw RootfsError(error_text(real_directory, error));
    std::sort(names.begin(), names.end());

    std::string prefix = real_directory == "/" ? "" : real_directory;
    for (auto const& name : names) {
        std::string child = prefix + "/" + name;
        if (lstat(child.c_str(), &status) < 0)
            throw RootfsError(error_text(child, errno));
        if (S_ISLNK(status.st_mode))
            write_symlink(child, read_symlink(child));
        else if (S_ISDIR(status.st_mode))
            add_directory_contents(child);
        else if (S_ISREG(status.st_mode))
            add_tree_file(child);
        // FIXME: devices, FIFOs and sockets are left out.
    }
}

} // namespace cli
