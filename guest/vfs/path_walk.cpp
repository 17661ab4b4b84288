// Path resolution (see vfs/path_walk.h) and the directory-entry cache behind it. Every
// component costs a lookup, and a lookup on the host file system costs a hypercall, so
// positive answers are cached by (directory, name) until the directory changes.
#include <lib/errno_codes.h>
#include <vfs/path_walk.h>

namespace vfs {

namespace {

constexpr size_t CACHE_SLOTS = 512;
constexpr size_t MAX_DEPTH = 256;

struct CacheEntry {
    const Vnode* directory;
    size_t length;
    char name[NAME_LENGTH_MAX + 1];
    lib::RefPtr<Vnode> child;
};

CacheEntry g_cache[CACHE_SLOTS];

size_t slot_of(const Vnode& directory, lib::StringView name)
{
    uint64_t hash = 1469598103934665603ull ^ reinterpret_cast<uintptr_t>(&directory);
    for (size_t i = 0; i < name.length(); ++i)
        hash = (hash ^ static_cast<uint8_t>(name[i])) * 1099511628211ull;
    return hash % CACHE_SLOTS;
}

lib::ErrorOr<lib::RefPtr<Vnode>> cached_lookup(Vnode& directory, lib::StringView name)
{
    if (!directory.lookups_may_be_cached())
        return directory.lookup(name);
    CacheEntry& entry = g_cache[slot_of(directory, name)];
    if (entry.directory == &directory && lib::StringView(entry.name, entry.length) == name)
        return entry.child;
    auto child = TRY(directory.lookup(name));
    entry.directory = &directory;
    entry.length = name.length();
    name.copy_to(entry.name, sizeof(entry.name));
    entry.child = child;
    return child;
}

using Frame = WalkFrame;
constexpr size_t MAX_DEPTH_OF_WALK = MAX_DEPTH;
static_assert(MAX_DEPTH_OF_WALK == Location::MAX_DEPTH);

bool is_dot(lib::StringView name) { return name == "."; }
bool is_dot_dot(lib::StringView name) { return name == ".."; }

size_t string_length(const char* s)
{
    size_t length = 0;
    while (s[length])
        ++length;
    return length;
}

// Makes the pending path `target` followed by the rest of the path (which starts with '/' or
// is empty), replacing everything walked so far.
lib::ErrorOr<void> splice_symlink(char* pending, size_t size, size_t rest, const char* target, size_t target_length)
{
    size_t rest_length = string_length(pending + rest);
    if (target_length + rest_length + 1 > size)
        return ENAMETOOLONG;
    // Move the rest out of the way first: target may be longer than what it replaces.
    char* moved = pending + size - rest_length - 1;
    for (size_t i = rest_length + 1; i-- > 0;)
        moved[i] = pending[rest + i];
    for (size_t i = 0; i < target_length; ++i)
        pending[i] = target[i];
    for (size_t i = 0; i <= rest_length; ++i)
        pending[target_length + i] = moved[i];
    return {};
}

} // namespace

void forget_entries_of(const Vnode& directory)
{
    for (auto& entry : g_cache) {
        if (entry.directory == &directory) {
            entry.directory = nullptr;
            entry.child.clear();
        }
    }
}

void forget_all_entries()
{
    for (auto& entry : g_cache) {
        entry.directory = nullptr;
        entry.child.clear();
    }
}

void Location::clear()
{
    for (size_t i = 0; i < depth; ++i)
        frames[i].node.clear();
    depth = 0;
    canonical[0] = '\0';
}

namespace {

char g_joined[2 * PATH_LENGTH_MAX + 2];

// The walk itself: from `start` (or the root), through `path`.
lib::ErrorOr<void> walk_from(const char* path, const Location* start, const WalkOptions& options, WalkResult& result, Location* end);

} // namespace

lib::ErrorOr<void> walk(const char* path, const char* cwd, const WalkOptions& options, WalkResult& result)
{
    // A relative path is joined to the cwd, which is canonical, so the join is exact.
    size_t length = 0;
    if (path[0] != '/' && path[0] != '\0') {
        size_t cwd_length = string_length(cwd);
        if (cwd_length + 1 >= PATH_LENGTH_MAX)
            return ENAMETOOLONG;
        for (size_t i = 0; i < cwd_length; ++i)
            g_joined[length++] = cwd[i];
        g_joined[length++] = '/';
    }
    size_t path_length = string_length(path);
    if (path_length >= PATH_LENGTH_MAX)
        return ENAMETOOLONG;
    for (size_t i = 0; i <= path_length; ++i)
        g_joined[length + i] = path[i];
    if (path_length == 0)
        return ENOENT;
    return walk_from(g_joined, nullptr, options, result, nullptr);
}

lib::ErrorOr<void> walk(const char* path, const Location& start, const WalkOptions& options, WalkResult& result, Location* end)
{
    return walk_from(path, path[0] == '/' || start.depth == 0 ? nullptr : &start, options, result, end);
}

namespace {

lib::ErrorOr<void> walk_from(const char* path, const Location* start, const WalkOptions& options, WalkResult& result, Location* end)
{
    const Mount* root = mounts().root();
    if (!root)
        return ENOENT;
    size_t path_length = string_length(path);
    if (path_length == 0)
        return ENOENT;
    if (path_length >= 2 * PATH_LENGTH_MAX)
        return ENAMETOOLONG;

    // The whole path still to walk; symlinks are spliced into it.
    static char pending[2 * PATH_LENGTH_MAX + 2];
    static char target[PATH_LENGTH_MAX];
    for (size_t i = 0; i <= path_length; ++i)
        pending[i] = path[i];

    static Frame stack[MAX_DEPTH];
    size_t depth = 1;
    stack[0] = { root->root, 1, root };
    char* canonical = result.canonical;
    canonical[0] = '/';
    canonical[1] = '\0';
    if (start) {
        depth = start->depth;
        for (size_t i = 0; i < depth; ++i)
            stack[i] = start->frames[i];
        size_t length = string_length(start->canonical);
        for (size_t i = 0; i <= length; ++i)
            canonical[i] = start->canonical[i];
    }
    result.name[0] = '\0';
    result.trailing_slash = false;
    int symlinks = 0;

    size_t position = 0;
    auto clear_stack = [&] {
        for (size_t i = 0; i < depth; ++i)
            stack[i].node.clear();
    };
    for (;;) {
        while (pending[position] == '/')
            ++position;
        if (!pending[position])
            break;
        size_t end = position;
        while (pending[end] && pending[end] != '/')
            ++end;
        lib::StringView name(pending + position, end - position);
        size_t after = end;
        while (pending[after] == '/')
            ++after;
        bool last = !pending[after];
        bool trailing = last && after > end;
        if (name.length() > NAME_LENGTH_MAX) {
            clear_stack();
            return ENAMETOOLONG;
        }
        name.copy_to(result.name, sizeof(result.name));
        result.trailing_slash = trailing;
        position = end;

        Frame& top = stack[depth - 1];
        if (is_dot(name) || is_dot_dot(name)) {
            if (!top.node->is_directory()) {
                clear_stack();
                return ENOTDIR;
            }
            if (is_dot_dot(name) && depth > 1) {
                stack[--depth].node.clear();
                canonical[stack[depth - 1].canonical_length] = '\0';
            }
            continue;
        }
        if (!top.node->is_directory()) {
            clear_stack();
            return ENOTDIR;
        }
        // The child's canonical path, written after the parent's.
        size_t base = top.canonical_length;
        size_t child_length = base + (base > 1 ? 1 : 0) + name.length();
        if (child_length >= PATH_LENGTH_MAX) {
            clear_stack();
            return ENAMETOOLONG;
        }
        if (base > 1)
            canonical[base] = '/';
        name.copy_to(canonical + (base > 1 ? base + 1 : base), PATH_LENGTH_MAX - base - 1);

        const Mount* mount = mounts().find(lib::StringView(canonical, child_length));
        lib::RefPtr<Vnode> child;
        if (mount) {
            child = mount->root;
        } else {
            auto looked = cached_lookup(*top.node, name);
            if (looked.is_error()) {
                if (looked.error() == ENOENT.code && last && options.want_parent) {
                    result.parent = top.node;
                    result.node.clear();
                    result.mount = top.mount;
                    clear_stack();
                    return {};
                }
                canonical[base] = '\0';
                clear_stack();
                return lib::Error(looked.error());
            }
            child = looked.release_value();
        }

        if (child->type() == TypeSymlink && (!last || options.follow_last_symlink || (trailing && options.trailing_slash_follows))) {
            if (++symlinks > SYMLINK_LIMIT) {
                clear_stack();
                return ELOOP;
            }
            auto target_length = child->read_link(target, sizeof(target));
            if (target_length.is_error() || target_length.value() >= sizeof(target) || target_length.value() == 0) {
                clear_stack();
                return target_length.is_error() ? lib::Error(target_length.error()) : ENOENT;
            }
            if (auto jump = child->magic_link_target()) {
                // The link's text is the canonical path of where it leads.
                size_t length = target_length.value();
                if (target[0] != '/' || length >= PATH_LENGTH_MAX || depth == MAX_DEPTH) {
                    child = jump; // "pipe:[3]": no path; keep the link's own
                } else {
                    for (size_t i = 0; i < length; ++i)
                        canonical[i] = target[i];
                    canonical[length] = '\0';
                    child_length = length;
                    child = jump;
                }
                stack[depth++] = { child, child_length, top.mount };
                continue;
            }
            canonical[base] = '\0';
            if (target[0] == '/') {
                while (depth > 1)
                    stack[--depth].node.clear();
                canonical[1] = '\0';
            }
            TRY(splice_symlink(pending, sizeof(pending), position, target, target_length.value()));
            position = 0;
            continue;
        }
        if (depth == MAX_DEPTH) {
            clear_stack();
            return ENAMETOOLONG;
        }
        stack[depth++] = { child, child_length, mount ? mount : top.mount };
    }

    Frame& top = stack[depth - 1];
    if (result.trailing_slash && !top.node->is_directory()) {
        clear_stack();
        return ENOTDIR;
    }
    result.node = top.node;
    result.parent = depth > 1 ? stack[depth - 2].node : top.node;
    result.mount = top.mount;
    if (end) {
        end->clear();
        for (size_t i = 0; i < depth; ++i)
            end->frames[i] = stack[i];
        end->depth = depth;
        for (size_t i = 0; i < PATH_LENGTH_MAX && (i == 0 || canonical[i - 1]); ++i)
            end->canonical[i] = canonical[i];
    }
    clear_stack();
    return {};
}

} // namespace

} // namespace vfs
