// The user and group ids of a process (see linux/credentials.h): get and set the real,
// effective, saved and file-system ids, and the supplementary groups, with Linux's rules for
// who may change what (kernel/sys.c, kernel/groups.c).
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

namespace linux {

namespace {

constexpr uint32_t UNCHANGED = 0xffffffff; // (uid_t)-1: leave this id as it is
constexpr uint64_t NGROUPS_MAX = 65536;

// The ids one call sets: the user ids or the group ids of the caller's credentials.
struct Ids {
    uint32_t& real;
    uint32_t& effective;
    uint32_t& saved;
    uint32_t& file_system;
};

Ids user_ids(Credentials& c) { return { c.uid, c.euid, c.suid, c.fsuid }; }
Ids group_ids(Credentials& c) { return { c.gid, c.egid, c.sgid, c.fsgid }; }

uint32_t id_argument(uint64_t value) { return static_cast<uint32_t>(value); }

// setuid/setgid: root sets all of them; anyone may set the effective id to the real or saved.
SyscallResult set_id(Ids ids, uint32_t id)
{
    if (id == UNCHANGED)
        return EINVAL;
    if (current_process().credentials.is_privileged()) {
        ids.real = ids.saved = id;
    } else if (id != ids.real && id != ids.saved) {
        return EPERM;
    }
    ids.effective = ids.file_system = id;
    return 0;
}

// setreuid/setregid: the real id to the real or effective one, the effective one to any of
// the three; the saved id follows the effective one if the real id changed or the effective
// one left the real.
SyscallResult set_real_effective(Ids ids, uint32_t real, uint32_t effective)
{
    bool privileged = current_process().credentials.is_privileged();
    if (real != UNCHANGED && real != ids.real && real != ids.effective && !privileged)
        return EPERM;
    if (effective != UNCHANGED && effective != ids.real && effective != ids.effective && effective != ids.saved && !privileged)
        return EPERM;
    uint32_t old_real = ids.real;
    if (real != UNCHANGED)
        ids.real = real;
    if (effective != UNCHANGED)
        ids.effective = effective;
    if (real != UNCHANGED || (effective != UNCHANGED && effective != old_real))
        ids.saved = ids.effective;
    ids.file_system = ids.effective;
    return 0;
}

// setresuid/setresgid: each to any of the current three, or anything for root.
SyscallResult set_real_effective_saved(Ids ids, uint32_t real, uint32_t effective, uint32_t saved)
{
    auto allowed = [&](uint32_t id) { return id == UNCHANGED || id == ids.real || id == ids.effective || id == ids.saved; };
    if (!current_process().credentials.is_privileged() && !(allowed(real) && allowed(effective) && allowed(saved)))
        return EPERM;
    if (real != UNCHANGED)
        ids.real = real;
    if (effective != UNCHANGED)
        ids.effective = effective;
    if (saved != UNCHANGED)
        ids.saved = saved;
    ids.file_system = ids.effective;
    return 0;
}

// setfsuid/setfsgid: returns the old id whether or not it changed (an invalid or refused id
// changes nothing).
SyscallResult set_file_system_id(Ids ids, uint32_t id)
{
    uint32_t old = ids.file_system;
    bool known = id == ids.real || id == ids.effective || id == ids.saved || id == ids.file_system;
    if (id != UNCHANGED && (known || current_process().credentials.is_privileged()))
        ids.file_system = id;
    return old;
}

// Runs `set` on the caller's user ids, then recomputes its capabilities if that succeeded.
template<typename Set>
SyscallResult set_user_ids(Set set)
{
    Process& process = current_process();
    Credentials& c = process.credentials;
    uint32_t old_uid = c.uid, old_euid = c.euid, old_suid = c.suid;
    auto result = set(user_ids(c));
    if (!result.is_error())
        c.user_ids_changed(old_uid, old_euid, old_suid, process.control.keep_capabilities);
    return result;
}

lib::ErrorOr<void> write_three(UserAddress real, UserAddress effective, UserAddress saved, uint32_t r, uint32_t e, uint32_t s)
{
    TRY(write_user(real, r));
    TRY(write_user(effective, e));
    TRY(write_user(saved, s));
    return {};
}

} // namespace

// uid_t getuid(void);  uid_t geteuid(void);  gid_t getgid(void);  gid_t getegid(void);
SyscallResult sys_getuid(SyscallArguments&) { return current_process().credentials.uid; }
SyscallResult sys_geteuid(SyscallArguments&) { return current_process().credentials.euid; }
SyscallResult sys_getgid(SyscallArguments&) { return current_process().credentials.gid; }
SyscallResult sys_getegid(SyscallArguments&) { return current_process().credentials.egid; }

// int setuid(uid_t uid);  int setgid(gid_t gid);
SyscallResult sys_setuid(SyscallArguments& a)
{
    return set_user_ids([&](Ids ids) { return set_id(ids, id_argument(a[0])); });
}
SyscallResult sys_setgid(SyscallArguments& a) { return set_id(group_ids(current_process().credentials), id_argument(a[0])); }

// int setreuid(uid_t ruid, uid_t euid);  int setregid(gid_t rgid, gid_t egid);
SyscallResult sys_setreuid(SyscallArguments& a)
{
    return set_user_ids([&](Ids ids) { return set_real_effective(ids, id_argument(a[0]), id_argument(a[1])); });
}
SyscallResult sys_setregid(SyscallArguments& a)
{
    return set_real_effective(group_ids(current_process().credentials), id_argument(a[0]), id_argument(a[1]));
}

// int setresuid(uid_t ruid, uid_t euid, uid_t suid);  int setresgid(gid_t rgid, gid_t egid, gid_t sgid);
SyscallResult sys_setresuid(SyscallArguments& a)
{
    return set_user_ids([&](Ids ids) { return set_real_effective_saved(ids, id_argument(a[0]), id_argument(a[1]), id_argument(a[2])); });
}
SyscallResult sys_setresgid(SyscallArguments& a)
{
    return set_real_effective_saved(group_ids(current_process().credentials), id_argument(a[0]), id_argument(a[1]), id_argument(a[2]));
}

// int getresuid(uid_t *ruid, uid_t *euid, uid_t *suid);  int getresgid(gid_t *rgid, gid_t *egid, gid_t *sgid);
SyscallResult sys_getresuid(SyscallArguments& a)
{
    const Credentials& c = current_process().credentials;
    TRY(write_three(a[0], a[1], a[2], c.uid, c.euid, c.suid));
    return 0;
}
SyscallResult sys_getresgid(SyscallArguments& a)
{
    const Credentials& c = current_process().credentials;
    TRY(write_three(a[0], a[1], a[2], c.gid, c.egid, c.sgid));
    return 0;
}

// int setfsuid(uid_t fsuid);  int setfsgid(gid_t fsgid);  Return the previous one.
SyscallResult sys_setfsuid(SyscallArguments& a) { return set_file_system_id(user_ids(current_process().credentials), id_argument(a[0])); }
SyscallResult sys_setfsgid(SyscallArguments& a) { return set_file_system_id(group_ids(current_process().credentials), id_argument(a[0])); }

// int getgroups(int size, gid_t list[]);  size 0 asks only for the count.
SyscallResult sys_getgroups(SyscallArguments& a)
{
    const Credentials& c = current_process().credentials;
    int size = static_cast<int32_t>(a[0]);
    if (size < 0)
        return EINVAL;
    if (size == 0)
        return c.group_count;
    if (static_cast<uint32_t>(size) < c.group_count)
        return EINVAL;
    TRY(copy_to_user(a[1], c.groups, c.group_count * sizeof(uint32_t)));
    return c.group_count;
}

// int setgroups(size_t size, const gid_t *list);  Root only (CAP_SETGID).
SyscallResult sys_setgroups(SyscallArguments& a)
{
    Credentials& c = current_process().credentials;
    if (!c.is_privileged())
        return EPERM;
    if (a[0] > NGROUPS_MAX)
        return EINVAL;
    if (a[0] > Credentials::GROUPS_MAX)
        return ENOMEM; // FIXME: more groups than kept here
    uint32_t groups[Credentials::GROUPS_MAX];
    TRY(copy_from_user(groups, a[1], a[0] * sizeof(uint32_t)));
    // As Linux: kept sorted (groups_sort), which getgroups shows.
    for (uint64_t i = 1; i < a[0]; ++i) {
        for (uint64_t j = i; j > 0 && groups[j - 1] > groups[j]; --j) {
            uint32_t swap = groups[j];
            groups[j] = groups[j - 1];
            groups[j - 1] = swap;
        }
    }
    for (uint64_t i = 0; i < a[0]; ++i)
        c.groups[i] = groups[i];
    c.group_count = static_cast<uint32_t>(a[0]);
    return 0;
}

} // namespace linux
