// spin: says "spinning" on stdout, then loops for ever without a system call (a guest that
// never yields): only a timer, a signal or --timeout stops it. For hardening.sh.
#include <stdio.h>

int main(void)
{
    puts("spinning");
    fflush(stdout);
    volatile unsigned long counter = 0;
    for (;;)
        counter = counter + 1;
}
