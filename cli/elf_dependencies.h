// What an x86-64 ELF file needs to run (PT_INTERP, DT_NEEDED, DT_RPATH, DT_RUNPATH), read from
// the file without running it, and the search for those libraries the way ld.so does it.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cli {

// A file that cannot be used as asked (malformed ELF, a library that is nowhere, ...); what()
// is the one-line reason, without the "unikit: " prefix.
class RootfsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class FileKind {
    Elf,      // an x86-64 ELF64 executable or shared library (ET_EXEC, ET_DYN)
    OtherElf, // ELF, but another class, machine, byte order or type (32-bit, object file, core)
    Script,   // starts with "#!"
    Other,
};

// The first bytes of PATH decide; throws RootfsError if it cannot be read.
FileKind file_kind(const std::string& path);

// The dynamic-linking facts of one ELF file. Strings are as stored in the file: $ORIGIN is
// not expanded and the path lists are not split.
struct ElfDependencies {
    std::string interpreter; // PT_INTERP; empty for a static program or a library
    std::vector<std::string> needed; // DT_NEEDED, in order
    std::optional<std::string> rpath;
    std::optional<std::string> runpath;
    std::optional<std::string> soname;
    bool dynamic = false; // has PT_DYNAMIC
};

// Reads the dependencies of PATH, an x86-64 ELF64 executable or shared library. Every offset,
// size and string is checked against the file; throws RootfsError naming PATH and what is wrong
// (or that it is not an x86-64 ELF file).
ElfDependencies read_elf_dependencies(const std::string& path);

// The "#!" line of a script: the interpreter and its one optional argument, as Linux splits it.
struct ScriptInterpreter {
    std::string interpreter;
    std::string argument;
};

// Throws RootfsError if PATH does not start with a usable "#!" line.
ScriptInterpreter read_script_interpreter(const std::string& path);

// The directories /etc/ld.so.conf names, with its "include" globs followed (relative patterns
// are relative to the including file's directory), in order, without repeats. A missing file
// gives nothing.
std::vector<std::string> read_ld_so_conf(const std::string& path = "/etc/ld.so.conf");

// Where ld.so looks after the objects' own paths: ld.so.conf's directories, then the built-in
// ones (/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib64, /usr/lib64, /lib, /usr/lib).
std::vector<std::string> default_library_directories(const std::string& ld_so_conf = "/etc/ld.so.conf");

// Splits an rpath or runpath into directories and expands $ORIGIN (ORIGIN is the directory of
// the object), $LIB and $PLATFORM as Debian's x86-64 ld.so does. Empty entries are dropped.
std::vector<std::string> expand_search_path(std::string_view list, std::string_view origin);

// One object of a program's dependency closure.
struct ResolvedObject {
    std::string path; // where ld.so finds it (for a needed library: search directory + name)
    std::string needed_by; // the object whose DT_NEEDED or PT_INTERP named it; empty for the root
};

// Finds every object a program or library needs, transitively and breadth-first as ld.so
// loads them: the PT_INTERP dynamic linker, then each DT_NEEDED name searched in the needing
// object's DT_RPATH and its loaders' (unless it has DT_RUNPATH), its DT_RUNPATH, then
// `directories`. A name found once is not searched again. A candidate that is not an x86-64
// ELF file is skipped, as ld.so skips 32-bit libraries. Throws RootfsError for a library found
// nowhere or a malformed ELF file.
class LibraryResolver {
public:
    explicit LibraryResolver(std::vector<std::string> directories)
        : m_directories(std::move(directories))
    {
    }

    // ROOT is an x86-64 ELF file; ORIGIN_PATH is the path whose directory $ORIGIN means for it
    // (ld.so takes the executable's real path, a library's path as found). Returns the objects
    // ROOT needs, not ROOT itself.
    std::vector<ResolvedObject> resolve(const std::string& root, const std::string& origin_path);

private:
    ElfDependencies const& dependencies_of(const std::string& path);
    std::optional<std::string> search(const std::string& name, const std::vector<std::string>& directories);

    std::vector<std::string> m_directories;
    std::map<std::string, ElfDependencies> m_parsed; // by path
};

} // namespace cli
