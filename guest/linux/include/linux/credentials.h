// A process's user and group ids (real, effective, saved, file-system) and supplementary
// groups: inherited at fork, kept across execve (no set-user-ID programs here), and the
// capability sets that follow from them. Root is privileged as Linux's root with every
// capability: euid 0 holds CAP_SETUID, CAP_KILL, CAP_SYS_RESOURCE and the rest.
// FIXME: the file systems do not check permissions or record owners: a process that gave up
// root still reads and writes as root; the auxiliary vector's AT_UID... always say 0.
#pragma once

#include <stdint.h>

namespace linux {

struct Credentials {
    static constexpr uint32_t GROUPS_MAX = 32; // FIXME: Linux allows NGROUPS_MAX (65536)

    uint32_t uid { 0 }, euid { 0 }, suid { 0 }, fsuid { 0 };
    uint32_t gid { 0 }, egid { 0 }, sgid { 0 }, fsgid { 0 };
    uint32_t group_count { 0 };
    uint32_t groups[GROUPS_MAX] {};

    // Capabilities, as Linux's root without file capabilities: all 41 while root, none for
    // other users. A change of user ids and execve recompute them (capabilities(7)); capset
    // may lower them in between. Ambient capabilities are always empty.
    static constexpr uint64_t ALL_CAPABILITIES = 0x1ffffffffff; // CAP_CHOWN..CAP_CHECKPOINT_RESTORE
    uint64_t permitted { ALL_CAPABILITIES }, effective { ALL_CAPABILITIES }, inheritable { 0 };

    // Whether privileged checks pass. FIXME: one question for every capability: holding all
    // effective ones is privilege, holding fewer is none (no check asks for a single one yet).
    bool is_privileged() const { return effective == ALL_CAPABILITIES; }

    // After the user ids changed from (old_uid, old_euid, old_suid): leaving root clears the
    // permitted and effective sets (permitted stays with PR_SET_KEEPCAPS); the effective
    // user id leaving 0 clears the effective set, coming back to 0 restores it from permitted.
    void user_ids_changed(uint32_t old_uid, uint32_t old_euid, uint32_t old_suid, bool keep_capabilities)
    {
        bool was_root = old_uid == 0 || old_euid == 0 || old_suid == 0;
        if (was_root && uid != 0 && euid != 0 && suid != 0) {
            if (!keep_capabilities)
                permitted = 0;
            effective = 0;
        }
        if (old_euid == 0 && euid != 0)
            effective = 0;
        else if (old_euid != 0 && euid == 0)
            effective = permitted;
    }

    // execve: root (real or effective) gets every capability, effective if euid is 0; anyone
    // else none (no file capabilities, no set-user-ID programs here).
    void program_executed()
    {
        bool root = uid == 0 || euid == 0;
        permitted = root ? ALL_CAPABILITIES : 0;
        effective = euid == 0 ? permitted : 0;
    }
};

} // namespace linux
