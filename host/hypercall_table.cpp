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
    add(Hypercall::FileOpen, "FileOpen", hypercalls::file_open::handle);
    add(Hypercall::FileRead, "FileRead", hypercalls::file_read::handle);
    add(Hypercall::FileStat, "FileStat", hypercalls::file_stat::handle);
    add(Hypercall::FileReadDirectory, "FileReadDirectory", hypercalls::file_read_directory::handle);
    add(Hypercall::FileClose, "FileClose", hypercalls::file_close::handle);
    add(Hypercall::Random, "Random", hypercalls::random::handle);
    add(Hypercall::BootPhase, "BootPhase", hypercalls::boot_phase::handle);
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
