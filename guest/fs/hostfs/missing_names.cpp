// Names missing from ROOTFS's directories (see missing_names.h): a direct-mapped table.
#include "missing_names.h"

#include <stddef.h>
#include <stdint.h>

namespace fs::missing_names {

namespace {

constexpr size_t SLOTS = 1024;
constexpr size_t NAME_MAX_KEPT = 55;

struct Entry {
    const void* directory; // nullptr: free
    uint8_t length;
    char name[NAME_MAX_KEPT];
};

Entry g_entries[SLOTS];

size_t slot_of(const void* directory, lib::StringView name)
{
    uint64_t hash = 1469598103934665603ull ^ reinterpret_cast<uintptr_t>(directory);
    for (size_t i = 0; i < name.length(); ++i)
        hash = (hash ^ static_cast<uint8_t>(name[i])) * 1099511628211ull;
    return (hash ^ (hash >> 32)) % SLOTS;
}

} // namespace

bool contains(const void* directory_key, lib::StringView name)
{
    if (name.length() > NAME_MAX_KEPT)
        return false;
    const Entry& entry = g_entries[slot_of(directory_key, name)];
    return entry.directory == directory_key && lib::StringView(entry.name, entry.length) == name;
}

void add(const void* directory_key, lib::StringView name)
{
    if (name.length() > NAME_MAX_KEPT)
        return;
    Entry& entry = g_entries[slot_of(directory_key, name)];
    entry.directory = directory_key;
    entry.length = static_cast<uint8_t>(name.length());
    for (size_t i = 0; i < name.length(); ++i)
        entry.name[i] = name[i];
}

} // namespace fs::missing_names
