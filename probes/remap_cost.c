// Probe: what does it cost to switch a user address space by remapping memfd runs?
// Build: gcc -O2 remap_cost.c -o remap_cost. Run: ./remap_cost
// Seen here (2026-11-24): mmap of a run 2.5 us; first touch of each page afterwards 10-13 us;
// one munmap over 16 runs of 16 touched pages ~1 ms; mmap+MADV_POPULATE_WRITE 0.6-2 us a page;
// mprotect of 1 MiB 16 us. So switching address spaces by remapping one host process costs ms.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
int main(void){
  size_t ram=64<<20; int fd=memfd_create("ram",0); ftruncate(fd,ram);
  char*phys=mmap(0,ram,PROT_READ|PROT_WRITE,MAP_SHARED,fd,0); memset(phys,1,ram);
  char*user=(char*)0x10000000; int runs[]={1,16,64}; size_t pages_per_run[]={16,16,4};
  for(int r=0;r<3;r++){int n=runs[r]; size_t pr=pages_per_run[r]; int iters=200;
    double t0=now(),tmap=0,ttouch=0,tpop=0,tun=0;
    for(int it=0;it<iters;it++){
      double a=now();
      for(int i=0;i<n;i++) mmap(user+i*pr*8192,pr*4096,PROT_READ|PROT_WRITE,MAP_SHARED|MAP_FIXED,fd,(off_t)i*pr*4096);
      double b=now();
      for(int i=0;i<n;i++) for(size_t p=0;p<pr;p++) user[i*pr*8192+p*4096]++;
      double c=now();
      munmap(user,n*pr*8192);
      double d=now();
      for(int i=0;i<n;i++){ mmap(user+i*pr*8192,pr*4096,PROT_READ|PROT_WRITE,MAP_SHARED|MAP_FIXED,fd,(off_t)i*pr*4096);
        madvise(user+i*pr*8192,pr*4096,MADV_POPULATE_WRITE);}
      double e=now();
      for(int i=0;i<n;i++) for(size_t p=0;p<pr;p++) user[i*pr*8192+p*4096]++;
      munmap(user,n*pr*8192);
      tmap+=b-a; ttouch+=c-b; tun+=d-c; tpop+=e-d;
    }
    (void)t0;
    printf("%2d runs x %2zu pages: mmap %.1f us/run, touch %.2f us/page, munmap-all %.1f us, mmap+populate %.1f us/run (%.2f us/page)\n",
      n,pr,tmap/iters/n,ttouch/iters/(n*pr),tun/iters,tpop/iters/n,tpop/iters/(n*pr));
  }
  // mprotect cost (COW marking)
  mmap(user,256*4096,PROT_READ|PROT_WRITE,MAP_SHARED|MAP_FIXED,fd,0); madvise(user,256*4096,MADV_POPULATE_WRITE);
  double a=now(); for(int i=0;i<1000;i++){mprotect(user,256*4096,PROT_READ);mprotect(user,256*4096,PROT_READ|PROT_WRITE);} 
  printf("mprotect 1 MiB: %.2f us\n",(now()-a)/2000);
  a=now(); for(int i=0;i<100000;i++) getppid(); printf("getppid %.2f us\n",(now()-a)/100000);
  return 0;
}
