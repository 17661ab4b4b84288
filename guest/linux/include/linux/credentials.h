// A process's user and group ids (real, effective, saved, file-system) and supplementary
// groups: inherited at fork, kept across execve (no set-user-ID programs here). Root is
// privileged as Linux's root with every capability: euid 0 holds CAP_SETUID, CAP_KILL,
// CAP_SYS_RESOURCE and the rest; any other euid holds none.
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

    bool is_privileged() const { return euid == 0; }
};

} // namespace linux
