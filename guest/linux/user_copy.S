// Access to program memory that may fault. A fault with RIP between user_access_start and
// user_access_end resumes at user_access_fault, which returns -EFAULT (see kernel/traps.cpp).
    .text
    .globl user_access_start, user_access_end, user_access_fault
    .globl user_copy, user_string_length

user_access_start:

    // int64_t user_copy(void* destination, const void* source, size_t length): 0 or -EFAULT
user_copy:
    mov %rdx, %rcx
    rep movsb
    xor %eax, %eax
    ret

    // int64_t user_string_length(const char* string, size_t limit): length, limit when no
    // NUL comes first, or -EFAULT
user_string_length:
    xor %eax, %eax
1:  cmp %rsi, %rax
    je 2f
    cmpb $0, (%rdi,%rax)
    je 2f
    inc %rax
    jmp 1b
2:  ret

user_access_end:

user_access_fault:
    mov $-14, %rax
    ret

    .section .note.GNU-stack,"",@progbits
