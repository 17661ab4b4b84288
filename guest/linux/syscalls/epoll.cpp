// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2: a set of
// watched files as a file. A registration belongs to a (file description, fd number) pair, as
// on Linux: closing a descriptor whose file description lives on elsewhere (dup, fork) keeps
// it, and the description's last close removes it from every set.
//
// epoll_wait asks each registered file for its readiness (Vnode::poll_events) and sleeps as
// poll does when nothing is ready, running again after each file state change. Level-triggered
// registrations report while the level lasts; edge-triggered ones report when a level rises
// since the last look, or when the file counts a new change (Vnode::state_changes: more data
// in a pipe that still had some), as Linux's wakeups do. Reported level-triggered
// registrations go to the back of the list, so that a small maxevents sees them all in turn.
// FIXME: each epoll_wait polls every registration of the set (Linux keeps a ready list).
#include <linux/anonymous_file.h>
#include <linux/clock.h>
#include <linux/file_syscalls.h>
#include <linux/io_wait.h>
#include <linux/syscalls.h>
#include <vfs/open_file.h>
#include <vfs/wait.h>

namespace linux {

namespace {

// Readiness bits are poll's (EPOLLPRI 2, EPOLLRDHUP 0x2000, ... pass through as asked).
constexpr uint32_t EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLRDNORM = 0x40, EPOLLWRNORM = 0x100;
constexpr uint32_t EPOLLEXCLUSIVE = 1u << 28, EPOLLWAKEUP = 1u << 29, EPOLLONESHOT = 1u << 30, EPOLLET = 1u << 31;
// What EPOLLEXCLUSIVE may come with (Linux's EPOLLEXCLUSIVE_OK_BITS).
constexpr uint32_t EXCLUSIVE_OK = EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
constexpr int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
constexpr uint32_t EPOLL_CLOEXEC = vfs::CloseOnExec;
constexpr int MAX_NESTING = 4; // EP_MAX_NESTS: the longest chain of epoll sets in each other
constexpr size_t MAX_REPORT = 1024; // events one call returns at most
constexpr size_t FILE_BUCKETS = 1024;

struct [[gnu::packed]] EpollEvent {
    uint32_t events;
    uint64_t data;
};
static_assert(sizeof(EpollEvent) == 12);

AnonymousFileSystem g_epoll_fs;
class Epoll;

// One registration of a (file description, fd number) pair in one set.
struct Watch {
    Epoll* owner;
    vfs::OpenFile* file; // no reference: the description's release removes the watch
    int fd;
    uint32_t events; // as asked, with EPOLLERR and EPOLLHUP
    uint64_t data;
    bool disabled;         // EPOLLONESHOT after its report, until EPOLL_CTL_MOD
    uint32_t last_level;   // EPOLLET: what was reported, less what was since seen to drop
    uint64_t last_changes; // EPOLLET: the file's state_changes at the last report
    Watch* previous;       // in the owner's list
    Watch* next;
    Watch* next_of_file; // in g_watches_by_file
};

// Every watch, found by its file: for the release of a file description and for lookups.
Watch* g_watches_by_file[FILE_BUCKETS];
size_t g_watch_count;

size_t bucket_of(const vfs::OpenFile* file) { return (reinterpret_cast<uintptr_t>(file) >> 4) % FILE_BUCKETS; }

bool is_epoll(vfs::Vnode& vnode) { return &vnode.file_system() == &g_epoll_fs; }

// What `watch`'s file is ready for, among what it asked.
uint32_t level_of(const Watch& watch)
{
    uint32_t level = watch.file->vnode().poll_events();
    if (level & EPOLLIN)
        level |= EPOLLRDNORM;
    if (level & EPOLLOUT)
        level |= EPOLLWRNORM;
    return level & watch.events;
}

class Epoll final : public vfs::Vnode {
public:
    ~Epoll() override
    {
        while (m_first)
            remove(*m_first);
    }

    lib::ErrorOr<vfs::Attributes> attributes() override { return anonymous_file_attributes(m_inode); }
    vfs::FileSystem& file_system() override { return g_epoll_fs; }

