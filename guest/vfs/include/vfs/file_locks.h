// Advisory file locks with Linux's semantics, in one table for the whole kernel:
// * POSIX record locks (fcntl F_SETLK), owned by a process: byte ranges that a process's own
//   requests split and merge, gone when it closes any descriptor of the file or exits;
// * open file description locks (F_OFD_SETLK), the same ranges owned by an OpenFile: they
//   conflict with POSIX locks, even those of the process holding the description;
// * flock locks, one per OpenFile, shared or exclusive, apart from the record locks.
// OFD and flock locks go with the description's last close (OpenFile's destructor).
//
// A file is known by its (device, inode), as Linux knows it by its inode: hostfs hands out a
// new vnode for every lookup, so two opens of one file need not share a Vnode. A lock lives
// no longer than its owner's hold on the file (a descriptor or a description), which keeps
// the file, and so its inode number, alive.
//
// Nothing here sleeps: a lock that cannot be had now is EAGAIN, and every release calls
// vfs::notify_state_change(), after which the kernel's waiters (F_SETLKW, flock without
// LOCK_NB) ask again (vfs/wait.h).
//
// FIXME: the locks are the guest's own: a host process using the same file through a hostfs
// volume neither sees them nor is stopped by them. No /proc/locks, no leases (F_SETLEASE).
#pragma once

#include <lib/error_or.h>
#include <stdint.h>
#include <vfs/open_file.h>

namespace vfs {

// l_type's values: F_RDLCK, F_WRLCK, F_UNLCK.
enum class LockType : int16_t { Read = 0, Write = 1, Unlock = 2 };

// The last byte of a lock that runs to the end of the file however far it grows (l_len 0;
// Linux's OFFSET_MAX).
inline constexpr int64_t LOCK_TO_END = INT64_MAX;

// Who holds a record lock: a process (F_SETLK) or an open file description (F_OFD_SETLK).
struct LockOwner {
    int pid { 0 };                    // the process; 0 for a description
    const OpenFile* file { nullptr }; // the description; null for a process

    static LockOwner process(int pid) { return { pid, nullptr }; }
    static LockOwner description(const OpenFile& file) { return { 0, &file }; }
    bool operator==(const LockOwner&) const = default;
};

// A record lock held or asked for: bytes `start` to `end`, both included.
struct RecordLock {
    LockType type { LockType::Unlock };
    int64_t start { 0 };
    int64_t end { LOCK_TO_END };
    int pid { 0 }; // what F_GETLK reports as l_pid: the holder's pid, -1 for an OFD lock
};

// F_SETLK, F_OFD_SETLK: locks `lock`'s bytes for `owner` (or, LockType::Unlock, unlocks them);
// the owner's locks there are replaced, split, and merged with neighbours of the same type.
// EAGAIN when another owner's lock conflicts; ENOLCK when out of memory. With
// `caller_will_wait` (F_SETLKW), a POSIX owner that would wait for a lock whose holder waits,
// directly or through others, for one of the owner's own gets EDEADLK instead; otherwise its
// wait is remembered for that check until it gets the lock or forget_record_lock_wait.
lib::ErrorOr<void> set_record_lock(Vnode&, LockOwner, const RecordLock&, bool caller_will_wait = false);

// F_GETLK, F_OFD_GETLK: the first lock of another owner that conflicts with `lock`, or a lock
// of type Unlock when there is none.
RecordLock find_conflicting_record_lock(Vnode&, LockOwner, const RecordLock&);

// A process that waited in F_SETLKW stopped waiting without the lock (a signal).
void forget_record_lock_wait(int pid);

enum class FlockType : uint8_t { Shared, Exclusive, Unlock }; // LOCK_SH, LOCK_EX, LOCK_UN

// flock(2) on `file`'s description. A lock of the other type that the description holds is
// dropped first (Linux does not convert atomically), so it is gone even when the new one
// then fails with EAGAIN (EWOULDBLOCK) because another description holds a conflicting
// lock. ENOMEM when out of memory (the old lock is kept then).
lib::ErrorOr<void> set_flock(OpenFile& file, FlockType);

// A process closed a descriptor of `vnode`, any of them: its POSIX locks on the file go.
void release_process_locks(int pid, Vnode&);
// A process ended: all its POSIX locks go, and its F_SETLKW wait.
void release_process_locks(int pid);
// The last close of an open file description: its OFD and flock locks go.
void release_open_file_locks(const OpenFile&);

// Whether any lock is held (host tests check that they leave none behind).
bool any_file_locks();

} // namespace vfs
