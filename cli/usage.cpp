// The help texts of `unikit`, `unikit run` and `unikit rootfs`. Keep them true to options.cpp.
#include "cli/usage.h"

namespace cli {

const char* const MAIN_USAGE = R"(Usage: unikit COMMAND [ARGS...]
       unikit --help | --version

Run unmodified Linux x86_64 programs in a unikernel guest.

Commands:
  run        run a program from a root filesystem directory
  rootfs     make a root filesystem directory from host programs and the
             shared libraries they need

Options:
  -h, --help     show this help
      --version  print the version

Run 'unikit run --help' or 'unikit rootfs --help' for the options of each.
)";

const char* const RUN_USAGE = R"(Usage: unikit run [OPTIONS] ROOTFS [--] PROGRAM [ARGS...]

Run PROGRAM in a unikit guest whose / is ROOTFS, a host directory. The host
directory is never modified: what the guest writes there lives in memory and is
gone when PROGRAM exits, as in a container's writable layer (use -v to keep data).
/tmp and /dev/shm are fresh tmpfs; /dev and /proc are the guest's own. PROGRAM is
looked up with the guest's PATH unless it contains a '/'. Options go before
ROOTFS; everything from PROGRAM on is passed to the program unchanged.

Options:
  -e, --env NAME=VALUE   set NAME in the guest environment (repeatable)
  -e, --env NAME         pass the caller's NAME, if it is set
  -m, --memory SIZE      guest memory: bytes, or a number with K, M or G
                         (default 512M; 16M to 64G)
  -v, --volume HOST:GUEST[:ro|:rw]
                         mount the host directory HOST at GUEST (an absolute
                         path other than /) in the guest, read-write unless
                         :ro is given; what the program writes there lands in
                         HOST (repeatable)
      --net MODE         the guest's network: slirp (default: user-mode
                         networking, guest 10.0.2.15/24, gateway 10.0.2.2 which
                         also reaches the host's loopback, DNS 10.0.2.3), none,
                         or tap:NAME,ip=ADDRESS/PREFIX[,gw=ADDRESS][,dns=ADDRESS]
                         (an existing host tap device)
  -p, --publish [HOST_IP:]HOST_PORT:GUEST_PORT[/tcp|/udp]
                         forward HOST_PORT on the host (every address unless
                         HOST_IP is given) to GUEST_PORT in the guest; tcp
                         unless /udp (repeatable; slirp only)
      --trace            print one line per program system call on stderr
      --stats            on exit, print hypercall counts and times, boot phase
                         durations and peak memory use on stderr
      --log-level LEVEL  guest kernel diagnostics on stderr: error, warn, info
                         or debug (default error)
      --timeout DURATION stop the VM after DURATION of wall-clock time (30,
                         30s, 500ms, 5m, 1h) and exit 124
      --no-seccomp       do not confine the monitor with its seccomp
                         allow-list (for debugging the monitor only)
  -h, --help             show this help

The guest environment holds only PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:
/usr/bin:/sbin:/bin, HOME=/ and what -e sets.

Exit status: the program's; 128+N if it was killed by signal N (or unikit was,
by SIGINT, SIGTERM or SIGHUP); 124 if --timeout expired; 125 if unikit itself
failed; 126 if PROGRAM cannot be executed; 127 if it was not found.
)";

const char* const ROOTFS_USAGE = R"(Usage: unikit rootfs --from-host PROGRAM [--from-host PROGRAM...]
                     [--add PATH...] [-v] -o DIR

Make DIR a root filesystem for 'unikit run' from files of this host, each copied
to the path it has on the host. Nothing is executed: ELF files are read to find
what they need. DIR is made if missing; what it holds already stays, except
files of the same names, which are replaced.

Options:
      --from-host PROGRAM
                   copy PROGRAM (a path, or a name looked up in PATH) with its
                   mode; for an ELF program, also its dynamic linker (PT_INTERP)
                   and every shared library it needs, transitively, found as
                   ld.so finds them (DT_RPATH, DT_RUNPATH with $ORIGIN, the
                   directories of /etc/ld.so.conf, then /lib/x86_64-linux-gnu,
                   /usr/lib/x86_64-linux-gnu, /lib64, /usr/lib64, /lib, /usr/lib);
                   for a #! script, also its interpreter (and NAME of
                   '#!/usr/bin/env NAME'); any other file is copied as it is
                   (repeatable)
      --add PATH   copy the file or directory PATH recursively, symlinks as
                   symlinks; every x86-64 ELF file in it brings its libraries
                   as above (repeatable)
  -o, --output DIR the directory to fill (required)
  -v, --verbose    print each file and symlink written, one a line
  -h, --help       show this help

Symlinks on the way to a file (the host's /lib -> usr/lib, /usr/bin/python3 ->
python3.11) are made again in DIR and the file is copied where they lead, so
that paths resolve in DIR as on the host. DIR also gets the host's /bin, /sbin,
/lib and /lib64 symlinks, /tmp (mode 1777), /dev, /proc, /etc and /root, and an
/etc/passwd and /etc/group with root, unless present. (unikit run gives the guest
its own /tmp, /dev and /proc: files copied there are not seen.)

Example: unikit rootfs --from-host python3 --add /usr/lib/python3.11 -o py
         unikit run py -- python3 -c 'print(6 * 7)'

Exit status: 0 on success, 125 on any failure (one line on stderr): a program
not found, a library needed that is not on this host, a malformed ELF file, ...
)";

} // namespace cli
