/* lwIP's configuration for the guest kernel: the raw API only (NO_SYS: the kernel is one CPU
 * and never preempted inside, so lwIP needs no threads and no locks), IPv4 and IPv6, TCP and
 * UDP, loopback and an Ethernet interface, memory from the kernel heap, tuned for throughput.
 * The stack's glue is guest/net/lwip/port.cpp (clock, randomness, heap, asserts). */
#ifndef UNIKIT_LWIPOPTS_H
#define UNIKIT_LWIPOPTS_H

/* --- The system: no OS layer, no sequential APIs. --- */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_TIMERS 1
#define LWIP_CALLBACK_API 1
#define LWIP_EVENT_API 0

/* --- Memory: every lwIP allocation (heap and pools) comes from the kernel heap, so the number
 * of connections, segments and packet buffers is bounded by guest memory, not by fixed pools.
 * MEM_SIZE only sizes mem_size_t: above 64000 it is 32 bits, which 64 KiB datagrams need. --- */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 16
#define MEM_SIZE (16 * 1024 * 1024)
#define mem_clib_malloc unikit_lwip_malloc
#define mem_clib_calloc unikit_lwip_calloc
#define mem_clib_free unikit_lwip_free
/* Pool counts: only limits with MEMP_MEM_MALLOC, kept generous for a busy server. */
#define MEMP_NUM_TCP_PCB 4096
#define MEMP_NUM_TCP_PCB_LISTEN 256
#define MEMP_NUM_UDP_PCB 1024
#define MEMP_NUM_TCP_SEG 65535
#define MEMP_NUM_REASSDATA 64
#define MEMP_NUM_FRAG_PBUF 256
#define MEMP_NUM_SYS_TIMEOUT 32
#define PBUF_POOL_SIZE 4096
#define PBUF_POOL_BUFSIZE 1600

/* --- Protocols. --- */
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_UDPLITE 0
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_MLD 1
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_DEFAULT_TTL 64
#define LWIP_IPV6_FRAG 1
#define LWIP_IPV6_REASS 1
#define IPV6_FRAG_COPYHEADER 1 /* 64-bit pointers do not fit in the fragment header */
#define ETHARP_SUPPORT_STATIC_ENTRIES 1
#define ARP_QUEUEING 1

/* --- Interfaces: loopback (127.0.0.1, ::1), with lwIP looping back traffic to the guest's own
 * addresses too; netif_poll_all() delivers it (guest/net/inet/stack.cpp). --- */
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_SINGLE_NETIF 0
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1 /* lwIP then skips checksums on loopback */

/* --- TCP, tuned for throughput: full-size segments, large windows with window scaling, a
 * large send buffer, and enough queued segments to fill it. --- */
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 4
#define TCP_WND (512 * 1024)
#define TCP_SND_BUF (512 * 1024)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT (32 * 1024) /* writable (POLLOUT) with this much room; lwIP caps it below 64 KiB */
#define TCP_SNDQUEUELOWAT (TCP_SND_QUEUELEN / 4)
#define TCP_OVERSIZE TCP_MSS
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_SACK_OUT 1
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_TCP_TIMESTAMPS 0
#define TCP_MAXRTX 12
#define TCP_SYNMAXRTX 6
#define SO_REUSE 1
#define SO_REUSE_RXTOALL 1
#define LWIP_SO_RCVBUF 0
#define LWIP_TCP_PCB_NUM_EXT_ARGS 1 /* tells a socket that lwIP freed its pcb */

/* --- Checksums: computed when a segment goes out, so only for interfaces that want them. --- */
#define LWIP_CHECKSUM_ON_COPY 0

/* --- Library functions: the guest's own (guest/kernel/compiler_runtime.cpp); small copies
 * inlined by the compiler. --- */
#define MEMCPY(dst, src, len) __builtin_memcpy(dst, src, len)
#define SMEMCPY(dst, src, len) __builtin_memcpy(dst, src, len)
#define MEMMOVE(dst, src, len) __builtin_memmove(dst, src, len)
#define LWIP_RAND() unikit_lwip_random()

/* --- No statistics, no debug output; asserts stay on (they panic the kernel). --- */
#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0
#define MIB2_STATS 0
#define LWIP_DBG_MIN_LEVEL LWIP_DBG_LEVEL_SERIOUS

#ifdef __cplusplus
extern "C" {
#endif
#include <stddef.h>
#include <stdint.h>
void* unikit_lwip_malloc(size_t size);
void* unikit_lwip_calloc(size_t count, size_t size);
void unikit_lwip_free(void* pointer);
uint32_t unikit_lwip_random(void);
#ifdef __cplusplus
}
#endif

#endif
