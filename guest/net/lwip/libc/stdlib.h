/* The C library's stdlib functions that lwIP's core calls, for compiling lwIP without a C
 * library: the guest kernel defines them (guest/net/lwip/port.cpp). */
#ifndef UNIKIT_LWIP_STDLIB_H
#define UNIKIT_LWIP_STDLIB_H
#include <stddef.h>
int atoi(const char* text);
#endif
