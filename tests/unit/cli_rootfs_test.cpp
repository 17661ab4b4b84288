// Unit tests for `unikit rootfs`: the ELF dependency reader (host binaries, made-up and broken
// ELF files), the library search in ld.so's order ($ORIGIN, DT_RPATH, DT_RUNPATH, ld.so.conf),
// program lookup, option parsing and the builder's copies. Suites are named cli_rootfs_* so
// that `ctest -R cli_rootfs` picks them out.
#include "cli/elf_dependencies.h"
#include "cli/options.h"
#include "cli/rootfs_builder.h"

#include <algorithm>
#include <elf.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <limits.h>
#include <random>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using cli::FileKind;
using cli::RootfsError;
using Strings = std::vector<std::string>;

// A temporary directory, removed with everything in it at the end of the test.
class TemporaryDirectory {
public:
    TemporaryDirectory()
    {
        char pattern[] = "/tmp/unikit-rootfs-test.XXXXXX";
        if (mkdtemp(pattern))
            m_path = pattern;
    }
    ~TemporaryDirectory()
    {
        if (!m_path.empty())
            std::filesystem::remove_all(m_path);
    }
    const std::string& path() const { return m_path; }
    std::string operator/(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

void write_file(const std::string& path, const std::string& contents, mode_t mode = 0644)
{
    std::filesystem::create_directories(path.substr(0, path.rfind('/')));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
    chmod(path.c_str(), mode);
}

std::string read_file(const std::string& path)
{
    std::ifstream stream(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(stream), {});
}

std::string real_path(const std::string& path)
{
    char resolved[PATH_MAX];
    return realpath(path.c_str(), resolved) ? resolved : "";
}

// What a made-up ELF file holds: one PT_LOAD mapping the whole file, then PT_INTERP and
// PT_DYNAMIC as asked; the dynamic section comes last, after the strings.
struct FakeElf {
    std::string interpreter;
    Strings needed;
    std::optional<std::string> rpath;
    std::optional<std::string> runpath;
    std::optional<std::string> soname;
    bool dynamic = true;
    uint16_t type = ET_DYN;
};

constexpr uint64_t FAKE_BASE = 0x400000;

std::string build_elf(const FakeElf& spec)
{
    std::string strings(1, '\0');
    auto add_string = [&](const std::string& text) {
        uint64_t offset = strings.size();
        strings += text + '\0';
        return offset;
    };
    std::vector<Elf64_Dyn> entries;
    for (auto const& name : spec.needed)
        entries.push_back({ DT_NEEDED, { add_string(name) } });
    if (spec.rpath)
        entries.push_back({ DT_RPATH, { add_string(*spec.rpath) } });
    if (spec.runpath)
        entries.push_back({ DT_RUNPATH, { add_string(*spec.runpath) } });
    if (spec.soname)
        entries.push_back({ DT_SONAME, { add_string(*spec.soname) } });

    uint16_t phnum = 1 + (spec.interpreter.empty() ? 0 : 1) + (spec.dynamic ? 1 : 0);
    uint64_t interpreter_offset = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    uint64_t strings_offset = interpreter_offset + (spec.interpreter.empty() ? 0 : spec.interpreter.size() + 1);
    uint64_t dynamic_offset = (strings_offset + strings.size() + 7) & ~uint64_t { 7 };
    entries.push_back({ DT_STRTAB, { FAKE_BASE + strings_offset } });
    entries.push_back({ DT_STRSZ, { strings.size() } });
    entries.push_back({ DT_NULL, { 0 } });
    uint64_t size = dynamic_offset + (spec.dynamic ? entries.size() * sizeof(Elf64_Dyn) : 0);

    std::string file(size, '\0');
    Elf64_Ehdr header {};
    memcpy(header.e_ident, ELFMAG, SELFMAG);
    header.e_ident[EI_CLASS] = ELFCLASS64;
    header.e_ident[EI_DATA] = ELFDATA2LSB;
    header.e_ident[EI_VERSION] = EV_CURRENT;
    header.e_type = spec.type;
    header.e_machine = EM_X86_64;
    header.e_version = EV_CURRENT;
    header.e_phoff = sizeof(Elf64_Ehdr);
    header.e_ehsize = sizeof(Elf64_Ehdr);
    header.e_phentsize = sizeof(Elf64_Phdr);
    header.e_phnum = phnum;
    memcpy(file.data(), &header, sizeof header);

    std::vector<Elf64_Phdr> segments;
    segments.push_back({ PT_LOAD, PF_R, 0, FAKE_BASE, FAKE_BASE, size, size, 4096 });
    if (!spec.interpreter.empty()) {
        uint64_t length = spec.interpreter.size() + 1;
        segments.push_back({ PT_INTERP, PF_R, interpreter_offset, FAKE_BASE + interpreter_offset, 0, length, length, 1 });
        memcpy(file.data() + interpreter_offset, spec.interpreter.c_str(), length);
    }
    if (spec.dynamic) {
        uint64_t length = entries.size() * sizeof(Elf64_Dyn);
        segments.push_back({ PT_DYNAMIC, PF_R | PF_W, dynamic_offset, FAKE_BASE + dynamic_offset, 0, length, length, 8 });
        memcpy(file.data() + dynamic_offset, entries.data(), length);
    }
    memcpy(file.data() + sizeof(Elf64_Ehdr), segments.data(), segments.size() * sizeof(Elf64_Phdr));
    memcpy(file.data() + strings_offset, strings.data(), strings.size());
    return file;
}

void write_elf(const std::string& path, const FakeElf& spec)
{
    write_file(path, build_elf(spec), 0755);
}

// The message of the RootfsError FUNCTION throws, or "" if it throws none.
template<typename Function>
std::string error_of(Function function)
{
    try {
        function();
    } catch (const RootfsError& error) {
        return error.what();
    }
    return "";
}

Strings paths_of(const std::vector<cli::ResolvedObject>& objects)
{
    Strings paths;
    for (auto const& object : objects)
        paths.push_back(object.path);
    return paths;
}

// --- reading ELF files ---

TEST(cli_rootfs_elf, HostLsNeedsLibcThroughItsDynamicLinker)
{
    std::string ls = real_path("/bin/ls");
    ASSERT_FALSE(ls.empty());
    EXPECT_EQ(cli::file_kind(ls), FileKind::Elf);
    auto dependencies = cli::read_elf_dependencies(ls);
    EXPECT_TRUE(dependencies.dynamic);
    EXPECT_EQ(dependencies.interpreter, "/lib64/ld-linux-x86-64.so.2");
    EXPECT_NE(std::find(dependencies.needed.begin(), dependencies.needed.end(), "libc.so.6"), dependencies.needed.end());
    EXPECT_FALSE(dependencies.runpath.has_value());
}

TEST(cli_rootfs_elf, HostLibcHasASonameAndNeedsTheDynamicLinker)
{
    auto libc = cli::read_elf_dependencies("/lib/x86_64-linux-gnu/libc.so.6");
    EXPECT_TRUE(libc.interpreter.empty() || libc.interpreter.starts_with('/'));
    EXPECT_EQ(libc.soname, "libc.so.6");
    EXPECT_EQ(libc.needed, Strings { "ld-linux-x86-64.so.2" });
}

TEST(cli_rootfs_elf, FakeElfRoundTrips)
{
    TemporaryDirectory directory;
    write_elf(directory / "prog", { .interpreter = "/lib64/ld-fake.so.2", .needed = { "liba.so.1", "libb.so.2" }, .rpath = "/r1:/r2", .runpath = "$ORIGIN/../lib", .soname = "prog.so" });
    auto dependencies = cli::read_elf_dependencies(directory / "prog");
    EXPECT_EQ(dependencies.interpreter, "/lib64/ld-fake.so.2");
    EXPECT_EQ(dependencies.needed, (Strings { "liba.so.1", "libb.so.2" }));
    EXPECT_EQ(dependencies.rpath, "/r1:/r2");
    EXPECT_EQ(dependencies.runpath, "$ORIGIN/../lib");
    EXPECT_EQ(dependencies.soname, "prog.so");

    write_elf(directory / "static", { .dynamic = false, .type = ET_EXEC });
    auto static_program = cli::read_elf_dependencies(directory / "static");
    EXPECT_FALSE(static_program.dynamic);
    EXPECT_TRUE(static_program.interpreter.empty());
    EXPECT_TRUE(static_program.needed.empty());
}

TEST(cli_rootfs_elf, FileKinds)
{
    TemporaryDirectory directory;
    write_file(directory / "script", "#!/bin/sh\necho hi\n", 0755);
    write_file(directory / "text", "hello\n");
    write_file(directory / "empty", "");
    std::string elf32 = build_elf({});
    elf32[EI_CLASS] = ELFCLASS32;
    write_file(directory / "elf32", elf32);
    write_elf(directory / "object", { .dynamic = false, .type = ET_REL });
    write_file(directory / "tiny-elf", "\x7f" "ELF\x02\x01");

    EXPECT_EQ(cli::file_kind(directory / "script"), FileKind::Script);
    EXPECT_EQ(cli::file_kind(directory / "text"), FileKind::Other);
    EXPECT_EQ(cli::file_kind(directory / "empty"), FileKind::Other);
    EXPECT_EQ(cli::file_kind(directory / "elf32"), FileKind::OtherElf);
    EXPECT_EQ(cli::file_kind(directory / "object"), FileKind::OtherElf);
    // Too short to tell: treated as ours, so that reading it reports the truncation.
    EXPECT_EQ(cli::file_kind(directory / "tiny-elf"), FileKind::Elf);
    EXPECT_NE(error_of([&] { cli::file_kind(directory / "missing"); }).find("No such file"), std::string::npos);

    EXPECT_NE(error_of([&] { cli::read_elf_dependencies(directory / "text"); }).find("not an ELF file"), std::string::npos);
    EXPECT_NE(error_of([&] { cli::read_elf_dependencies(directory / "elf32"); }).find("not an x86-64"), std::string::npos);
}

TEST(cli_rootfs_elf, EveryTruncationIsAnErrorNotACrash)
{
    TemporaryDirectory directory;
    std::string whole = build_elf({ .interpreter = "/lib64/ld.so", .needed = { "liba.so" }, .runpath = "/x" });
    for (size_t length = 0; length < whole.size(); ++length) {
        write_file(directory / "cut", whole.substr(0, length));
        EXPECT_NE(error_of([&] { cli::read_elf_dependencies(directory / "cut"); }), "") << "cut at " << length;
    }

    // The first 4 KiB of a real program: the headers are there, its dynamic section is not.
    write_file(directory / "ls-head", read_file(real_path("/bin/ls")).substr(0, 4096));
    std::string message = error_of([&] { cli::read_elf_dependencies(directory / "ls-head"); });
    EXPECT_NE(message.find(directory / "ls-head"), std::string::npos) << message;
    EXPECT_NE(message.find("malformed ELF file"), std::string::npos) << message;
}

TEST(cli_rootfs_elf, CorruptFieldsAreNamed)
{
    TemporaryDirectory directory;
    std::string good = build_elf({ .interpreter = "/lib64/ld.so", .needed = { "liba.so" } });
    auto header = [&] {
        Elf64_Ehdr value;
        memcpy(&value, good.data(), sizeof value);
        return value;
    }();
    auto segment_offset = [&](uint32_t type) {
        for (size_t index = 0; index < header.e_phnum; ++index) {
            Elf64_Phdr segment;
            memcpy(&segment, good.data() + header.e_phoff + index * sizeof segment, sizeof segment);
            if (segment.p_type == type)
                return header.e_phoff + index * sizeof segment;
        }
        return uint64_t { 0 };
    };
    auto expect_error = [&](std::string bytes, const char* reason) {
        write_file(directory / "bad", bytes);
        std::string message = error_of([&] { cli::read_elf_dependencies(directory / "bad"); });
        EXPECT_NE(message.find(reason), std::string::npos) << "expected '" << reason << "', got '" << message << "'";
    };

    std::string bytes = good;
    uint16_t phentsize = 32;
    memcpy(bytes.data() + offsetof(Elf64_Ehdr, e_phentsize), &phentsize, 2);
    expect_error(bytes, "program header size 32");

    bytes = good;
    uint64_t far = 1ull << 40;
    memcpy(bytes.data() + offsetof(Elf64_Ehdr, e_phoff), &far, 8);
    expect_error(bytes, "program headers past the end of the file");

    // PT_INTERP without its terminating NUL.
    bytes = good;
    uint64_t interpreter = segment_offset(PT_INTERP);
    uint64_t one = 3;
    memcpy(bytes.data() + interpreter + offsetof(Elf64_Phdr, p_filesz), &one, 8);
    expect_error(bytes, "PT_INTERP is not an absolute path");

    // DT_STRTAB pointing below the one PT_LOAD, and DT_NEEDED past DT_STRSZ.
    uint64_t dynamic_segment = segment_offset(PT_DYNAMIC);
    Elf64_Phdr dynamic;
    memcpy(&dynamic, good.data() + dynamic_segment, sizeof dynamic);
    auto patch_entry = [&](std::string& target, int64_t tag, uint64_t value) {
        for (uint64_t offset = dynamic.p_offset; offset < dynamic.p_offset + dynamic.p_filesz; offset += sizeof(Elf64_Dyn)) {
            Elf64_Dyn entry;
            memcpy(&entry, target.data() + offset, sizeof entry);
            if (entry.d_tag == tag) {
                entry.d_un.d_val = value;
                memcpy(target.data() + offset, &entry, sizeof entry);
            }
        }
    };
    bytes = good;
    patch_entry(bytes, DT_STRTAB, 0x1000);
    expect_error(bytes, "DT_STRTAB is in no PT_LOAD segment");
    bytes = good;
    patch_entry(bytes, DT_NEEDED, 1u << 20);
    expect_error(bytes, "DT_NEEDED string outside DT_STRTAB");
    bytes = good;
    patch_entry(bytes, DT_STRSZ, 1u << 30);
    expect_error(bytes, "DT_STRTAB runs past its PT_LOAD segment");
}

TEST(cli_rootfs_elf, RandomDamageToARealProgramNeverCrashes)
{
    TemporaryDirectory directory;
    std::string ls = read_file(real_path("/bin/ls"));
    ASSERT_GT(ls.size(), 4096u);
    std::mt19937 random(7);
    for (int round = 0; round < 300; ++round) {
        std::string bytes = ls;
        // Damage the headers and the program header table, where the parser looks first.
        for (int flips = 0; flips < 4; ++flips)
            bytes[random() % 1024] = static_cast<char>(random());
        write_file(directory / "damaged", bytes);
        try {
            (void)cli::read_elf_dependencies(directory / "damaged");
        } catch (const RootfsError&) {
        }
    }
}

TEST(cli_rootfs_elf, ScriptInterpreters)
{
    TemporaryDirectory directory;
    write_file(directory / "a", "#!/bin/sh\n");
    write_file(directory / "b", "#! /usr/bin/env  python3 \nprint(1)\n");
    write_file(directory / "c", "#!/usr/bin/perl -w -T\n");
    write_file(directory / "d", "#!\n");
    EXPECT_EQ(cli::read_script_interpreter(directory / "a").interpreter, "/bin/sh");
    EXPECT_EQ(cli::read_script_interpreter(directory / "a").argument, "");
    EXPECT_EQ(cli::read_script_interpreter(directory / "b").interpreter, "/usr/bin/env");
    EXPECT_EQ(cli::read_script_interpreter(directory / "b").argument, "python3");
    EXPECT_EQ(cli::read_script_interpreter(directory / "c").argument, "-w -T");
    EXPECT_NE(error_of([&] { cli::read_script_interpreter(directory / "d"); }).find("names no interpreter"), std::string::npos);
}

// --- where libraries are searched ---

TEST(cli_rootfs_search, LdSoConfIncludesCommentsAndRepeats)
{
    TemporaryDirectory directory;
    write_file(directory / "ld.so.conf", "# top\ninclude conf.d/*.conf\n/opt/first  # trailing\n\nhwcap 0 nosegneg\n/usr/lib/x86_64-linux-gnu/\n/old=libc6\n");
    write_file(directory / "conf.d/b.conf", "/b/lib\ninclude " + directory.path() + "/ld.so.conf\n");
    write_file(directory / "conf.d/a.conf", "/a/lib\n/b/lib\nrelative/ignored\n");
    write_file(directory / "conf.d/a.conf.disabled", "/never\n");
    EXPECT_EQ(cli::read_ld_so_conf(directory / "ld.so.conf"),
        (Strings { "/a/lib", "/b/lib", "/opt/first", "/usr/lib/x86_64-linux-gnu", "/old" }));
    EXPECT_TRUE(cli::read_ld_so_conf(directory / "missing.conf").empty());

    EXPECT_EQ(cli::default_library_directories(directory / "ld.so.conf"),
        (Strings { "/a/lib", "/b/lib", "/opt/first", "/usr/lib/x86_64-linux-gnu", "/old", "/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" }));
}

TEST(cli_rootfs_search, OriginLibAndPlatformExpand)
{
    EXPECT_EQ(cli::expand_search_path("$ORIGIN/../lib:${ORIGIN}:/x/$LIB::/y/${PLATFORM}/z:relative:/keep/$ORIGINAL:/v/$FOO/", "/opt/app/bin"),
        (Strings { "/opt/app/bin/../lib", "/opt/app/bin", "/x/lib/x86_64-linux-gnu", "/y/x86_64/z", "/keep/$ORIGINAL", "/v/$FOO" }));
    EXPECT_TRUE(cli::expand_search_path("", "/o").empty());
}

// A made-up installation: bin/prog needs liba (found through RUNPATH $ORIGIN/../lib), liba
// needs libb (in the default directory sys/), and a 32-bit libb earlier in the search.
class cli_rootfs_layout : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_FALSE(m_directory.path().empty()); }
    std::string path(const std::string& name) const { return m_directory / name; }
    Strings defaults() const { return { path("sys32"), path("sys") }; }

