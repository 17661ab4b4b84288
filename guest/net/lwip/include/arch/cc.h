/* lwIP's compiler and platform port for the guest kernel: x86_64, little endian, GCC; no C
 * library headers beyond the compiler's own (stddef.h, stdint.h); diagnostics and asserts go to
 * the kernel log and panic (guest/net/lwip/port.cpp). */
#ifndef UNIKIT_LWIP_ARCH_CC_H
#define UNIKIT_LWIP_ARCH_CC_H

#define BYTE_ORDER LITTLE_ENDIAN

#define LWIP_NO_INTTYPES_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define LWIP_NO_LIMITS_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_CTYPE_H 1
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
#ifndef SSIZE_MAX
#define SSIZE_MAX __LONG_MAX__
#endif
typedef long ssize_t;

#ifdef __cplusplus
extern "C" {
#endif
void unikit_lwip_diagnostic(const char* format, ...) __attribute__((format(printf, 1, 2)));
void unikit_lwip_assert(const char* message, int line, const char* file) __attribute__((noreturn));
#ifdef __cplusplus
}
#endif

#define LWIP_PLATFORM_DIAG(x) do { unikit_lwip_diagnostic x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) unikit_lwip_assert((x), __LINE__, __FILE__)

#endif
