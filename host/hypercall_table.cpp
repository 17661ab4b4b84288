// The hypercall table: one module per number, and the dispatcher every platform's exit loop calls.
#include "host/hypercall_table.h"
#include "host/hypercalls/hypercalls.h"

#include <array>
#include <string>

namespace host {

using uabi::Hypercall;

static constexpr auto s_modules = [] {
    std::array<HypercallModule, static_cast<size_t>(Hypercall::Count)> modules {};
    auto add = [&](Hypercall number, const char* name, HypercallHandler handle) {
        modules[static_cast<size_t>(number)] = { name, handle };
    };
    add(Hypercall::Console, "Console", hypercalls::console::handle);
    add(Hypercall::Exit, "Exit", hypercalls::exit::handle);
    add(Hypercall::Panic, "Panic", hypercalls::panic::handle);
    add(Hypercall::Random, "Random", hypercalls::random::handle);
    add(Hypercall::BootPhase, "BootPhase", hypercalls::boot_phase::handle);
    add(Hypercall::HostRoot, "HostRoot", hypercalls::host_root::handle);
    add(Hypercall::HostLookup, "HostLookup", hypercalls::host_lookup::handle);
    add(Hypercall::HostGetAttributes, "HostGetAttributes", hypercalls::host_get_attributes::handle);
    add(Hypercall::HostReadLink, "HostReadLink", hypercalls::host_read_link::handle);
    add(Hypercall::HostRead, "HostRead", hypercalls::host_read::handle);
    add(Hypercall::HostReadDirectory, "HostReadDirectory", hypercalls::host_read_directory::handle);
    add(Hypercall::HostRelease, "HostRelease", hypercalls::host_release::handle);
    add(Hypercall::HostCreate, "HostCreate", hypercalls::host_create::handle);
    add(Hypercall::HostWrite, "HostWrite", hypercalls::host_write::handle);
    add(Hypercall::HostTruncate, "HostTruncate", hypercalls::host_truncate::handle);
    add(Hypercall::HostMakeDirectory, "HostMakeDirectory", hypercalls::host_make_directory::handle);
    add(Hypercall::HostMakeSymlink, "HostMakeSymlink", hypercalls::host_make_symlink::handle);
    add(Hypercall::HostLink, "HostLink", hypercalls::host_link::handle);
    add(Hypercall::HostUnlink, "HostUnlink", hypercalls::host_unlink::handle);
    add(Hypercall::HostRemoveDirectory, "HostRemoveDirectory", hypercalls::host_remove_directory::handle);
    add(Hypercall::HostRename, "HostRename", hypercalls::host_rename::handle);
    add(Hypercall::HostSetAttributes, "HostSetAttributes", hypercalls::host_set_attributes::handle);
    add(Hypercall::Wait, "Wait", hypercalls::wait::handle);
    add(Hypercall::NetNotify, "NetNotify", hypercalls::net_notify::handle);
    add(Hypercall::NetSync, "NetSync", hypercalls::net_sync::handle);
    return modules;
}();

const HypercallModule* find_hypercall(uint64_t number)
{
    if (number >= s_modules.size() || s_modules[number].handle == nullptr)
        return nullptr;
    return &s_modules[number];
}

const char* hypercall_name(uint64_t number)
{
    auto const* module = find_hypercall(number);
    return module ? module->name : "unknown";
}

int64_t dispatch_hypercall(VmContext& context, uint64_t number, uabi::Gpa request)
{
    auto const* module = find_hypercall(number);
    if (module == nullptr)
        return context.malformed("unknown hypercall number " + std::to_string(number));
    uint64_t start = monotonic_ns();
    int64_t result = module->handle(context, request);
    context.stats.count_hypercall(number, monotonic_ns() - start);
    return result;
}

} // namespace host