    TemporaryDirectory m_directory;
};

TEST_F(cli_rootfs_layout, RunpathWithOriginThenDefaultDirectories)
{
    write_elf(path("bin/prog"), { .interpreter = path("ld/ld-fake.so"), .needed = { "liba.so.1" }, .runpath = "$ORIGIN/../lib" });
    write_elf(path("ld/ld-fake.so"), { .soname = "ld-fake.so" });
    write_elf(path("lib/liba.so.1"), { .needed = { "libb.so.2", "ld-fake.so" } });
    std::string elf32 = build_elf({});
    elf32[EI_CLASS] = ELFCLASS32;
    write_file(path("sys32/libb.so.2"), elf32);
    write_elf(path("sys/libb.so.2"), { .needed = { "liba.so.1" } });

    cli::LibraryResolver resolver(defaults());
    auto objects = resolver.resolve(path("bin/prog"), path("bin/prog"));
    // $ORIGIN is kept as written: bin/../lib.
    EXPECT_EQ(paths_of(objects), (Strings { path("ld/ld-fake.so"), path("bin/../lib/liba.so.1"), path("sys/libb.so.2") }));
    ASSERT_EQ(objects.size(), 3u);
    EXPECT_EQ(objects[0].needed_by, path("bin/prog"));
    EXPECT_EQ(objects[2].needed_by, path("bin/../lib/liba.so.1"));

    // $ORIGIN follows the origin path given, not the file read.
    std::string message = error_of([&] { resolver.resolve(path("bin/prog"), path("elsewhere/prog")); });
    EXPECT_EQ(message, path("bin/prog") + " needs liba.so.1, which is not on this host");
}

