// segfault.c: writes through a NULL pointer; the expected result is death by SIGSEGV.
// It prints nothing, so the only stderr line is the one unikit adds.
#include <stddef.h>

int main(void)
{
    volatile int* volatile pointer = NULL;
    *pointer = 42;
    return 0;
}