    // An epoll set is readable when epoll_wait would report something.
    uint32_t poll_events() override
    {
        for (Watch* watch = m_first; watch; watch = watch->next) {
            if (report_of(*watch))
                return EPOLLIN | EPOLLRDNORM;
        }
        return 0;
    }

    Watch* find(vfs::OpenFile& file, int fd)
    {
        for (Watch* watch = g_watches_by_file[bucket_of(&file)]; watch; watch = watch->next_of_file) {
            if (watch->owner == this && watch->file == &file && watch->fd == fd)
                return watch;
        }
        return nullptr;
    }

    lib::ErrorOr<void> add(vfs::OpenFile& file, int fd, const EpollEvent& event)
    {
        Watch* watch = lib::make<Watch>();
        if (!watch)
            return ENOMEM;
        watch->owner = this;
        watch->file = &file;
        watch->fd = fd;
        set(*watch, event);
        append(*watch);
        Watch*& bucket = g_watches_by_file[bucket_of(&file)];
        watch->next_of_file = bucket;
        bucket = watch;
        ++g_watch_count;
        return {};
    }

    // EPOLL_CTL_ADD and _MOD: a new interest, looked at afresh (an edge already up reports once).
    void set(Watch& watch, const EpollEvent& event)
    {
        watch.events = event.events | EPOLLERR | EPOLLHUP;
        watch.data = event.data;
        watch.disabled = false;
        watch.last_level = 0;
        watch.last_changes = watch.file->vnode().state_changes(watch.events);
    }

    void remove(Watch& watch)
    {
        unlink(watch);
        Watch** link = &g_watches_by_file[bucket_of(watch.file)];
        while (*link != &watch)
            link = &(*link)->next_of_file;
        *link = watch.next_of_file;
        --g_watch_count;
        lib::destroy(&watch);
    }

    // Fills `events` with up to `count` reports; commits them (edges seen, one-shots disabled,
    // level-triggered ones to the back) only if `deliver` copies them out.
    template<typename Deliver>
    lib::ErrorOr<size_t> collect(EpollEvent* events, size_t count, Deliver deliver)
    {
        Watch* reported[MAX_REPORT];
        size_t found = 0;
        for (Watch* watch = m_first; watch && found < count; watch = watch->next) {
            uint32_t report = report_of(*watch);
            if (!report)
                continue;
            events[found] = { report, watch->data };
            reported[found++] = watch;
        }
        if (!found)
            return 0;
        TRY(deliver(found));
        for (size_t i = 0; i < found; ++i) {
            Watch& watch = *reported[i];
            watch.last_level = events[i].events;
            watch.last_changes = watch.file->vnode().state_changes(watch.events);
            if (watch.events & EPOLLONESHOT)
                watch.disabled = true;
            else if (!(watch.events & EPOLLET)) {
                unlink(watch);
                append(watch);
            }
        }
        return found;
    }

    // How deep the sets inside this one go (0: none), MAX_NESTING + 1 if `forbidden` is among them.
    int depth_below(const Epoll* forbidden, int depth) const
    {
        int deepest = 0;
        for (Watch* watch = m_first; watch && deepest <= MAX_NESTING; watch = watch->next) {
            if (!is_epoll(watch->file->vnode()))
                continue;
            auto& inner = static_cast<Epoll&>(watch->file->vnode());
            int below = &inner == forbidden || depth > MAX_NESTING ? MAX_NESTING : inner.depth_below(forbidden, depth + 1);
            if (below + 1 > deepest)
                deepest = below + 1;
        }
        return deepest;
    }

