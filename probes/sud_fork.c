// Probe: is Syscall User Dispatch inherited by a child of fork/clone? Does CLONE_PARENT make
// the caller's parent the child's parent? Are timers inherited?
// Build: gcc -O2 sud_fork.c -o sud_fork. Run: ./sud_fork
// Seen here (2026-11-24): Syscall User Dispatch is NOT inherited by a fork child (the kernel
// turns it on again in every new host); CLONE_PARENT makes the caller's parent reap the child.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>
#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif
static volatile char selector = 0; // 0 = allow
static volatile int sigsys_count;
static void on_sigsys(int s, siginfo_t* i, void* c){ (void)s;(void)i;(void)c; sigsys_count++; selector=0; }
int main(void){
  struct sigaction sa; memset(&sa,0,sizeof sa); sa.sa_sigaction=on_sigsys; sa.sa_flags=SA_SIGINFO; sigaction(SIGSYS,&sa,0);
  // dispatch everything outside a 0-length "allowed" range
  if(prctl(PR_SET_SYSCALL_USER_DISPATCH,PR_SYS_DISPATCH_ON,0,0,&selector)) { perror("prctl"); return 1; }
  pid_t outer=fork();
  if(outer==0){ // middle process: fork a CLONE_PARENT child
    long c=syscall(SYS_clone, CLONE_PARENT|SIGCHLD, 0,0,0,0);
    if(c==0){ selector=1; syscall(SYS_getpid); int n=sigsys_count; 
      char b[100]; int l=snprintf(b,100,"grandchild: ppid=%d sigsys after getpid with selector=1: %d\n",getppid(),n); write(1,b,l); _exit(0);}
    printf("middle %d made %ld\n",getpid(),c); _exit(0);
  }
  printf("top %d made middle %d\n",getpid(),outer);
  int st; pid_t p; while((p=wait(&st))>0) printf("top reaped %d status %x\n",p,st);
  return 0;
}
