// memory_readonly.c [write|none|exec|stack]: a forbidden access kills the program with SIGSEGV,
// as on Linux: a write to a read-only mapping, a read of PROT_NONE memory, a call into memory
// mapped without PROT_EXEC, or the same write after mprotect removed PROT_WRITE from pages
// already written. The exit status is compared with the native run's.
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char** argv)
{
    const char* mode = argc > 1 ? argv[1] : "write";
    volatile unsigned char* p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("read-only page reads %d\n", p[100]);
    unsigned char* q = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    q[0] = 0xc3; // ret
    printf("mode %s\n", mode);
    fflush(stdout);
    if (!strcmp(mode, "write")) {
        p[100] = 1;
    } else if (!strcmp(mode, "none")) {
        mprotect((void*)p, 8192, PROT_NONE);
        printf("%d\n", p[4096]);
    } else if (!strcmp(mode, "exec")) {
        ((void (*)(void))q)();
    } else if (!strcmp(mode, "protected")) {
        mprotect(q, 8192, PROT_READ);
        printf("still readable %d\n", q[0]);
        fflush(stdout);
        q[1] = 1;
    }
    printf("survived\n");
    return 0;
}