TEST_F(cli_rootfs_layout, RunpathHidesRpathAndRpathReachesDependencies)
{
    write_elf(path("r1/libx.so"), { .soname = "libx.so" });
    write_elf(path("r2/libx.so"), {});
    write_elf(path("r1/libdeep.so"), {});
    write_elf(path("sys/libmid.so"), { .needed = { "libdeep.so" } });

    // DT_RUNPATH present: DT_RPATH is ignored.
    write_elf(path("both"), { .needed = { "libx.so" }, .rpath = path("r1"), .runpath = path("r2") });
    cli::LibraryResolver resolver(defaults());
    EXPECT_EQ(paths_of(resolver.resolve(path("both"), path("both"))), Strings { path("r2/libx.so") });

    // DT_RPATH alone comes before the default directories and serves libmid's needs too.
    write_elf(path("old"), { .needed = { "libmid.so", "libx.so" }, .rpath = path("r1") });
    EXPECT_EQ(paths_of(resolver.resolve(path("old"), path("old"))), (Strings { path("sys/libmid.so"), path("r1/libx.so"), path("r1/libdeep.so") }));

    // DT_RUNPATH is the object's own: libmid cannot use it.
    write_elf(path("new"), { .needed = { "libmid.so" }, .runpath = path("r1") });
    EXPECT_EQ(error_of([&] { resolver.resolve(path("new"), path("new")); }),
        path("sys/libmid.so") + " needs libdeep.so, which is not on this host");
}

