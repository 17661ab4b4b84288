// The vDSO image (built from vdso.cpp by guest/CMakeLists.txt), embedded in the kernel.
    .section .rodata.vdso, "a"
    .balign 4096
    .global vdso_image_start, vdso_image_end
vdso_image_start:
    .incbin VDSO_IMAGE_PATH
vdso_image_end:
    .section .note.GNU-stack, "", @progbits
