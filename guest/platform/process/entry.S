// Process-platform entry points: the ELF entry the host kernel jumps to, the signal-return
// trampoline, and the jump into the program.
    .text
    .globl _start
_start:
    mov %rsp, %rdi                 // argc, argv, envp, auxv as the host kernel laid them out
    and $-16, %rsp
    call process_platform_start
    ud2

    // Every signal handler returns through here; it lies in the kernel's text, so Syscall
    // User Dispatch lets its rt_sigreturn through.
    .globl platform_signal_restorer
platform_signal_restorer:
    mov $15, %eax
    syscall
    ud2

    // resume_trap(context): returns from the host signal whose ucontext is at `context`,
    // from deep inside a handler (a host that was parked mid-trap resumes this way).
    .globl platform_resume_trap
platform_resume_trap:
    mov %rdi, %rsp
    mov $15, %eax
    syscall
    ud2

    // enter_program(entry, stack): a clean register file, as the Linux ABI promises at _start.
    .globl platform_enter_program
platform_enter_program:
    mov %rsi, %rsp
    mov %rdi, %r11
    xor %eax, %eax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    jmp *%r11

    .section .note.GNU-stack,"",@progbits
