// kvm_and_sud.c: is /dev/kvm usable, and what does a syscall trapped by Syscall User Dispatch
// cost here (a SIGSYS handler that answers instead of the kernel)?
// Build: gcc -O2 kvm_and_sud.c -o kvm_and_sud. Run: ./kvm_and_sud
// Seen here (2026-11-23): "open /dev/kvm: No such device" (after mknod /dev/kvm c 10 232;
// dmesg: "kvm-pvm: this kernel is itself a kvm-pvm guest; not binding"), a trapped syscall
// 3.1 us, a host getppid() 1.0 us; CPUID's hypervisor leaf gives no TSC frequency.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
struct ksa{void*h;unsigned long f;void*r;unsigned long m;};
#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif
static volatile char selector = 0; static long traps;
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
static void on_sys(int s, siginfo_t*si, void*uc_){ ucontext_t*uc=uc_; traps++; uc->uc_mcontext.gregs[REG_RAX]=42; }
int main(){
  int k=open("/dev/kvm",O_RDWR); printf("open /dev/kvm: %s\n", k<0?strerror(errno):"ok");
  uint8_t*pg=mmap(0,4096,7,MAP_PRIVATE|MAP_ANONYMOUS,-1,0); uint8_t rs[]={0xb8,15,0,0,0,0x0f,0x05}; memcpy(pg,rs,sizeof rs);
  struct ksa sa={on_sys,SA_SIGINFO|0x04000000,pg,0}; if(syscall(SYS_rt_sigaction,SIGSYS,&sa,0,8)) perror("sigaction");
  if(prctl(PR_SET_SYSCALL_USER_DISPATCH,PR_SYS_DISPATCH_ON,(unsigned long)pg,4096,&selector)) { perror("prctl"); return 1; }
  int N=100000; double t0=now(); long r=0;
  selector=1; for(int i=0;i<N;i++){ long x; asm volatile("syscall":"=a"(x):"a"(39L):"rcx","r11","memory"); r+=x; } selector=0;
  double t=now()-t0; printf("SUD trap round trip: %.2f us (traps %ld, r/N=%ld)\n", t/N*1e6, traps, r/N);
  t0=now(); for(int i=0;i<N;i++) getppid(); printf("host getppid: %.3f us\n",(now()-t0)/N*1e6);
  unsigned a,b,c,d; asm("cpuid":"=a"(a),"=b"(b),"=c"(c),"=d"(d):"a"(0x40000000)); printf("hv leaf max %x sig %.4s%.4s%.4s\n",a,(char*)&b,(char*)&c,(char*)&d);
  asm("cpuid":"=a"(a),"=b"(b),"=c"(c),"=d"(d):"a"(0x40000010)); printf("0x40000010 tsc khz %u\n",a);
  asm("cpuid":"=a"(a),"=b"(b),"=c"(c),"=d"(d):"a"(0x15)); printf("0x15 %u %u %u\n",a,b,c);
  return 0; }
