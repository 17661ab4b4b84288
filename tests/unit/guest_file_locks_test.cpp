// The lock table (vfs/file_locks.h), built for the host: record locks splitting and merging,
// conflicts between owners, F_GETLK's answer, OFD locks, flock, deadlock detection, releases
// and the state change notifications that wake waiters.
#include <cerrno>
#include <gtest/gtest.h>
#include <lib/errno_codes.h>
#include <string>
#include <vfs/file_locks.h>
#include <vfs/wait.h>

namespace {

using lib::RefPtr;
using vfs::FlockType;
using vfs::LOCK_TO_END;
using vfs::LockOwner;
using vfs::LockType;
using vfs::RecordLock;

class FakeFileSystem final : public vfs::FileSystem {
public:
    RefPtr<vfs::Vnode> root() override { return nullptr; }
    const char* name() const override { return "fake"; }
    uint64_t magic() const override { return 0; }
};

// A regular file known by (device 7, `inode`): two of them with one inode are two vnodes of
// one file, as hostfs hands out.
class FakeFile final : public vfs::Vnode {
public:
    explicit FakeFile(uint64_t inode) : m_inode(inode) {}
    lib::ErrorOr<vfs::Attributes> attributes() override
    {
        vfs::Attributes attributes {};
        attributes.device = 7;
        attributes.inode = m_inode;
        attributes.mode = vfs::TypeRegular | 0644;
        return attributes;
    }
    vfs::FileSystem& file_system() override { return m_fs; }

private:
    uint64_t m_inode;
    FakeFileSystem m_fs;
};

int g_notifications;
void count_notification() { ++g_notifications; }

class FileLocks : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_notifications = 0;
        vfs::set_state_change_listener(count_notification);
    }
    void TearDown() override
    {
        for (int pid = 1; pid <= 4; ++pid)
            vfs::release_process_locks(pid);
        a.clear();
        b.clear();
        EXPECT_FALSE(vfs::any_file_locks());
        vfs::set_state_change_listener(nullptr);
    }

    RefPtr<vfs::OpenFile> open(uint64_t inode)
    {
        auto file = vfs::OpenFile::create(lib::make_ref<FakeFile>(inode), vfs::ReadWrite, "/fake");
        EXPECT_FALSE(file.is_error());
        return file.release_value();
    }

    RefPtr<vfs::OpenFile> a = open(1);
    RefPtr<vfs::OpenFile> b = open(1); // the same file through another vnode
};

RecordLock range(LockType type, int64_t start, int64_t end, int pid = 0) { return { type, start, end, pid }; }

// Sets a lock that must be granted.
void set(vfs::OpenFile& file, LockOwner owner, RecordLock lock)
{
    auto result = vfs::set_record_lock(file.vnode(), owner, lock);
    ASSERT_FALSE(result.is_error()) << result.error();
}

int error_of(lib::ErrorOr<void> result) { return result.is_error() ? result.error() : 0; }

// What F_GETLK tells `asker` about a write lock on [start, end]: "type start-end pid".
std::string test(vfs::OpenFile& file, LockOwner asker, int64_t start, int64_t end = LOCK_TO_END)
{
    RecordLock held = vfs::find_conflicting_record_lock(file.vnode(), asker, range(LockType::Write, start, end));
    if (held.type == LockType::Unlock)
        return "unlocked";
    std::string text = held.type == LockType::Read ? "read " : "write ";
    text += std::to_string(held.start) + "-" + (held.end == LOCK_TO_END ? "end" : std::to_string(held.end));
    return text + " pid " + std::to_string(held.pid);
}

const LockOwner P1 = LockOwner::process(1), P2 = LockOwner::process(2), P3 = LockOwner::process(3);

TEST_F(FileLocks, ConflictsOnlyBetweenOwnersAndTypes)
{
    set(*a, P1, range(LockType::Read, 0, 9, 1));
    set(*a, P1, range(LockType::Write, 0, 4, 1)); // its own read lock never stops it
    EXPECT_EQ(error_of(vfs::set_record_lock(b->vnode(), P2, range(LockType::Write, 9, 9, 2))), EAGAIN);
    EXPECT_EQ(error_of(vfs::set_record_lock(b->vnode(), P2, range(LockType::Read, 4, 4, 2))), EAGAIN);
    set(*b, P2, range(LockType::Read, 5, 20, 2)); // read locks share
    set(*b, P2, range(LockType::Write, 10, LOCK_TO_END, 2)); // leaves 5-9 a read lock
    EXPECT_EQ(test(*a, P1, 0), "read 5-9 pid 2");
    EXPECT_EQ(test(*a, P1, 10), "write 10-end pid 2");
    EXPECT_EQ(test(*a, P2, 0), "write 0-4 pid 1");
    EXPECT_EQ(test(*a, P3, 5), "read 5-9 pid 1"); // the first conflict in Linux's order
    EXPECT_EQ(test(*a, P1, 0, 4), "unlocked");
    // Another file is another table entry.
    auto other = open(2);
    set(*other, P2, range(LockType::Write, 0, LOCK_TO_END, 2));
    EXPECT_EQ(test(*other, P3, 0), "write 0-end pid 2");
}

