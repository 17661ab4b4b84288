// hello.c: the smallest compatibility test, prints one line and exits 0.
#include <stdio.h>

int main(void)
{
    puts("hello, world");
    return 0;
}
