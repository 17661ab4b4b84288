// RootfsBuilder: fills a root filesystem directory from the host: programs with their dynamic
// linker and every library they need, whole trees, and the few directories programs expect.
#pragma once

#include "cli/elf_dependencies.h"

#include <optional>
#include <set>
#include <stdio.h>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace cli {

// NAME itself if it contains a '/'; otherwise the first executable regular file called NAME in
// the directories of PATH_LIST (an empty entry is the working directory), as which(1) finds it.
std::optional<std::string> find_program(const std::string& name, std::string_view path_list);

// Every host file lands in the directory at the path where the host has it. Symlinks met on
// the way (the host's /lib -> usr/lib, /usr/bin/python3 -> python3.11) are made again in the
// directory, and files are copied to their real location, so that every path resolves there as
// on the host. Existing files are replaced; nothing else is removed. Symlinks already in the
// directory are never followed. Throws RootfsError.
class RootfsBuilder {
public:
    // Fills DIRECTORY, made (with its parents) on the first write. LIBRARY_DIRECTORIES are where
    // libraries are searched after rpaths (default_library_directories()), PROGRAM_PATH is the
    // PATH for bare program names; LOG, if not null, gets one line per file or symlink written.
    RootfsBuilder(const std::string& directory, std::vector<std::string> library_directories, std::string program_path, FILE* log);
    ~RootfsBuilder();
    RootfsBuilder(const RootfsBuilder&) = delete;
    RootfsBuilder& operator=(const RootfsBuilder&) = delete;

    // /bin, /sbin, /lib and /lib64 as symlinks where the host has them, with their targets;
    // /tmp (1777), /dev, /proc, /etc and /root.
    void add_base_directories();

    // A program: a host path or a name looked up in the program PATH. Its ELF interpreter and
    // libraries, or its #! interpreter, come with it; any other file is copied as it is.
    void add_program(const std::string& program);

    // A host file or directory, recursively: symlinks inside are copied as symlinks, and every
    // x86-64 ELF file brings its libraries. A symlink given as PATH is copied and followed.
    void add_tree(const std::string& path);

    // /etc/passwd and /etc/group with a root entry each, unless they exist.
    void add_user_database();

private:
    class FileDescriptor;

    void add_program(const std::string& program, int depth);
    void add_libraries(const std::string& elf_file);
    void add_directory_contents(const std::string& real_directory);
    void add_tree_file(const std::string& real_path);

    // Walks PATH on the host as the kernel resolves it, making again in the output every
    // symlink met (the last component's only if FOLLOW_LAST); returns the real host path.
    std::string follow_symlinks(const std::string& path, bool follow_last);

    // The output directory at REAL_DIRECTORY (a host path without symlinks), made as needed
    // with the host directories' modes (plus owner rwx).
    FileDescriptor open_directory(const std::string& real_directory);
    void copy_file(const std::string& real_path);
    void write_symlink(const std::string& real_path, const std::string& target);
    void write_new_file(const std::string& real_path, std::string_view contents, mode_t mode);
    void make_directory(const std::string& real_path, mode_t mode);

    int root_fd(); // the output directory, opened (and made) on first use
    std::string output_path(const std::string& real_path) const { return m_directory + real_path; }
    void log(const std::string& line);

    std::string m_directory;
    int m_root_fd = -1;
    std::pair<dev_t, ino_t> m_root_identity {};
    std::string m_program_path;
    LibraryResolver m_resolver;
    FILE* m_log;
    std::set<std::string> m_written; // real host paths already copied or linked
    std::set<std::string> m_resolved; // ELF files whose libraries were added
    unsigned m_temporary_names = 0;
};

} // namespace cli
