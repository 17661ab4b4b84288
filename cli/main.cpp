// The unikit command: `unikit run ...`, `unikit rootfs ...`, `--help`, `--version`.
#include "cli/options.h"
#include "cli/rootfs_builder.h"
#include "cli/usage.h"
#include "host/guest_platform.h"
#include "host/vm_error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static constexpr int EXIT_UNIKIT_FAILED = host::EXIT_UNIKIT_FAILED;

static int usage_error(const char* message, const char* help_command)
{
    fprintf(stderr, "unikit: %s (see '%s')\n", message, help_command);
    return EXIT_UNIKIT_FAILED;
}

static int run_command(std::span<const std::string> args, const timespec& start)
{
    cli::RunOptions options;
    host::VmConfig config;
    try {
        options = cli::parse_run_options(args);
        if (options.help) {
            fputs(cli::RUN_USAGE, stdout);
            return 0;
        }
        config.envp = cli::guest_environment(options.env, [](const char* name) { return getenv(name); });
    } catch (const cli::UsageError& error) {
        if (error.suggest_help())
            return usage_error(error.what(), "unikit run --help");
        fprintf(stderr, "unikit: %s\n", error.what());
        return EXIT_UNIKIT_FAILED;
    }

    struct stat rootfs {};
    if (stat(options.rootfs.c_str(), &rootfs) < 0) {
        fprintf(stderr, "unikit: %s: %s\n", options.rootfs.c_str(), strerror(errno));
        return EXIT_UNIKIT_FAILED;
    }
    if (!S_ISDIR(rootfs.st_mode)) {
        fprintf(stderr, "unikit: %s: %s\n", options.rootfs.c_str(), strerror(ENOTDIR));
        return EXIT_UNIKIT_FAILED;
    }

    // Each volume's HOST must be an existing directory.
    for (auto const& volume : options.volumes) {
        struct stat host {};
        int error = stat(volume.host_path.c_str(), &host) < 0 ? errno : (S_ISDIR(host.st_mode) ? 0 : ENOTDIR);
        if (error != 0) {
            fprintf(stderr, "unikit: -v %s: %s\n", volume.host_path.c_str(), strerror(error));
            return EXIT_UNIKIT_FAILED;
        }
        config.volumes.push_back({ volume.host_path, volume.guest_path, volume.read_only });
    }

    config.rootfs = options.rootfs;
    config.argv = options.program;
    config.memory_bytes = options.memory_bytes;
    config.trace = options.trace;
    config.stats = options.stats;
    config.log_level = options.log_level;
    config.timeout_ns = options.timeout_ns;
    config.seccomp = options.seccomp;
    config.network = options.network;
    config.monitor_start = start;
    try {
        return host::create_platform(config)->run();
    } catch (const host::VmError& error) {
        fprintf(stderr, "unikit: %s\n", error.what());
        return error.exit_status();
    }
}

static int rootfs_command(std::span<const std::string> args)
{
    cli::RootfsOptions options;
    try {
        options = cli::parse_rootfs_options(args);
    } catch (const cli::UsageError& error) {
        return usage_error(error.what(), "unikit rootfs --help");
    }
    if (options.help) {
        fputs(cli::ROOTFS_USAGE, stdout);
        return 0;
    }
    try {
        char const* path = getenv("PATH");
        cli::RootfsBuilder builder(options.output, cli::default_library_directories(), path ? path : cli::DEFAULT_PATH,
            options.verbose ? stdout : nullptr);
        for (auto const& program : options.programs)
            builder.add_program(program);
        for (auto const& tree : options.trees)
            builder.add_tree(tree);
        builder.add_base_directories();
        builder.add_user_database();
    } catch (const cli::RootfsError& error) {
        fprintf(stderr, "unikit: rootfs: %s\n", error.what());
        return EXIT_UNIKIT_FAILED;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "unikit: rootfs: standard output: %s\n", strerror(errno));
        return EXIT_UNIKIT_FAILED;
    }
    return 0;
}

int main(int argc, char** argv)
{
    timespec start {};
    clock_gettime(CLOCK_MONOTONIC, &start);
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty())
            return usage_error("missing command", "unikit --help");
        std::string const& command = args[0];
        if (command == "-h" || command == "--help" || command == "help") {
            fputs(cli::MAIN_USAGE, stdout);
            return 0;
        }
        if (command == "--version") {
            puts("unikit " UNIKIT_VERSION);
            return 0;
        }
        if (command == "run")
            return run_command(std::span<const std::string>(args).subspan(1), start);
        if (command == "rootfs")
            return rootfs_command(std::span<const std::string>(args).subspan(1));
        std::string message = command.starts_with("-") ? "unknown option '" + command + "'" : "unknown command '" + command + "'";
        return usage_error(message.c_str(), "unikit --help");
    } catch (const std::exception& error) {
        fprintf(stderr, "unikit: %s\n", error.what());
        return EXIT_UNIKIT_FAILED;
    }
}
