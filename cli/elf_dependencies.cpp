// What an x86-64 ELF file needs to run, read from the file (no ldd, nothing executed), and
// the search for its libraries in ld.so's order.
#include "cli/elf_dependencies.h"

#include <algorithm>
#include <ctype.h>
#include <deque>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <set>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cli {

namespace {

// An open file, closed when it goes out of scope.
class ReadOnlyFile {
public:
    explicit ReadOnlyFile(const std::string& path)
        : m_path(path)
        , m_fd(open(path.c_str(), O_RDONLY | O_CLOEXEC))
    {
        struct stat status {};
        if (m_fd < 0 || fstat(m_fd, &status) < 0)
            throw RootfsError(path + ": " + strerror(errno));
        m_size = static_cast<uint64_t>(status.st_size);
    }
    ~ReadOnlyFile() { close(m_fd); }
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

    uint64_t size() const { return m_size; }

    // [offset, offset + length), which must lie inside the file; WHAT names it in the error.
    std::string read(uint64_t offset, uint64_t length, const char* what) const
    {
        if (offset > m_size || length > m_size - offset)
            throw malformed(std::string(what) + " past the end of the file");
        if (length > (64u << 20))
            throw malformed(std::string(what) + " larger than 64 MiB");
        std::string data(length, '\0');
        for (size_t done = 0; done < length;) {
            ssize_t got = pread(m_fd, data.data() + done, length - done, static_cast<off_t>(offset + done));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                throw RootfsError(m_path + ": " + (got < 0 ? strerror(errno) : "file shrank while being read"));
            done += static_cast<size_t>(got);
        }
        return data;
    }

    // The first bytes of the file, at most LIMIT.
    std::string head(size_t limit) const { return read(0, std::min<uint64_t>(limit, m_size), "header"); }