TEST_F(cli_rootfs_layout, EachNameOnceAndMissingPieces)
{
    write_elf(path("sys/liba.so"), { .needed = { "libc.so" } });
    write_elf(path("sys/libb.so"), { .needed = { "libc.so", "liba.so" } });
    write_elf(path("sys/libc.so"), {});
    write_elf(path("prog"), { .needed = { "liba.so", "libb.so" } });
    cli::LibraryResolver resolver(defaults());
    EXPECT_EQ(paths_of(resolver.resolve(path("prog"), path("prog"))), (Strings { path("sys/liba.so"), path("sys/libb.so"), path("sys/libc.so") }));

    write_elf(path("no-linker"), { .interpreter = path("ld/missing.so") });
    EXPECT_EQ(error_of([&] { resolver.resolve(path("no-linker"), path("no-linker")); }),
        path("no-linker") + " needs the dynamic linker " + path("ld/missing.so") + ", which is not on this host");

    // A library that is a broken ELF file stops the search with its own message.
    write_file(path("sys/libbroken.so"), build_elf({ .needed = { "x" } }).substr(0, 200));
    write_elf(path("uses-broken"), { .needed = { "libbroken.so" } });
    EXPECT_NE(error_of([&] { resolver.resolve(path("uses-broken"), path("uses-broken")); }).find(path("sys/libbroken.so") + ": malformed ELF file"), std::string::npos);

    // A name with a slash is a path: $ORIGIN/sub/libz.so.
    write_elf(path("sub/libz.so"), {});
    write_elf(path("by-path"), { .needed = { "$ORIGIN/sub/libz.so" } });
    EXPECT_EQ(paths_of(resolver.resolve(path("by-path"), path("by-path"))), Strings { path("sub/libz.so") });
}

