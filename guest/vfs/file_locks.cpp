// The lock table (see vfs/file_locks.h): a list of the files that have locks, searched from
// the start, which suits the handful of locked files a unikernel's programs have. A file's
// record locks are one list in the order Linux keeps them, which is the order F_GETLK
// searches: each owner's locks together and sorted by start, owners in the order they came.
// A file's flock locks are a second list.
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <vfs/file_locks.h>
#include <vfs/wait.h>

namespace vfs {

namespace {

struct FileId {
    uint64_t device;
    uint64_t inode;
    bool operator==(const FileId&) const = default;
};

struct RecordEntry {
    RecordEntry* next { nullptr };
    LockOwner owner;
    RecordLock lock;
};

struct FlockEntry {
    FlockEntry* next { nullptr };
    const OpenFile* owner { nullptr };
    bool exclusive { false };
};

struct LockedFile {
    LockedFile* next { nullptr };
    FileId id {};
    RecordEntry* records { nullptr };
    FlockEntry* flocks { nullptr };
};

// A process sleeping in F_SETLKW, and for what: the deadlock check follows these.
// FIXME: one per process; of two threads of one process waiting at once, the check sees the
// later one only.
struct RecordWait {
    RecordWait* next { nullptr };
    int pid { 0 };
    FileId id {};
    RecordLock lock;
};

// How many waits-for hops the deadlock check follows (Linux's MAX_DEADLK_ITERATIONS).
constexpr int DEADLOCK_SEARCH_HOPS = 10;

LockedFile* g_files;
RecordWait* g_waits;

// A vnode that cannot say what it is (an error from attributes()) is known by its address.
FileId identity(Vnode& vnode)
{
    auto attributes = vnode.attributes();
    if (attributes.is_error())
        return { UINT64_MAX, reinterpret_cast<uintptr_t>(&vnode) };
    return { attributes.value().device, attributes.value().inode };
}

LockedFile* find_file(FileId id)
{
    for (LockedFile* file = g_files; file; file = file->next) {
        if (file->id == id)
            return file;
    }
    return nullptr;
}

LockedFile* find_or_add_file(FileId id)
{
    if (LockedFile* file = find_file(id))
        return file;
    auto* file = lib::make<LockedFile>();
    if (!file)
        return nullptr;
    file->id = id;
    file->next = g_files;
    g_files = file;
    return file;
}

// Takes `file` out of the table once it has no locks left.
void forget_if_unlocked(LockedFile* file)
{
    if (!file || file->records || file->flocks)
        return;
    for (LockedFile** link = &g_files; *link; link = &(*link)->next) {
        if (*link == file) {
            *link = file->next;
            lib::destroy(file);
            return;
        }
    }
}

bool overlap(const RecordLock& a, const RecordLock& b) { return a.start <= b.end && b.start <= a.end; }

// Overlapping or adjoining (starts are never negative, so start - 1 cannot overflow).
bool touch(const RecordLock& a, const RecordLock& b) { return a.start - 1 <= b.end && b.start - 1 <= a.end; }

bool conflict(const RecordLock& held, const RecordLock& wanted)
{
    return overlap(held, wanted) && (held.type == LockType::Write || wanted.type == LockType::Write);
}

const RecordEntry* first_conflict(const LockedFile& file, LockOwner owner, const RecordLock& lock)
{
    for (const RecordEntry* entry = file.records; entry; entry = entry->next) {
        if (!(entry->owner == owner) && conflict(entry->lock, lock))
            return entry;
    }
    return nullptr;
}

// Removes the record locks whose owner `matches`; returns whether there were any.
template<typename Match>
bool remove_records(LockedFile& file, Match matches)
{
    bool removed = false;
    for (RecordEntry** link = &file.records; *link;) {
        RecordEntry* entry = *link;
        if (matches(entry->owner)) {
            *link = entry->next;
            lib::destroy(entry);
            removed = true;
        } else {
            link = &entry->next;
        }
    }
    return removed;
}

RecordWait** find_wait(int pid)
{
    RecordWait** link = &g_waits;
    while (*link && (*link)->pid != pid)
        link = &(*link)->next;
    return link;
}

// Without memory for the note the wait goes on, just without the deadlock check.
void remember_wait(int pid, FileId id, const RecordLock& lock)
{
    RecordWait** link = find_wait(pid);
    if (!*link) {
        *link = lib::make<RecordWait>();
        if (!*link)
            return;
    }
    (*link)->pid = pid;
    (*link)->id = id;
    (*link)->lock = lock;
}

// Whether process `pid` waiting for `blocker` would close a circle: its holder waits for a
// lock whose holder waits ... for a lock of `pid`. An OFD lock's holder is a description,
// never a waiting process, so the chain ends there (as on Linux).
bool would_deadlock(int pid, const RecordEntry* blocker)
{
    for (int hop = 0; hop < DEADLOCK_SEARCH_HOPS; ++hop) {
        if (blocker->owner.file)
            return false;
        RecordWait* wait = *find_wait(blocker->owner.pid);
        LockedFile* file = wait ? find_file(wait->id) : nullptr;
        blocker = file ? first_conflict(*file, LockOwner::process(wait->pid), wait->lock) : nullptr;
        if (!blocker)
            return false;
        if (blocker->owner == LockOwner::process(pid))
            return true;
    }
    return false;
}

// Takes `owner`'s locks (which are together) out of `file`'s list and returns them; `anchor`
// is then the link they go back to: where they were, or the end for a new owner.
RecordEntry* take_owner_records(LockedFile& file, LockOwner owner, RecordEntry**& anchor)
{
    RecordEntry** link = &file.records;
    while (*link && !((*link)->owner == owner))
        link = &(*link)->next;
    anchor = link;
    RecordEntry* first = *link;
    RecordEntry* last = nullptr;
    RecordEntry* rest = first;
    while (rest && rest->owner == owner) {
        last = rest;
        rest = rest->next;
    }
    if (!last)
        return nullptr;
    *link = rest;
    last->next = nullptr;
    return first;
}

// Applies `lock` to one owner's sorted locks `own`: first it swallows the locks of its type
// that it overlaps or adjoins, then cuts its range out of the others (splitting one that
// reaches past both its ends), then goes in at its place. `spares` are two preallocated
// entries; the ones used become null. Returns whether a lock that was held changed.
bool apply(RecordEntry*& own, LockOwner owner, RecordLock lock, RecordEntry* (&spares)[2])
{
    bool changed = false;
    if (lock.type != LockType::Unlock) {
        for (RecordEntry** link = &own; *link;) {
            RecordEntry* entry = *link;
            if (entry->lock.type == lock.type && touch(entry->lock, lock)) {
                lock.start = entry->lock.start < lock.start ? entry->lock.start : lock.start;
                lock.end = entry->lock.end > lock.end ? entry->lock.end : lock.end;
                *link = entry->next;
                lib::destroy(entry);
                changed = true;
            } else {
                link = &entry->next;
            }
        }
    }
    for (RecordEntry** link = &own; *link;) {
        RecordEntry* entry = *link;
        RecordLock& held = entry->lock;
        if (!overlap(held, lock)) {
            link = &entry->next;
            continue;
        }
        changed = true;
        if (held.start < lock.start && held.end > lock.end) {
            RecordEntry* right = spares[1];
            spares[1] = nullptr;
            right->owner = owner;
            right->lock = held;
            right->lock.start = lock.end + 1;
            held.end = lock.start - 1;
            right->next = entry->next;
            entry->next = right;
            link = &right->next;
        } else if (held.start < lock.start) {
            held.end = lock.start - 1;
            link = &entry->next;
        } else if (held.end > lock.end) {
            held.start = lock.end + 1;
            link = &entry->next;
        } else {
            *link = entry->next;
            lib::destroy(entry);
        }
    }
    if (lock.type != LockType::Unlock) {
        RecordEntry* entry = spares[0];
        spares[0] = nullptr;
        entry->owner = owner;
        entry->lock = lock;
        RecordEntry** link = &own;
        while (*link && (*link)->lock.start < lock.start)
            link = &(*link)->next;
        entry->next = *link;
        *link = entry;
    }
    return changed;
}

} // namespace

lib::ErrorOr<void> set_record_lock(Vnode& vnode, LockOwner owner, const RecordLock& lock, bool caller_will_wait)
{
    FileId id = identity(vnode);
    LockedFile* file = find_file(id);
    bool waits = caller_will_wait && !owner.file;
    if (lock.type != LockType::Unlock && file) {
        if (const RecordEntry* blocker = first_conflict(*file, owner, lock)) {
            if (!waits)
                return EAGAIN;
            if (would_deadlock(owner.pid, blocker)) {
                forget_record_lock_wait(owner.pid);
                return EDEADLK;
            }
            remember_wait(owner.pid, id, lock);
            return EAGAIN;
        }
    }
    if (waits)
        forget_record_lock_wait(owner.pid);
    if (lock.type == LockType::Unlock && !file)
        return {};

    RecordEntry* spares[2] = { lib::make<RecordEntry>(), lib::make<RecordEntry>() };
    if (!file)
        file = find_or_add_file(id);
    bool changed = false;
    bool out_of_memory = !spares[0] || !spares[1] || !file;
    if (!out_of_memory) {
        RecordEntry** anchor = nullptr;
        RecordEntry* own = take_owner_records(*file, owner, anchor);
        changed = apply(own, owner, lock, spares);
        if (own) {
            RecordEntry* last = own;
            while (last->next)
                last = last->next;
            last->next = *anchor;
            *anchor = own;
        }
    }
    lib::destroy(spares[0]);
    lib::destroy(spares[1]);
    forget_if_unlocked(file);
    if (changed)
        notify_state_change();
    if (out_of_memory)
        return ENOLCK;
    return {};
}

RecordLock find_conflicting_record_lock(Vnode& vnode, LockOwner owner, const RecordLock& lock)
{
    if (!g_files)
        return {};
    LockedFile* file = find_file(identity(vnode));
    const RecordEntry* blocker = file ? first_conflict(*file, owner, lock) : nullptr;
    return blocker ? blocker->lock : RecordLock {};
}

void forget_record_lock_wait(int pid)
{
    RecordWait** link = find_wait(pid);
    if (RecordWait* wait = *link) {
        *link = wait->next;
        lib::destroy(wait);
    }
}

lib::ErrorOr<void> set_flock(OpenFile& file, FlockType type)
{
    FileId id = identity(file.vnode());
    LockedFile* locked = find_file(id);
    bool exclusive = type == FlockType::Exclusive;
    bool released = false;
    FlockEntry* entry = nullptr;
    if (type != FlockType::Unlock) {
        // Allocated first, as Linux does, so that running out of memory keeps the old lock.
        entry = lib::make<FlockEntry>();
        if (!entry)
            return ENOMEM;
    }
    for (FlockEntry** link = locked ? &locked->flocks : nullptr; link && *link; link = &(*link)->next) {
        FlockEntry* held = *link;
        if (held->owner != &file)
            continue;
        if (entry && held->exclusive == exclusive) {
            lib::destroy(entry);
            return {};
        }
        *link = held->next;
        lib::destroy(held);
        released = true;
        break;
    }
    lib::ErrorOr<void> result;
    if (entry) {
        for (FlockEntry* held = locked ? locked->flocks : nullptr; held && !result.is_error(); held = held->next) {
            if (held->owner != &file && (held->exclusive || exclusive))
                result = EAGAIN;
        }
        if (!result.is_error() && !locked)
            locked = find_or_add_file(id);
        if (!result.is_error() && !locked)
            result = ENOMEM;
        if (!result.is_error()) {
            entry->owner = &file;
            entry->exclusive = exclusive;
            FlockEntry** link = &locked->flocks;
            while (*link)
                link = &(*link)->next;
            *link = entry;
            entry = nullptr;
        }
        lib::destroy(entry);
    }
    forget_if_unlocked(locked);
    if (released)
        notify_state_change();
    return result;
}

void release_process_locks(int pid, Vnode& vnode)
{
    if (!g_files)
        return; // every close comes here: no attributes() call while nothing is locked
    LockedFile* file = find_file(identity(vnode));
    if (!file || !remove_records(*file, [pid](LockOwner owner) { return owner == LockOwner::process(pid); }))
        return;
    forget_if_unlocked(file);
    notify_state_change();
}

void release_process_locks(int pid)
{
    forget_record_lock_wait(pid);
    bool removed = false;
    for (LockedFile* file = g_files; file;) {
        LockedFile* next = file->next;
        if (remove_records(*file, [pid](LockOwner owner) { return owner == LockOwner::process(pid); })) {
            removed = true;
            forget_if_unlocked(file);
        }
        file = next;
    }
    if (removed)
        notify_state_change();
}

void release_open_file_locks(const OpenFile& description)
{
    bool removed = false;
    for (LockedFile* file = g_files; file;) {
        LockedFile* next = file->next;
        if (remove_records(*file, [&](LockOwner owner) { return owner.file == &description; }))
            removed = true;
        for (FlockEntry** link = &file->flocks; *link;) {
            FlockEntry* entry = *link;
            if (entry->owner == &description) {
                *link = entry->next;
                lib::destroy(entry);
                removed = true;
            } else {
                link = &entry->next;
            }
        }
        forget_if_unlocked(file);
        file = next;
    }
    if (removed)
        notify_state_change();
}

bool any_file_locks() { return g_files || g_waits; }

} // namespace vfs
