// The hypercall table: one module per number, and the dispatcher every platform's exit loop calls.
#pragma once

#include "host/vm_context.h"

#include <abi/hypercall.h>
#include <stdint.h>

namespace host {

using HypercallHandler = int64_t (*)(VmContext&, uabi::Gpa request);

struct HypercallModule {
    const char* name;
    HypercallHandler handle;
};

// The module for number, or nullptr when there is none.
const HypercallModule* find_hypercall(uint64_t number);

// "Console", "HostRead", ...; "unknown" for numbers without a module.
const char* hypercall_name(uint64_t number);

// Runs one hypercall and counts it for --stats. An unknown number stops the VM (malformed).
int64_t dispatch_hypercall(VmContext& context, uint64_t number, uabi::Gpa request);

} // namespace host
