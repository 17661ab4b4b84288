/* The C library's string functions that lwIP's core calls, for compiling lwIP without a C
 * library: the guest kernel defines them (guest/kernel/compiler_runtime.cpp,
 * guest/net/lwip/port.cpp). */
#ifndef UNIKIT_LWIP_STRING_H
#define UNIKIT_LWIP_STRING_H
#include <stddef.h>
void* memcpy(void* destination, const void* source, size_t length);
void* memmove(void* destination, const void* source, size_t length);
void* memset(void* destination, int value, size_t length);
int memcmp(const void* a, const void* b, size_t length);
size_t strlen(const char* s);
int strncmp(const char* a, const char* b, size_t length);
#endif