TEST(cli_rootfs_search, HostLsResolvesToLibcAndTheDynamicLinker)
{
    cli::LibraryResolver resolver(cli::default_library_directories());
    std::string ls = real_path("/bin/ls");
    auto objects = resolver.resolve(ls, ls);
    auto paths = paths_of(objects);
    ASSERT_FALSE(paths.empty());
    EXPECT_EQ(paths[0], "/lib64/ld-linux-x86-64.so.2");
    bool libc = std::any_of(paths.begin(), paths.end(), [](auto const& found) { return found.ends_with("/libc.so.6"); });
    EXPECT_TRUE(libc);
    for (auto const& found : paths) {
        EXPECT_EQ(cli::file_kind(found), FileKind::Elf) << found;
        EXPECT_EQ(std::count(paths.begin(), paths.end(), found), 1) << found;
    }
}

TEST(cli_rootfs_search, FindProgramInPath)
{
    TemporaryDirectory directory;
    write_file(directory / "one/tool", "#!/bin/sh\n", 0644); // not executable: skipped
    write_file(directory / "two/tool", "#!/bin/sh\n", 0755);
    std::filesystem::create_directories(directory / "three/tool"); // a directory: skipped
    std::string path = directory / "three" + ":" + (directory / "one") + "::" + (directory / "two");
    EXPECT_EQ(cli::find_program("tool", path), directory / "two/tool");
    EXPECT_EQ(cli::find_program("nosuchprog", path), std::nullopt);
    EXPECT_EQ(cli::find_program("./relative/x", path), "./relative/x");
}

