// flood MIB: writes MIB mebibytes of 'x' to stdout in 64 KiB writes (default 1024), then
// exits 0; exits 3 if a write fails (the reader went away with SIGPIPE ignored). For hardening.sh.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv)
{
    static char block[64 * 1024];
    memset(block, 'x', sizeof(block));
    long mebibytes = argc > 1 ? atol(argv[1]) : 1024;
    for (long i = 0; i < mebibytes * 16; ++i) {
        size_t done = 0;
        while (done < sizeof(block)) {
            ssize_t written = write(1, block + done, sizeof(block) - done);
            if (written <= 0)
                return 3;
            done += (size_t)written;
        }
    }
    return 0;
}