    RootfsError malformed(const std::string& reason) const { return RootfsError(m_path + ": malformed ELF file (" + reason + ")"); }

private:
    std::string m_path;
    int m_fd;
    uint64_t m_size = 0;
};

template<typename T>
T read_struct(const std::string& bytes, size_t offset)
{
    T value;
    memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

FileKind kind_of_head(const std::string& head)
{
    if (head.starts_with("#!"))
        return FileKind::Script;
    if (!head.starts_with(ELFMAG))
        return FileKind::Other;
    // A header too short to tell is an x86-64 ELF file as far as this goes, so that reading it
    // reports the truncation.
    if (head.size() < sizeof(Elf64_Ehdr))
        return FileKind::Elf;
    auto header = read_struct<Elf64_Ehdr>(head, 0);
    bool ours = header.e_ident[EI_CLASS] == ELFCLASS64 && header.e_ident[EI_DATA] == ELFDATA2LSB
        && header.e_machine == EM_X86_64 && (header.e_type == ET_EXEC || header.e_type == ET_DYN);
    return ours ? FileKind::Elf : FileKind::OtherElf;
}

std::string directory_of(const std::string& path)
{
    size_t slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

void read_ld_so_conf_into(const std::string& path, std::vector<std::string>& directories, int depth)
{
    // Includes nest as deep as ldconfig lets them, and no deeper (a file including itself).
    if (depth > 16)
        return;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    std::string text;
    char buffer[4096];
    for (ssize_t got; (got = read(fd, buffer, sizeof buffer)) > 0;)
        text.append(buffer, static_cast<size_t>(got));
    close(fd);

    for (size_t start = 0; start < text.size();) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string_view line(text.data() + start, end - start);
        start = end + 1;
        if (size_t hash = line.find('#'); hash != std::string_view::npos)
            line = line.substr(0, hash);
        line = trim(line);
        if (line.empty() || (line.starts_with("hwcap") && line.size() > 5 && isspace(static_cast<unsigned char>(line[5]))))
            continue;
        if (line.starts_with("include") && line.size() > 7 && isspace(static_cast<unsigned char>(line[7]))) {
            std::string pattern(trim(line.substr(8)));
            if (!pattern.starts_with('/'))
                pattern = directory_of(path) + "/" + pattern;
            glob_t matches {};
            if (glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
                for (size_t index = 0; index < matches.gl_pathc; ++index)
                    read_ld_so_conf_into(matches.gl_pathv[index], directories, depth + 1);
            }
            globfree(&matches);
            continue;
        }
        // ldconfig's old "DIRECTORY=TYPE" form: the directory is what comes before '='.
        std::string directory(trim(line.substr(0, line.find('='))));
        while (directory.size() > 1 && directory.ends_with('/'))
            directory.pop_back();
        if (directory.starts_with('/') && std::find(directories.begin(), directories.end(), directory) == directories.end())
            directories.push_back(directory);
    }
}

} // namespace

FileKind file_kind(const std::string& path)
{
    return kind_of_head(ReadOnlyFile(path).head(sizeof(Elf64_Ehdr)));
}

ElfDependencies read_elf_dependencies(const std::string& path)
{
    ReadOnlyFile file(path);
    std::string head = file.head(sizeof(Elf64_Ehdr));
    switch (kind_of_head(head)) {
    case FileKind::Elf: break;
    case FileKind::OtherElf: throw RootfsError(path + ": an ELF file, but not an x86-64 (64-bit) program or shared library");
    default: throw RootfsError(path + ": not an ELF file");
    }
    if (head.size() < sizeof(Elf64_Ehdr))
        throw file.malformed("truncated ELF header");
    auto header = read_struct<Elf64_Ehdr>(head, 0);
    if (header.e_phnum == 0 || header.e_phnum == PN_XNUM)
        throw file.malformed("no program headers");
    if (header.e_phentsize != sizeof(Elf64_Phdr))
        throw file.malformed("program header size " + std::to_string(header.e_phentsize));
    std::string table = file.read(header.e_phoff, uint64_t { header.e_phnum } * sizeof(Elf64_Phdr), "program headers");

    ElfDependencies dependencies;
    std::vector<Elf64_Phdr> loads;
    std::optional<Elf64_Phdr> dynamic;
    for (size_t index = 0; index < header.e_phnum; ++index) {
        auto segment = read_struct<Elf64_Phdr>(table, index * sizeof(Elf64_Phdr));
        if (segment.p_type == PT_LOAD) {
            loads.push_back(segment);
        } else if (segment.p_type == PT_DYNAMIC) {
            if (dynamic)
                throw file.malformed("two PT_DYNAMIC segments");
            dynamic = segment;
        } else if (segment.p_type == PT_INTERP) {
            if (!dependencies.interpreter.empty())
                throw file.malformed("two PT_INTERP segments");
            if (segment.p_filesz > PATH_MAX)
                throw file.malformed("PT_INTERP longer than PATH_MAX");
            std::string name = file.read(segment.p_offset, segment.p_filesz, "PT_INTERP");
            size_t end = name.find('\0');
            if (end == std::string::npos || end == 0 || name[0] != '/')
                throw file.malformed("PT_INTERP is not an absolute path");
            dependencies.interpreter = name.substr(0, end);
        }
    }
    if (!dynamic)
        return dependencies;
    dependencies.dynamic = true;

    // The dynamic section, up to DT_NULL; string values are offsets into DT_STRTAB.
    std::string entries = file.read(dynamic->p_offset, dynamic->p_filesz - dynamic->p_filesz % sizeof(Elf64_Dyn), "PT_DYNAMIC");
    std::optional<uint64_t> string_table, string_table_size, rpath, runpath, soname;
    std::vector<uint64_t> needed;
    for (size_t offset = 0; offset + sizeof(Elf64_Dyn) <= entries.size(); offset += sizeof(Elf64_Dyn)) {
        auto entry = read_struct<Elf64_Dyn>(entries, offset);
        if (entry.d_tag == DT_NULL)
            break;
        switch (entry.d_tag) {
        case DT_NEEDED: needed.push_back(entry.d_un.d_val); break;
        case DT_RPATH: rpath = entry.d_un.d_val; break;
        case DT_RUNPATH: runpath = entry.d_un.d_val; break;
        case DT_SONAME: soname = entry.d_un.d_val; break;
        case DT_STRTAB: string_table = entry.d_un.d_ptr; break;
        case DT_STRSZ: string_table_size = entry.d_un.d_val; break;
        default: break;
        }
    }
    if (needed.empty() && !rpath && !runpath && !soname)
        return dependencies;
    if (!string_table || !string_table_size)
        throw file.malformed("strings named in PT_DYNAMIC but no DT_STRTAB or DT_STRSZ");

    // DT_STRTAB is an address: the PT_LOAD segment that maps it gives its place in the file.
    std::string strings;
    bool mapped = false;
    for (auto const& load : loads) {
        if (*string_table < load.p_vaddr || *string_table - load.p_vaddr >= load.p_filesz)
            continue;
        uint64_t within = *string_table - load.p_vaddr;
        if (*string_table_size > load.p_filesz - within)
            throw file.malformed("DT_STRTAB runs past its PT_LOAD segment");
        strings = file.read(load.p_offset + within, *string_table_size, "DT_STRTAB");
        mapped = true;
        break;
    }
    if (!mapped)
        throw file.malformed("DT_STRTAB is in no PT_LOAD segment");
    auto string_at = [&](uint64_t offset, const char* tag) {
        size_t end = offset < strings.size() ? strings.find('\0', offset) : std::string::npos;
        if (end == std::string::npos)
            throw file.malformed(std::string(tag) + " string outside DT_STRTAB");
        return strings.substr(offset, end - offset);
    };
    for (uint64_t offset : needed) {
        std::string name = string_at(offset, "DT_NEEDED");
        if (name.empty())
            throw file.malformed("empty DT_NEEDED name");
        dependencies.needed.push_back(std::move(name));
    }
    if (rpath)
        dependencies.rpath = string_at(*rpath, "DT_RPATH");
    if (runpath)
        dependencies.runpath = string_at(*runpath, "DT_RUNPATH");
    if (soname)
        dependencies.soname = string_at(*soname, "DT_SONAME");
    return dependencies;
}

ScriptInterpreter read_script_interpreter(const std::string& path)
{
    // Linux reads the first 256 bytes (BINPRM_BUF_SIZE) and splits the line at the first blank.
    std::string head = ReadOnlyFile(path).head(256);
    if (!head.starts_with("#!"))
        throw RootfsError(path + ": not a #! script");
    std::string_view line = std::string_view(head).substr(2);
    line = line.substr(0, line.find('\n'));
    line = trim(line);
    size_t blank = line.find_first_of(" \t");
    ScriptInterpreter script;
    script.interpreter = line.substr(0, blank);
    if (blank != std::string_view::npos)
        script.argument = trim(line.substr(blank));
    if (script.interpreter.empty())
        throw RootfsError(path + ": the #! line names no interpreter");
    return script;
}

std::vector<std::string> read_ld_so_conf(const std::string& path)
{
    std::vector<std::string> directories;
    read_ld_so_conf_into(path, directories, 0);
    return directories;
}

std::vector<std::string> default_library_directories(const std::string& ld_so_conf)
{
    std::vector<std::string> directories = read_ld_so_conf(ld_so_conf);
    for (auto builtin : { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" }) {
        if (std::find(directories.begin(), directories.end(), builtin) == directories.end())
            directories.push_back(builtin);
    }
    return directories;
}

std::vector<std::string> expand_search_path(std::string_view list, std::string_view origin)
{
    // What Debian's x86-64 ld.so substitutes (LD_DEBUG=libs shows it); other $NAMEs stay.
    static constexpr std::pair<std::string_view, std::string_view> tokens[] = {
        { "ORIGIN", "" }, { "LIB", "lib/x86_64-linux-gnu" }, { "PLATFORM", "x86_64" }
    };
    std::vector<std::string> directories;
    for (size_t start = 0; start <= list.size();) {
        size_t colon = list.find(':', start);
        if (colon == std::string_view::npos)
            colon = list.size();
        std::string_view entry = list.substr(start, colon - start);
        start = colon + 1;

        std::string directory;
        for (size_t index = 0; index < entry.size();) {
            bool replaced = false;
            if (entry[index] == '$') {
                for (auto [name, value] : tokens) {
                    std::string braced = "{" + std::string(name) + "}";
                    std::string_view rest = entry.substr(index + 1);
                    size_t length = 0;
                    if (rest.starts_with(braced))
                        length = braced.size();
                    else if (rest.starts_with(name) && (rest.size() == name.size() || !(isalnum(static_cast<unsigned char>(rest[name.size()])) || rest[name.size()] == '_')))
                        length = name.size();
                    if (length == 0)
                        continue;
                    directory += name == "ORIGIN" ? origin : value;
                    index += 1 + length;
                    replaced = true;
                    break;
                }
            }
            if (!replaced)
                directory += entry[index++];
        }
        // FIXME: a relative entry is relative to the working directory, which means nothing
        // in another root; such entries are left out.
        while (directory.size() > 1 && directory.ends_with('/'))
            directory.pop_back();
        if (directory.starts_with('/'))
            directories.push_back(std::move(directory));
    }
    return directories;
}

ElfDependencies const& LibraryResolver::dependencies_of(const std::string& path)
{
    auto known = m_parsed.find(path);
    if (known == m_parsed.end())
        known = m_parsed.emplace(path, read_elf_dependencies(path)).first;
    return known->second;
}

std::optional<std::string> LibraryResolver::search(const std::string& name, const std::vector<std::string>& directories)
{
    // FIXME: ld.so also tries glibc-hwcaps/x86-64-v{4,3,2} below each directory first.
    for (auto const& directory : directories) {
        std::string candidate = directory == "/" ? "/" + name : directory + "/" + name;
        struct stat status {};
        if (stat(candidate.c_str(), &status) < 0 || !S_ISREG(status.st_mode))
            continue;
        try {
            if (file_kind(candidate) == FileKind::Elf)
                return candidate;
        } catch (const RootfsError&) {
            // Unreadable: ld.so goes on to the next directory too.
        }
    }
    return std::nullopt;
}

std::vector<ResolvedObject> LibraryResolver::resolve(const std::string& root, const std::string& origin_path)
{
    struct Pending {
        std::string path;
        std::string origin;
        std::vector<std::string> loader_rpath; // the DT_RPATH directories of the objects that led here
    };
    std::vector<ResolvedObject> objects;
    std::map<std::string, std::string> loaded; // name or soname -> path, as ld.so matches them
    std::deque<Pending> pending { { root, directory_of(origin_path), {} } };

    auto const& program = dependencies_of(root);
    if (!program.interpreter.empty()) {
        struct stat status {};
        if (stat(program.interpreter.c_str(), &status) < 0 || !S_ISREG(status.st_mode))
            throw RootfsError(root + " needs the dynamic linker " + program.interpreter + ", which is not on this host");
        auto const& linker = dependencies_of(program.interpreter);
        objects.push_back({ program.interpreter, root });
        // The dynamic linker is already loaded: libc's DT_NEEDED on it finds it by name.
        loaded.emplace(program.interpreter.substr(program.interpreter.rfind('/') + 1), program.interpreter);
        if (linker.soname)
            loaded.emplace(*linker.soname, program.interpreter);
    }

    while (!pending.empty()) {
        Pending object = std::move(pending.front());
        pending.pop_front();
        // Copies, not references: dependencies_of may add to m_parsed below.
        ElfDependencies dependencies = dependencies_of(object.path);
        if (dependencies.soname)
            loaded.emplace(*dependencies.soname, object.path);

        // An object with DT_RUNPATH ignores DT_RPATH, its own and its loaders'.
        std::vector<std::string> rpath, runpath;
        if (dependencies.runpath) {
            runpath = expand_search_path(*dependencies.runpath, object.origin);
        } else {
            if (dependencies.rpath)
                rpath = expand_search_path(*dependencies.rpath, object.origin);
            rpath.insert(rpath.end(), object.loader_rpath.begin(), object.loader_rpath.end());
        }

        for (auto const& name : dependencies.needed) {
            if (loaded.contains(name))
                continue;
            std::optional<std::string> found;
            if (name.find('/') != std::string::npos) {
                // A name with a slash is a path ($ORIGIN expanded), not searched for.
                auto paths = expand_search_path(name, object.origin);
                if (!paths.empty())
                    found = search(paths[0].substr(paths[0].rfind('/') + 1), { directory_of(paths[0]) });
            } else {
                found = search(name, rpath);
                if (!found)
                    found = search(name, runpath);
                if (!found)
                    found = search(name, m_directories);
            }
            if (!found)
                throw RootfsError(object.path + " needs " + name + ", which is not on this host");
            loaded.emplace(name, *found);
            objects.push_back({ *found, object.path });
            pending.push_back({ *found, directory_of(*found), dependencies.runpath ? object.loader_rpath : rpath });
        }
    }
    return objects;
}

} // namespace cli