TEST_F(FileLocks, AnOwnersLocksSplitAndMerge)
{
    set(*a, P1, range(LockType::Write, 0, 99, 1));
    set(*a, P1, range(LockType::Unlock, 40, 59));
    EXPECT_EQ(test(*a, P2, 0), "write 0-39 pid 1");
    EXPECT_EQ(test(*a, P2, 40), "write 60-99 pid 1");
    EXPECT_EQ(test(*a, P2, 40, 59), "unlocked");
    EXPECT_GT(g_notifications, 0);
    // A read lock in the middle of a write lock splits it in three.
    set(*a, P1, range(LockType::Read, 40, 59, 1));
    set(*a, P1, range(LockType::Read, 20, 29, 1));
    EXPECT_EQ(test(*a, P2, 0), "write 0-19 pid 1");
    EXPECT_EQ(test(*a, P2, 20), "read 20-29 pid 1");
    EXPECT_EQ(test(*a, P2, 30), "write 30-39 pid 1");
    EXPECT_EQ(test(*a, P2, 40), "read 40-59 pid 1");
    // Write locks over the read ones merge with their neighbours into one.
    set(*a, P1, range(LockType::Write, 20, 29, 1));
    set(*a, P1, range(LockType::Write, 40, 59, 1));
    EXPECT_EQ(test(*a, P2, 0), "write 0-99 pid 1");
    // Adjoining locks of one type merge; to the end of the file swallows what follows.
    set(*a, P1, range(LockType::Write, 100, 109, 1));
    set(*a, P1, range(LockType::Write, 200, LOCK_TO_END, 1));
    EXPECT_EQ(test(*a, P2, 0), "write 0-109 pid 1");
    set(*a, P1, range(LockType::Write, 110, 199, 1));
    EXPECT_EQ(test(*a, P2, 0), "write 0-end pid 1");
    // Unlocking everything leaves nothing behind.
    set(*a, P1, range(LockType::Unlock, 0, LOCK_TO_END));
    EXPECT_EQ(test(*a, P2, 0), "unlocked");
    EXPECT_FALSE(vfs::any_file_locks());
}

TEST_F(FileLocks, OwnersKeepTheirOrderAndTheirLocksStayTogether)
{
    set(*a, P2, range(LockType::Read, 50, 59, 2));
    set(*a, P1, range(LockType::Read, 0, 9, 1));
    set(*a, P2, range(LockType::Read, 0, 4, 2)); // goes with P2's other lock, before P1's
    EXPECT_EQ(test(*a, P3, 0), "read 0-4 pid 2");
    set(*a, P2, range(LockType::Unlock, 0, LOCK_TO_END));
    EXPECT_EQ(test(*a, P3, 0), "read 0-9 pid 1");
}

TEST_F(FileLocks, OpenFileDescriptionLocks)
{
    LockOwner first = LockOwner::description(*a), second = LockOwner::description(*b);
    set(*a, first, range(LockType::Write, 0, 9, -1));
    EXPECT_EQ(error_of(vfs::set_record_lock(b->vnode(), second, range(LockType::Write, 5, 14, -1))), EAGAIN);
    // They conflict with the process's own POSIX locks too.
    EXPECT_EQ(error_of(vfs::set_record_lock(a->vnode(), P1, range(LockType::Read, 0, 0, 1))), EAGAIN);
    EXPECT_EQ(test(*b, second, 0), "write 0-9 pid -1");
    EXPECT_EQ(test(*a, first, 0), "unlocked");
    // The description's last close drops them.
    g_notifications = 0;
    a.clear();
    EXPECT_EQ(g_notifications, 1);
    EXPECT_EQ(test(*b, P1, 0), "unlocked");
}

