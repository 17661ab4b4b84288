// Parsing `unikit run` options (sizes, -e, log levels, where ROOTFS and PROGRAM begin) and
// `unikit rootfs` options.
#include "cli/options.h"
#include "cli/net_options.h"

#include <ctype.h>

namespace cli {

std::optional<uint64_t> parse_size(std::string_view text)
{
    size_t digits = 0;
    while (digits < text.size() && isdigit(static_cast<unsigned char>(text[digits])))
        ++digits;
    if (digits == 0)
        return std::nullopt;
    std::string_view suffix = text.substr(digits);
    unsigned shift = 0;
    if (!suffix.empty()) {
        switch (tolower(static_cast<unsigned char>(suffix[0]))) {
        case 'k': shift = 10; suffix.remove_prefix(1); break;
        case 'm': shift = 20; suffix.remove_prefix(1); break;
        case 'g': shift = 30; suffix.remove_prefix(1); break;
        default: break;
        }
    }
    if (!suffix.empty() && (suffix[0] == 'b' || suffix[0] == 'B'))
        suffix.remove_prefix(1);
    if (!suffix.empty())
        return std::nullopt;

    uint64_t value = 0;
    for (char digit : text.substr(0, digits)) {
        if (value > (UINT64_MAX - 9) / 10)
            return UINT64_MAX;
        value = value * 10 + static_cast<uint64_t>(digit - '0');
    }
    if (value > (UINT64_MAX >> shift))
        return UINT64_MAX;
    return value << shift;
}

uint64_t parse_memory(std::string_view option, std::string_view text)
{
    std::string shown = std::string(option) + " " + std::string(text);
    auto size = parse_size(text);
    if (!size)
        throw UsageError(shown + ": invalid size (use bytes or K, M, G, e.g. 512M or 2G)", false);
    if (*size < MINIMUM_MEMORY)
        throw UsageError(shown + ": too small (minimum 16M)", false);
    if (*size > MAXIMUM_MEMORY)
        throw UsageError(shown + ": too large (maximum 64G)", false);
    constexpr uint64_t page = 4096;
    return (*size + page - 1) & ~(page - 1);
}

VolumeOption parse_volume(std::string_view option, std::string_view spec)
{
    std::string shown = std::string(option) + " " + std::string(spec);
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
        size_t colon = spec.find(':', start);
        parts.push_back(spec.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
        if (colon == std::string_view::npos)
            break;
        start = colon + 1;
    }
    if (parts.size() < 2 || parts.size() > 3)
        throw UsageError(shown + ": expected HOST:GUEST[:ro|:rw]", false);

    VolumeOption volume;
    if (parts.size() == 3) {
        if (parts[2] == "ro")
            volume.read_only = true;
        else if (parts[2] != "rw")
            throw UsageError(shown + ": unknown mode '" + std::string(parts[2]) + "' (use ro or rw)", false);
    }
    if (parts[0].empty())
        throw UsageError(shown + ": missing HOST directory", false);
    volume.host_path = parts[0];

    std::string_view guest = parts[1];
    if (!guest.starts_with('/'))
        throw UsageError(shown + ": GUEST must be an absolute path", false);
    for (size_t start = 0; start < guest.size();) {
        size_t slash = guest.find('/', start);
        if (slash == std::string_view::npos)
            slash = guest.size();
        std::string_view component = guest.substr(start, slash - start);
        if (component == "." || component == "..")
            throw UsageError(shown + ": GUEST must not contain '.' or '..'", false);
        if (!component.empty()) {
            volume.guest_path += '/';
            volume.guest_path += component;
        }
        start = slash + 1;
    }
    if (volume.guest_path.empty())
        throw UsageError(shown + ": cannot mount a volume over / (ROOTFS is /)", false);
    if (volume.guest_path.size() > VOLUME_PATH_MAX)
        throw UsageError(shown + ": GUEST is too long (at most " + std::to_string(VOLUME_PATH_MAX) + " bytes)", false);
    return volume;
}

std::optional<uabi::LogLevel> parse_log_level(std::string_view text)
{
    if (text == "error")
        return uabi::LogLevel::Error;
    if (text == "warn")
        return uabi::LogLevel::Warn;
    if (text == "info")
        return uabi::LogLevel::Info;
    if (text == "debug")
        return uabi::LogLevel::Debug;
    return std::nullopt;
}

std::vector<std::string> guest_environment(const std::vector<std::string>& env_options, const EnvLookup& lookup)
{
    std::vector<std::string> environment { std::string("PATH=") + DEFAULT_PATH, "HOME=/" };
    auto set = [&](const std::string& name, const std::string& value) {
        for (auto& entry : environment) {
            if (entry.compare(0, name.size() + 1, name + "=") == 0) {
                entry = name + "=" + value;
                return;
            }
        }
        environment.push_back(name + "=" + value);
    };
    for (auto const& option : env_options) {
        auto equals = option.find('=');
        std::string name = option.substr(0, equals);
        if (name.empty())
            throw UsageError("-e " + option + ": missing variable name");
        if (equals != std::string::npos) {
            set(name, option.substr(equals + 1));
        } else if (char const* value = lookup(name.c_str())) {
            set(name, value);
        }
    }
    return environment;
}

std::optional<uint64_t> parse_duration(std::string_view text)
{
    // A decimal number with at most 9 fractional digits, then an optional unit.
    size_t index = 0;
    uint64_t whole = 0;
    bool digits = false;
    for (; index < text.size() && text[index] >= '0' && text[index] <= '9'; ++index, digits = true) {
        if (whole > 100'000'000)
            return std::nullopt;
        whole = whole * 10 + static_cast<uint64_t>(text[index] - '0');
    }
    uint64_t fraction = 0, scale = 1'000'000'000;
    if (index < text.size() && text[index] == '.') {
        for (++index; index < text.size() && text[index] >= '0' && text[index] <= '9'; ++index, digits = true) {
            if (scale == 1)
                return std::nullopt;
            scale /= 10;
            fraction += static_cast<uint64_t>(text[index] - '0') * scale;
        }
    }
    if (!digits)
        return std::nullopt;
    std::string_view unit = text.substr(index);
    uint64_t unit_ns;
    if (unit.empty() || unit == "s")
        unit_ns = 1'000'000'000;
    else if (unit == "ms")
        unit_ns = 1'000'000;
    else if (unit == "m")
        unit_ns = 60'000'000'000;
    else if (unit == "h")
        unit_ns = 3'600'000'000'000;
    else
        return std::nullopt;
    // whole <= 10^9 and fraction < 10^9: exact in 128 bits, then bounded to a year.
    unsigned __int128 total = static_cast<unsigned __int128>(whole) * unit_ns
        + static_cast<unsigned __int128>(fraction) * unit_ns / 1'000'000'000;
    if (total == 0 || total > static_cast<unsigned __int128>(366) * 24 * 3'600'000'000'000)
        return std::nullopt;
    return static_cast<uint64_t>(total);
}

RunOptions parse_run_options(std::span<const std::string> args)
{
    RunOptions options;
    parse_net("slirp", options.network);
    size_t index = 0;
    for (; index < args.size(); ++index) {
        std::string const& argument = args[index];
        if (argument == "--") {
            ++index;
            break;
        }
        if (argument.size() < 2 || argument[0] != '-')
            break;

        // "--name=value" and "-Xvalue" carry their value; otherwise it is the next argument.
        std::string name = argument;
        std::optional<std::string> attached;
        if (argument.starts_with("--")) {
            if (auto equals = argument.find('='); equals != std::string::npos) {
                name = argument.substr(0, equals);
                attached = argument.substr(equals + 1);
            }
        } else if (argument.size() > 2 && (argument[1] == 'e' || argument[1] == 'm' || argument[1] == 'v' || argument[1] == 'p')) {
            name = argument.substr(0, 2);
            attached = argument.substr(2);
        }
        auto value = [&]() -> std::string {
            if (attached)
                return *attached;
            if (index + 1 >= args.size())
                throw UsageError("option '" + name + "' needs a value");
            return args[++index];
        };
        auto flag = [&]() {
            if (attached)
                throw UsageError("option '" + name + "' takes no value");
            return true;
        };

        if (name == "-h" || name == "--help") {
            options.help = flag();
            return options;
        } else if (name == "-e" || name == "--env") {
            options.env.push_back(value());
        } else if (name == "-m" || name == "--memory") {
            options.memory_bytes = parse_memory(name, value());
        } else if (name == "-v" || name == "--volume") {
            std::string spec = value();
            auto volume = parse_volume(name, spec);
            for (auto const& earlier : options.volumes) {
                if (earlier.guest_path == volume.guest_path)
                    throw UsageError(name + " " + spec + ": " + volume.guest_path + " is already a volume", false);
            }
            if (options.volumes.size() >= VOLUMES_MAX)
                throw UsageError("too many volumes (at most " + std::to_string(VOLUMES_MAX) + ")", false);
            options.volumes.push_back(std::move(volume));
        } else if (name == "--net" || name == "--network") {
            parse_net(value(), options.network);
        } else if (name == "-p" || name == "--publish") {
            options.network.ports.push_back(parse_publish(name, value()));
        } else if (name == "--trace") {
            options.trace = flag();
        } else if (name == "--stats") {
            options.stats = flag();
        } else if (name == "--timeout") {
            std::string duration = value();
            auto parsed = parse_duration(duration);
            if (!parsed)
                throw UsageError("--timeout " + duration + ": not a duration (e.g. 30, 30s, 500ms, 5m, 1h)");
            options.timeout_ns = *parsed;
        } else if (name == "--no-seccomp") {
            options.seccomp = !flag();
        } else if (name == "--log-level") {
            std::string level = value();
            auto parsed = parse_log_level(level);
            if (!parsed)
                throw UsageError("--log-level " + level + ": unknown level (use error, warn, info or debug)");
            options.log_level = *parsed;
        } else {
            throw UsageError("unknown option '" + argument + "'");
        }
    }

    check_network(options.network);
    if (index >= args.size())
        throw UsageError("missing ROOTFS and PROGRAM");
    options.rootfs = args[index++];
    if (index < args.size() && args[index] == "--")
        ++index;
    if (index >= args.size())
        throw UsageError("missing PROGRAM");
    options.program.assign(args.begin() + static_cast<ptrdiff_t>(index), args.end());
    return options;
}

RootfsOptions parse_rootfs_options(std::span<const std::string> args)
{
    RootfsOptions options;
    std::optional<std::string> output;
    for (size_t index = 0; index < args.size(); ++index) {
        std::string const& argument = args[index];
        if (argument.size() < 2 || argument[0] != '-' || argument == "--")
            throw UsageError("unexpected argument '" + argument + "'");

        // "--name=value" and "-oDIR" carry their value; otherwise it is the next argument.
        std::string name = argument;
        std::optional<std::string> attached;
        if (argument.starts_with("--")) {
            if (auto equals = argument.find('='); equals != std::string::npos) {
                name = argument.substr(0, equals);
                attached = argument.substr(equals + 1);
            }
        } else if (argument.size() > 2 && argument[1] == 'o') {
            name = "-o";
            attached = argument.substr(2);
        }
        auto value = [&]() -> std::string {
            std::string text;
            if (attached)
                text = *attached;
            else if (index + 1 < args.size())
                text = args[++index];
            else
                throw UsageError("option '" + name + "' needs a value");
            if (text.empty())
                throw UsageError("option '" + name + "' needs a non-empty value");
            return text;
        };
        auto flag = [&]() {
            if (attached)
                throw UsageError("option '" + name + "' takes no value");
            return true;
        };

        if (name == "-h" || name == "--help") {
            options.help = flag();
            return options;
        } else if (name == "--from-host") {
            options.programs.push_back(value());
        } else if (name == "--add") {
            options.trees.push_back(value());
        } else if (name == "-o" || name == "--output") {
            if (output)
                throw UsageError("option '" + name + "' given twice");
            output = value();
        } else if (name == "-v" || name == "--verbose") {
            options.verbose = flag();
        } else {
            throw UsageError("unknown option '" + argument + "'");
        }
    }
    if (!output)
        throw UsageError("missing -o DIR");
    if (options.programs.empty() && options.trees.empty())
        throw UsageError("nothing to copy: give --from-host PROGRAM or --add PATH");
    options.output = *output;
    return options;
}

} // namespace cli
