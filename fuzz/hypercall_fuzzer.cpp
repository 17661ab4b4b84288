// The hypercall fuzz harness (see hypercall_fuzzer.h): the scratch tree, the input decoder and
// the checks after every input.
#include "fuzz/hypercall_fuzzer.h"
#include "host/hypercall_table.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fuzz {

// stderr as it was at start-up: the Console target runs with libFuzzer's -close_fd_mask=2.
static int s_report_fd = 2;

static void die(const char* what, const std::string& detail = {})
{
    dprintf(s_report_fd, "fuzz: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
    abort();
}

void initialize()
{
    s_report_fd = fcntl(2, F_DUPFD_CLOEXEC, 10);
    // stdin reads and Wait see end of file at once; stdout writes go nowhere.
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (s_report_fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
        die("cannot set up stdio");
    close(null);
}

static void write_file(const std::string& path, const std::string& text)
{
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        die("cannot create", path);
    close(fd);
}

static void make_directory(const std::string& path, mode_t mode = 0755)
{
    if (mkdir(path.c_str(), mode) < 0)
        die("cannot create", path);
}

static void make_symlink(const char* target, const std::string& path)
{
    if (symlink(target, path.c_str()) < 0)
        die("cannot create", path);
}

// The files every mount starts with: a file, a subdirectory, a FIFO, escaping symlinks.
static void populate(const std::string& directory, const std::string& outside)
{
    write_file(directory + "/file", "some data\n");
    make_directory(directory + "/sub");
    write_file(directory + "/sub/nested", "nested\n");
    if (mkfifo((directory + "/fifo").c_str(), 0644) < 0)
        die("cannot create a FIFO in", directory);
    make_symlink("../outside", directory + "/escape");
    make_symlink("../../outside", directory + "/sub/escape");
    make_symlink(outside.c_str(), directory + "/absolute");
    make_symlink("/proc/self/root", directory + "/magic");
    make_symlink("/", directory + "/slash");
    make_symlink("file", directory + "/relative");
    make_symlink("loop", directory + "/loop");
}

ScratchTree::ScratchTree()
{
    char const* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/unikit-fuzz-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr)
        die("cannot create the scratch tree");
    m_base = pattern;
    write_file(path("outside"), "secret");
    make_directory(path("outside-directory"));
    for (auto const* mount : { "root", "volume", "readonly" }) {
        make_directory(path(mount));
        populate(path(mount), path("outside"));
    }
    // A hard link between ROOTFS and the outside: writing through it would show outside.
    if (link(path("outside").c_str(), path("root/hardlink").c_str()) < 0)
        die("cannot create a hard link");
}

static int remove_entry(const char* path, const struct stat*, int, FTW*)
{
    return remove(path) < 0 ? -1 : 0;
}

static int make_removable(const char* path, const struct stat* status, int type, FTW*)
{
    // A guest may have chmod'ed a directory of the volume to 0.
    if (type == FTW_D || type == FTW_DNR)
        chmod(path, 0700);
    (void)status;
    return 0;
}

static void remove_tree(const std::string& path)
{
    nftw(path.c_str(), make_removable, 16, FTW_PHYS);
    if (nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
        die("cannot remove", path);
}

ScratchTree::~ScratchTree()
{
    remove_tree(m_base);
}

void ScratchTree::reset_volume()
{
    remove_tree(path("volume"));
    make_directory(path("volume"));
    populate(path("volume"), path("outside"));
}

host::VmConfig ScratchTree::config() const
{
    host::VmConfig config;
    config.rootfs = path("root");
    config.volumes = { { path("volume"), "/data", false }, { path("readonly"), "/ro", true } };
    return config;
}

// nftw has no context argument; fingerprint() is single-threaded.
static std::string* s_digest;
static std::string s_skip;

static int digest_entry(const char* path, const struct stat* status, int, FTW* where)
{
    // The scratch directory itself changes when the volume is re-created; its entries may not.
    if (where->level == 0)
        return 0;
    if (strncmp(path, s_skip.c_str(), s_skip.size()) == 0 && (path[s_skip.size()] == 0 || path[s_skip.size()] == '/'))
        return 0;
    char line[512];
    snprintf(line, sizeof(line), "%s mode=%o uid=%u gid=%u links=%lu size=%lld mtime=%lld.%09ld ctime=%lld.%09ld", path,
        status->st_mode, status->st_uid, status->st_gid, static_cast<unsigned long>(status->st_nlink),
        static_cast<long long>(status->st_size), static_cast<long long>(status->st_mtim.tv_sec), status->st_mtim.tv_nsec,
        static_cast<long long>(status->st_ctim.tv_sec), status->st_ctim.tv_nsec);
    *s_digest += line;
    if (S_ISLNK(status->st_mode)) {
        char target[4096];
        ssize_t length = readlink(path, target, sizeof(target));
        if (length > 0)
            s_digest->append(" -> ").append(target, static_cast<size_t>(length));
    } else if (S_ISREG(status->st_mode)) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        char buffer[256];
        ssize_t got = fd < 0 ? -1 : read(fd, buffer, sizeof(buffer));
        if (fd >= 0)
            close(fd);
        if (got > 0)
            s_digest->append(" = ").append(buffer, static_cast<size_t>(got));
    }
    *s_digest += '\n';
    return 0;
}

std::string ScratchTree::fingerprint(bool with_volume) const
{
    std::string digest;
    s_digest = &digest;
    s_skip = with_volume ? std::string("//") : path("volume");
    nftw(m_base.c_str(), digest_entry, 16, FTW_PHYS);
    s_digest = nullptr;
    return digest;
}

// The open descriptors, as "N -> target" lines. Pipes are left out: the sanitizers' symbolizer
// opens a pair when libFuzzer first names a new function; no handler makes pipes.
static std::string open_descriptors()
{
    DIR* directory = opendir("/proc/self/fd");
    if (directory == nullptr)
        die("cannot list /proc/self/fd");
    std::string list;
    int own = dirfd(directory);
    while (dirent* entry = readdir(directory)) {
        if (entry->d_name[0] == '.' || atoi(entry->d_name) == own)
            continue;
        char target[512];
        ssize_t length = readlinkat(own, entry->d_name, target, sizeof(target) - 1);
        target[length < 0 ? 0 : length] = 0;
        if (strncmp(target, "pipe:", 5) == 0)
            continue;
        list.append(entry->d_name).append(" -> ").append(target).append("\n");
    }
    closedir(directory);
    return list;
}

// The gpa of a call: mostly a request slot where pokes put requests, sometimes a hostile one.
static uabi::Gpa pick_gpa(FuzzedDataProvider& input)
{
    switch (input.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
        return input.ConsumeIntegral<uint64_t>();                              // anything at all
    case 1:
        return RAM_SIZE - input.ConsumeIntegralInRange<uint64_t>(0, 512);      // straddles the end
    case 2:
        return input.ConsumeIntegralInRange<uint64_t>(0, RAM_SIZE - 1);        // unaligned, anywhere
    default:
        return uabi::HYPERCALL_PAGE_GPA + 8 * input.ConsumeIntegralInRange<uint64_t>(0, 511);
    }
}

static void run_steps(const TargetSpec& spec, FuzzedDataProvider& input, host::GuestMemory& memory, host::VmContext& context)
{
    for (int step = 0; step < 64 && input.remaining_bytes() > 0; ++step) {
        switch (input.ConsumeIntegralInRange<int>(0, 3)) {
        case 0: { // poke bytes
            uint64_t offset = input.ConsumeIntegralInRange<uint64_t>(0, RAM_SIZE - 1);
            auto bytes = input.ConsumeBytes<uint8_t>(input.ConsumeIntegralInRange<size_t>(0, 600));
            auto target = memory.bytes(offset, std::min<uint64_t>(bytes.size(), RAM_SIZE - offset));
            if (!target.empty())
                memcpy(target.data(), bytes.data(), target.size());
            break;
        }
        case 1: { // poke a word into a request slot
            uint64_t offset = uabi::HYPERCALL_PAGE_GPA + 8 * input.ConsumeIntegralInRange<uint64_t>(0, 511);
            memory.write(offset, input.ConsumeIntegral<uint64_t>());
            break;
        }
        default: { // call
            auto number = static_cast<uint64_t>(spec.hypercalls[input.ConsumeIntegralInRange<size_t>(0, spec.hypercalls.size() - 1)]);
            uabi::Gpa gpa = pick_gpa(input);
            if (input.ConsumeBool()) { // stage a whole request at gpa first
                auto bytes = input.ConsumeBytes<uint8_t>(input.ConsumeIntegralInRange<size_t>(0, 600));
                if (gpa < RAM_SIZE) {
                    auto target = memory.bytes(gpa, std::min<uint64_t>(bytes.size(), RAM_SIZE - gpa));
                    if (!target.empty())
                        memcpy(target.data(), bytes.data(), target.size());
                }
            }
            if (spec.before_call)
                spec.before_call(memory, gpa);
            int64_t result = host::dispatch_hypercall(context, number, gpa);
            if (context.exit_status)
                return; // the VM stopped: the real exit loop ends here too
            if (result < -4095)
                die("a handler returned an out-of-range error", std::to_string(result));
            break;
        }
        }
    }
}

void run_input(const TargetSpec& spec, const uint8_t* data, size_t size)
{
    // Static, so the scratch tree is removed when libFuzzer exits (not after a crash: it is
    // evidence then).
    static std::unique_ptr<ScratchTree> tree(spec.needs_hostfs ? new ScratchTree : nullptr);
    static std::string expected = tree ? tree->fingerprint(false) : std::string();
    static std::string pristine = tree ? tree->fingerprint(true) : std::string();
    static host::GuestMemory memory(RAM_SIZE);
    static std::string descriptors = open_descriptors();

    memset(memory.bytes(0, RAM_SIZE).data(), 0, RAM_SIZE);
    host::VmConfig config = tree ? tree->config() : host::VmConfig {};
    NoPlatform platform;
    host::VmStats stats;
    {
        std::unique_ptr<host::HostFsHandleTable> hostfs;
        if (tree)
            hostfs = host::HostFsHandleTable::open_mounts(config);
        host::VmContext context { config, memory, platform, stats, {}, {} };
        context.hostfs = hostfs.get();
        FuzzedDataProvider input(data, size);
        run_steps(spec, input, memory, context);
    }
    // Most inputs change nothing at all; only the others need the closer look and a reset.
    if (tree && tree->fingerprint(true) != pristine) {
        std::string now = tree->fingerprint(false);
        if (now != expected)
            die("a hypercall changed the host outside the read-write volume", "\nbefore:\n" + expected + "after:\n" + now);
        tree->reset_volume();
        pristine = tree->fingerprint(true);
    }
    if (std::string now = open_descriptors(); now != descriptors)
        die("descriptors leaked", "\nbefore:\n" + descriptors + "after:\n" + now);
}

} // namespace fuzz