// --- options ---

TEST(cli_rootfs_options, Parses)
{
    auto options = cli::parse_rootfs_options(Strings { "--from-host", "ls", "--add=/usr/share/x", "-v", "--from-host=/bin/bash", "-o", "out" });
    EXPECT_EQ(options.programs, (Strings { "ls", "/bin/bash" }));
    EXPECT_EQ(options.trees, Strings { "/usr/share/x" });
    EXPECT_EQ(options.output, "out");
    EXPECT_TRUE(options.verbose);
    EXPECT_FALSE(options.help);
    EXPECT_EQ(cli::parse_rootfs_options(Strings { "-odir", "--add", "/x" }).output, "dir");
    EXPECT_EQ(cli::parse_rootfs_options(Strings { "--output=dir", "--add", "/x" }).output, "dir");
    EXPECT_TRUE(cli::parse_rootfs_options(Strings { "--help", "--bogus" }).help);
}

TEST(cli_rootfs_options, Mistakes)
{
    auto message = [](Strings args) {
        try {
            (void)cli::parse_rootfs_options(args);
        } catch (const cli::UsageError& error) {
            return std::string(error.what());
        }
        return std::string();
    };
    EXPECT_EQ(message({ "--from-host", "ls" }), "missing -o DIR");
    EXPECT_EQ(message({ "-o", "dir" }), "nothing to copy: give --from-host PROGRAM or --add PATH");
    EXPECT_EQ(message({ "--from-host" }), "option '--from-host' needs a value");
    EXPECT_EQ(message({ "--from-host", "ls", "-o" }), "option '-o' needs a value");
    EXPECT_EQ(message({ "--from-host", "ls", "-o", "a", "-o", "b" }), "option '-o' given twice");
    EXPECT_EQ(message({ "--from-host=", "-o", "a" }), "option '--from-host' needs a non-empty value");
    EXPECT_EQ(message({ "ls", "-o", "a" }), "unexpected argument 'ls'");
    EXPECT_EQ(message({ "--bogus", "-o", "a" }), "unknown option '--bogus'");
    EXPECT_EQ(message({ "--verbose=yes", "-o", "a" }), "option '--verbose' takes no value");
}

