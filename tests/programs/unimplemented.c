// unimplemented.c: calls a syscall unikit does not implement (mq_getsetattr) three times and
// prints what each call returned. Natively: EBADF, as the descriptor is bad.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    for (int i = 0; i < 3; ++i) {
        long result = syscall(SYS_mq_getsetattr, -1, 0, 0);
        printf("mq_getsetattr = %ld (%s)\n", result, result < 0 ? strerror(errno) : "ok");
    }
    return 0;
}