    // How many sets this one is inside, at most, one in the next (rare: every watch is read).
    int depth_above(int depth) const
    {
        int deepest = 0;
        for (size_t bucket = 0; bucket < FILE_BUCKETS && depth <= MAX_NESTING; ++bucket) {
            for (Watch* watch = g_watches_by_file[bucket]; watch; watch = watch->next_of_file) {
                if (&watch->file->vnode() != this)
                    continue;
                int above = watch->owner->depth_above(depth + 1) + 1;
                deepest = above > deepest ? above : deepest;
            }
        }
        return deepest;
    }

private:
    // What epoll_wait would report for `watch` now (0: nothing). Edge-triggered watches forget
    // the levels they see drop, so that the next rise reports.
    static uint32_t report_of(Watch& watch)
    {
        if (watch.disabled)
            return 0;
        uint32_t level = level_of(watch);
        if (!(watch.events & EPOLLET))
            return level;
        watch.last_level &= level;
        if (!level)
            return 0;
        bool changed = watch.file->vnode().state_changes(watch.events) != watch.last_changes;
        return changed || (level & ~watch.last_level) ? level : 0;
    }

    void append(Watch& watch)
    {
        watch.next = nullptr;
        watch.previous = m_last;
        if (m_last)
            m_last->next = &watch;
        else
            m_first = &watch;
        m_last = &watch;
    }

    void unlink(Watch& watch)
    {
        if (watch.previous)
            watch.previous->next = watch.next;
        else
            m_first = watch.next;
        if (watch.next)
            watch.next->previous = watch.previous;
        else
            m_last = watch.previous;
    }

