// The help texts of `unikit` and `unikit run`. Keep them true to options.cpp.
#include "cli/usage.h"

namespace cli {

const char* const MAIN_USAGE = R"(Usage: unikit COMMAND [ARGS...]
       unikit --help | --version

Run unmodified Linux x86_64 programs in a unikernel guest.

Commands:
  run        run a program from a root filesystem directory

Options:
  -h, --help     show this help
      --version  print the version

Run 'unikit run --help' for the options of run.
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

} // namespace cli