// --- the builder ---

TEST(cli_rootfs_builder, TreesKeepSymlinksAndBringLibraries)
{
    TemporaryDirectory host, output;
    write_elf(host / "app/bin/tool", { .needed = { "libapp.so" }, .runpath = "$ORIGIN/../lib" });
    write_elf(host / "app/lib/libapp.so.1.0", { .needed = { "libsys.so" } });
    ASSERT_EQ(symlink("libapp.so.1.0", (host / "app/lib/libapp.so").c_str()), 0);
    write_elf(host / "sys/libsys.so", {});
    write_file(host / "app/share/readme", "hello\n", 0640);
    ASSERT_EQ(symlink("app", (host / "current").c_str()), 0);

    cli::RootfsBuilder builder(output.path(), { host / "sys" }, "", nullptr);
    builder.add_tree(host / "current/bin");
    builder.add_tree(host / "app/share");

    std::string root = output / host.path().substr(1);
    struct stat status {};
    // The symlink on the way is made again; files sit at their real paths.
    char target[64] = {};
    ASSERT_GT(readlink((root + "/current").c_str(), target, sizeof target - 1), 0);
    EXPECT_STREQ(target, "app");
    EXPECT_EQ(read_file(root + "/app/bin/tool"), read_file(host / "app/bin/tool"));
    ASSERT_EQ(lstat((root + "/app/lib/libapp.so").c_str(), &status), 0);
    EXPECT_TRUE(S_ISLNK(status.st_mode));
    EXPECT_EQ(read_file(root + "/app/lib/libapp.so.1.0"), read_file(host / "app/lib/libapp.so.1.0"));
    EXPECT_EQ(read_file(root + "/sys/libsys.so"), read_file(host / "sys/libsys.so"));
    ASSERT_EQ(stat((root + "/app/share/readme").c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 07777, 0640u);
    EXPECT_EQ(read_file(root + "/app/share/readme"), "hello\n");
}

TEST(cli_rootfs_builder, ProgramsScriptsAndBaseDirectories)
{
    TemporaryDirectory host, output;
    write_elf(host / "bin/interp", {});
    write_file(host / "bin/script", "#!" + (host / "bin/interp") + " -x\n", 0755);
    write_file(host / "bin/data", "plain\n", 0600);
    cli::RootfsBuilder builder(output.path(), {}, host / "bin", nullptr);
    builder.add_base_directories();
    builder.add_program("script");
    builder.add_program(host / "bin/data");
    builder.add_user_database();

    std::string root = output / host.path().substr(1);
    EXPECT_EQ(read_file(root + "/bin/interp"), read_file(host / "bin/interp"));
    EXPECT_EQ(read_file(root + "/bin/script"), read_file(host / "bin/script"));
    EXPECT_EQ(read_file(root + "/bin/data"), "plain\n");
    struct stat status {};
    ASSERT_EQ(stat((output / "tmp").c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 07777, 01777u);
    EXPECT_EQ(read_file(output / "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");

    EXPECT_EQ(error_of([&] { builder.add_program("nosuchprog"); }), "nosuchprog: not found in PATH");
    write_elf(host / "bin/needy", { .needed = { "libfoo.so.1" } });
    EXPECT_EQ(error_of([&] { builder.add_program("needy"); }), host / "bin/needy" + " needs libfoo.so.1, which is not on this host");
}

} // namespace