    Watch* m_first { nullptr };
    Watch* m_last { nullptr };
    uint64_t m_inode { allocate_anonymous_inode() };
};

// A file description's last close: gone from every set (Linux's eventpoll_release).
void forget_file(vfs::OpenFile& file)
{
    if (!g_watch_count)
        return;
    Watch* watch = g_watches_by_file[bucket_of(&file)];
    while (watch) {
        Watch* next = watch->next_of_file;
        if (watch->file == &file)
            watch->owner->remove(*watch);
        watch = next;
    }
}

// Whether epoll can watch `file`: not regular files and directories, nor the memory devices
// (/dev/null, /dev/zero, /dev/full), which have no poll on Linux (EPERM).
bool can_poll(vfs::OpenFile& file)
{
    auto attributes = file.vnode().attributes();
    if (attributes.is_error())
        return false;
    uint32_t type = attributes.value().mode & vfs::TypeMask;
    if (type == vfs::TypeRegular || type == vfs::TypeDirectory || type == vfs::TypeSymlink)
        return false;
    uint64_t rdev = attributes.value().rdev;
    uint64_t major = (rdev >> 8) & 0xfff, minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
    return !(type == vfs::TypeCharacterDevice && major == 1 && minor != 8 && minor != 9 && minor != 11);
}

// The file open at `fd`, as epoll takes it: EBADF also for O_PATH descriptors.
lib::ErrorOr<lib::RefPtr<vfs::OpenFile>> pollable_file_for(uint64_t fd)
{
    auto file = TRY(file_for(fd));
    if (file->flags() & vfs::Path)
        return EBADF;
    return file;
}

lib::ErrorOr<int64_t> create_epoll(uint32_t flags)
{
    if (flags & ~EPOLL_CLOEXEC)
        return EINVAL;
    auto epoll = lib::make_ref<Epoll>();
    if (!epoll)
        return ENOMEM;
    vfs::set_open_file_release_listener(forget_file);
    return install_anonymous_file(epoll, flags, "eventpoll");
}

EpollEvent g_events[MAX_REPORT];

// The wait of epoll_wait, epoll_pwait and epoll_pwait2: `timeout` ns (< 0: forever).
SyscallResult wait_for_events(uint64_t epfd, UserAddress events, int64_t maxevents, int64_t timeout, const uint64_t* signal_mask)
{
    if (maxevents <= 0 || maxevents > INT32_MAX / static_cast<int64_t>(sizeof(EpollEvent)))
        return EINVAL;
    if (!is_user_range(events, maxevents * sizeof(EpollEvent)))
        return EFAULT;
    auto file = TRY(pollable_file_for(epfd));
    if (!is_epoll(file->vnode()))
        return EINVAL;
    auto& epoll = static_cast<Epoll&>(file->vnode());
    size_t count = maxevents < static_cast<int64_t>(MAX_REPORT) ? maxevents : MAX_REPORT;
    size_t found = TRY(epoll.collect(g_events, count, [&](size_t found) { return copy_to_user(events, g_events, found * sizeof(EpollEvent)); }));
    if (found || timeout == 0)
        return found;
    int64_t deadline = timeout < 0 ? sched::NO_DEADLINE : sched::deadline_after(timeout);
    if (sched::deadline_passed(deadline))
        return 0;
    return wait_until_handler(deadline, signal_mask);
}

} // namespace

// int epoll_create1(int flags);
SyscallResult sys_epoll_create1(SyscallArguments& a) { return create_epoll(static_cast<uint32_t>(a[0])); }

// int epoll_create(int size);
SyscallResult sys_epoll_create(SyscallArguments& a)
{
    if (static_cast<int>(a[0]) <= 0)
        return EINVAL;
    return create_epoll(0);
}

// int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
SyscallResult sys_epoll_ctl(SyscallArguments& a)
{
    int op = static_cast<int>(a[1]);
    int fd = static_cast<int>(a[2]);
    EpollEvent event {};
    if (op != EPOLL_CTL_DEL)
        event = TRY(read_user<EpollEvent>(a[3]));
    auto epoll_file = TRY(pollable_file_for(static_cast<uint32_t>(a[0])));
    auto file = TRY(pollable_file_for(static_cast<uint32_t>(fd)));
    if (!can_poll(*file))
        return EPERM;
    if (epoll_file == file || !is_epoll(epoll_file->vnode()))
        return EINVAL;
    if (op != EPOLL_CTL_DEL && (event.events & EPOLLEXCLUSIVE)) {
        if (op == EPOLL_CTL_MOD || is_epoll(file->vnode()) || (event.events & ~EXCLUSIVE_OK))
            return EINVAL;
    }
    auto& epoll = static_cast<Epoll&>(epoll_file->vnode());
    if (op == EPOLL_CTL_ADD && is_epoll(file->vnode())) {
        auto& inner = static_cast<Epoll&>(file->vnode());
        int below = inner.depth_below(&epoll, 0);
        if (below > MAX_NESTING || below + 1 + epoll.depth_above(0) > MAX_NESTING)
            return ELOOP;
    }
    Watch* watch = epoll.find(*file, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        if (watch)
            return EEXIST;
        TRY(epoll.add(*file, fd, event));
        break;
    case EPOLL_CTL_DEL:
        if (!watch)
            return ENOENT;
        epoll.remove(*watch);
        return 0;
    case EPOLL_CTL_MOD:
        if (!watch)
            return ENOENT;
        if (watch->events & EPOLLEXCLUSIVE)
            return EINVAL;
        epoll.set(*watch, event);
        break;
    default:
        return EINVAL;
    }
    // A sleeper of epoll_wait looks at the set again.
    vfs::notify_state_change();
    return 0;
}

// int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
SyscallResult sys_epoll_wait(SyscallArguments& a)
{
    int timeout = static_cast<int>(a[3]);
    return wait_for_events(a[0], a[1], static_cast<int>(a[2]), timeout < 0 ? -1 : int64_t(timeout) * 1000000, nullptr);
}

// int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout, const sigset_t *sigmask, size_t sigsetsize);
SyscallResult sys_epoll_pwait(SyscallArguments& a)
{
    uint64_t mask = 0;
    bool masked = TRY(read_wait_signal_mask(a[4], a[5], mask));
    int timeout = static_cast<int>(a[3]);
    return wait_for_events(a[0], a[1], static_cast<int>(a[2]), timeout < 0 ? -1 : int64_t(timeout) * 1000000, masked ? &mask : nullptr);
}

// int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents, const struct timespec *timeout, const sigset_t *sigmask, size_t sigsetsize);
SyscallResult sys_epoll_pwait2(SyscallArguments& a)
{
    int64_t timeout = a[3] ? TRY(read_duration(a[3])) : -1;
    uint64_t mask = 0;
    bool masked = TRY(read_wait_signal_mask(a[4], a[5], mask));
    return wait_for_events(a[0], a[1], static_cast<int>(a[2]), timeout, masked ? &mask : nullptr);
}

} // namespace linux
