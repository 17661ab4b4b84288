// Parsing `unikit run` options (sizes, -e, log levels, where ROOTFS and PROGRAM begin) and
// `unikit rootfs` options.
#pragma once

#include "host/vm_config.h"

#include <abi/boot_info.h>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <stdint.h>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

// A mistake on the command line: printed as "unikit: <what>", plus "Try 'unikit run --help'."
// when suggest_help is set; exit status 125.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& message, bool suggest_help = true)
        : std::runtime_error(message)
        , m_suggest_help(suggest_help)
    {
    }
    bool suggest_help() const { return m_suggest_help; }

private:
    bool m_suggest_help;
};

inline constexpr uint64_t DEFAULT_MEMORY = 512ull << 20;
inline constexpr uint64_t MINIMUM_MEMORY = 16ull << 20;
inline constexpr uint64_t MAXIMUM_MEMORY = 64ull << 30;

// A -v HOST:GUEST[:ro|:rw] volume, as parsed (HOST is not checked here).
struct VolumeOption {
    std::string host_path;
    std::string guest_path; // absolute, normalized ("//a/./b/" is refused, "/a//b/" is "/a/b"), not "/"
    bool read_only = false;
    bool operator==(const VolumeOption&) const = default;
};

inline constexpr size_t VOLUMES_MAX = 31; // uabi::MOUNTS_MAX less ROOTFS
inline constexpr size_t VOLUME_PATH_MAX = 255;

struct RunOptions {
    bool help = false;
    std::vector<std::string> env;  // the -e arguments as given, in order
    uint64_t memory_bytes = DEFAULT_MEMORY;
    bool trace = false;
    bool stats = false;
    uabi::LogLevel log_level = uabi::LogLevel::Error;
    std::vector<VolumeOption> volumes; // -v, in order
    uint64_t timeout_ns = 0;           // --timeout; 0: none
    bool seccomp = true;               // --no-seccomp clears it
    host::NetworkConfig network;       // --net (slirp unless given) and -p
    std::string rootfs;
    std::vector<std::string> program; // PROGRAM then its arguments, verbatim
};

// Parses the arguments after "run". Options end at ROOTFS (or at "--"); one "--" right after
// ROOTFS is dropped; everything from PROGRAM on belongs to the program. Throws UsageError.
RunOptions parse_run_options(std::span<const std::string> args);

// "512M", "2g", "1GB", "16777216", "64k": bytes (UINT64_MAX if it overflows), nullopt for garbage.
std::optional<uint64_t> parse_size(std::string_view text);

// A checked guest memory size, rounded up to 4 KiB; option is "-m" or "--memory" for messages.
uint64_t parse_memory(std::string_view option, std::string_view text);

// "-v HOST:GUEST[:ro|:rw]" (option is "-v" or "--volume" for messages). Throws UsageError.
VolumeOption parse_volume(std::string_view option, std::string_view spec);

// "90", "90s", "1500ms", "2m", "1h", "1.5s": nanoseconds, nullopt for garbage, 0 or over a year.
std::optional<uint64_t> parse_duration(std::string_view text);

std::optional<uabi::LogLevel> parse_log_level(std::string_view text);

using EnvLookup = std::function<const char*(const char* name)>;

// The guest environment: PATH and HOME=/, then each -e NAME=VALUE or NAME (the caller's value,
// skipped if unset); a later NAME replaces an earlier one in place. Throws UsageError.
std::vector<std::string> guest_environment(const std::vector<std::string>& env_options, const EnvLookup& lookup);

struct RootfsOptions {
    bool help = false;
    bool verbose = false;
    std::vector<std::string> programs; // --from-host, in order
    std::vector<std::string> trees;    // --add, in order
    std::string output;                // -o
};

// Parses the arguments after "rootfs": --from-host PROGRAM and --add PATH (repeatable), -o DIR
// (required, once), -v, --help. Throws UsageError.
RootfsOptions parse_rootfs_options(std::span<const std::string> args);

inline constexpr const char* DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

} // namespace cli
