// escape.c: a hostile program. Under unikit it shares its address space with the guest
// kernel, as in any unikernel, so it borrows a `syscall` instruction from the kernel's text
// (at its fixed address) to try a host syscall: mkdir(argv[1]). The guest kernel's sandbox
// must stop the VM before the directory appears. Run natively it only prints a usage line.
#include <stdio.h>
#include <string.h>

#define KERNEL_TEXT ((const unsigned char*)0x7f0000001000)
#define SCAN_BYTES 0x100000 // past where the kernel's own syscalls are; the scan stops at the first

int main(int argc, char** argv)
{
    if (argc != 3 || strcmp(argv[2], "--under-unikit") != 0) {
        fprintf(stderr, "usage: escape DIRECTORY --under-unikit\n");
        return 2;
    }
    const unsigned char* gadget = 0;
    for (int i = 0; i + 1 < SCAN_BYTES; ++i) {
        if (KERNEL_TEXT[i] == 0x0f && KERNEL_TEXT[i + 1] == 0x05) {
            gadget = KERNEL_TEXT + i;
            break;
        }
    }
    if (!gadget) {
        printf("no syscall instruction found\n");
        return 3;
    }
    long result;
    // mkdir(argv[1], 0755) == syscall 83, executed from inside the kernel's text.
    __asm__ volatile("call *%1"
                     : "=a"(result)
                     : "r"(gadget), "a"(83L), "D"(argv[1]), "S"(0755L)
                     : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
    printf("borrowed syscall returned %ld\n", result);
    return 4;
}