TEST_F(FileLocks, ProcessLocksGoWithAnyCloseOfTheFileAndAtExit)
{
    auto other = open(2);
    set(*a, P1, range(LockType::Write, 0, 9, 1));
    set(*other, P1, range(LockType::Write, 0, 9, 1));
    set(*a, P2, range(LockType::Read, 20, 29, 2));
    vfs::release_process_locks(1, b->vnode()); // another vnode of the same file
    EXPECT_EQ(test(*a, P3, 0, 9), "unlocked");
    EXPECT_EQ(test(*other, P3, 0), "write 0-9 pid 1");
    EXPECT_EQ(test(*a, P3, 0), "read 20-29 pid 2");
    g_notifications = 0;
    vfs::release_process_locks(1);
    EXPECT_EQ(g_notifications, 1);
    EXPECT_EQ(test(*other, P3, 0), "unlocked");
    vfs::release_process_locks(1); // nothing left: no notification
    EXPECT_EQ(g_notifications, 1);
}

TEST_F(FileLocks, Flock)
{
    auto c = open(1);
    EXPECT_EQ(error_of(vfs::set_flock(*a, FlockType::Shared)), 0);
    EXPECT_EQ(error_of(vfs::set_flock(*b, FlockType::Shared)), 0);
    EXPECT_EQ(error_of(vfs::set_flock(*c, FlockType::Exclusive)), EAGAIN);
    // Record locks are apart from flock locks.
    set(*c, P1, range(LockType::Write, 0, LOCK_TO_END, 1));
    // A conversion drops the old lock first, even when the new one then fails.
    EXPECT_EQ(error_of(vfs::set_flock(*a, FlockType::Exclusive)), EAGAIN);
    EXPECT_EQ(error_of(vfs::set_flock(*b, FlockType::Exclusive)), 0);
    EXPECT_EQ(error_of(vfs::set_flock(*b, FlockType::Exclusive)), 0); // held already
    EXPECT_EQ(error_of(vfs::set_flock(*a, FlockType::Shared)), EAGAIN);
    g_notifications = 0;
    EXPECT_EQ(error_of(vfs::set_flock(*b, FlockType::Unlock)), 0);
    EXPECT_EQ(g_notifications, 1);
    EXPECT_EQ(error_of(vfs::set_flock(*a, FlockType::Unlock)), 0); // holds none: fine
    EXPECT_EQ(error_of(vfs::set_flock(*c, FlockType::Exclusive)), 0);
    c.clear(); // the last close
    EXPECT_EQ(error_of(vfs::set_flock(*a, FlockType::Exclusive)), 0);
    vfs::release_process_locks(1);
}

TEST_F(FileLocks, DeadlockBetweenWaitingProcesses)
{
    set(*a, P1, range(LockType::Write, 0, 0, 1));
    set(*a, P2, range(LockType::Write, 1, 1, 2));
    set(*a, P3, range(LockType::Write, 2, 2, 3));
    // 2 waits for 1's byte, 3 for 2's; 1 asking for 3's byte would close the circle.
    EXPECT_EQ(error_of(vfs::set_record_lock(a->vnode(), P2, range(LockType::Write, 0, 0, 2), true)), EAGAIN);
    EXPECT_EQ(error_of(vfs::set_record_lock(a->vnode(), P3, range(LockType::Write, 1, 1, 3), true)), EAGAIN);
    EXPECT_EQ(error_of(vfs::set_record_lock(a->vnode(), P1, range(LockType::Write, 2, 2, 1), true)), EDEADLK);
    // Without waiting it is just EAGAIN.
    EXPECT_EQ(error_of(vfs::set_record_lock(a->vnode(), P1, range(LockType::Write, 2, 2, 1))), EAGAIN);
    // Once 2 stops waiting (a signal), there is no circle.
    vfs::forget_record_lock_wait(2);
    EXPECT_EQ(error_of(vfs::set_record_lock(a->vnode(), P1, range(LockType::Write, 2, 2, 1), true)), EAGAIN);
    // OFD locks take no part: their holder is no process.
    vfs::forget_record_lock_wait(1);
    LockOwner description = LockOwner::description(*b);
    set(*b, description, range(LockType::Write, 10, 10, -1));
    EXPECT_EQ(error_of(vfs::set_record_lock(a->vnode(), P1, range(LockType::Write, 10, 10, 1), true)), EAGAIN);
    EXPECT_EQ(error_of(vfs::set_record_lock(b->vnode(), description, range(LockType::Write, 0, 0, -1), true)), EAGAIN);
}

TEST_F(FileLocks, UnlockingWhatIsNotLockedAddsNothing)
{
    set(*a, P1, range(LockType::Unlock, 0, LOCK_TO_END));
    EXPECT_FALSE(vfs::any_file_locks());
    EXPECT_EQ(error_of(vfs::set_flock(*a, FlockType::Unlock)), 0);
    EXPECT_FALSE(vfs::any_file_locks());
    EXPECT_EQ(g_notifications, 0);
}

} // namespace
