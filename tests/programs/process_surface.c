// process_surface: the process calls every program makes, printed as facts that hold on any
// Linux run as root (the guest is root), so the native run is the oracle: ids, uname's fixed
// fields, prctl round-trips, personality, getrandom lengths and flags, rlimits, sysinfo,
// getcpu, the scheduler policy, and AT_SYSINFO_EHDR pointing at an ELF image.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char* yes(int condition) { return condition ? "yes" : "no"; }

static const char* errno_name(int e)
{
    return e == EINVAL ? "EINVAL" : e == EFAULT ? "EFAULT" : e == ESRCH ? "ESRCH" : e == EPERM ? "EPERM" : e == 0 ? "0" : "other";
}

static void result(const char* label, long value)
{
    if (value < 0)
        printf("%s: -1 %s\n", label, errno_name(errno));
    else
        printf("%s: %ld\n", label, value);
}

static void* named_thread(void* unused)
{
    (void)unused;
    char name[16] = "";
    prctl(PR_GET_NAME, name);
    printf("new thread inherits the name: %s\n", name);
    prctl(PR_SET_NAME, "worker-thread");
    prctl(PR_GET_NAME, name);
    printf("thread's own name: %s\n", name);
    return NULL;
}

int main(void)
{
    // Ids: root, a process whose pid is its tid in the main thread.
    printf("getpid == gettid: %s\n", yes(getpid() == syscall(SYS_gettid)));
    printf("getppid >= 0: %s\n", yes(getppid() >= 0));
    printf("uid euid gid egid: %d %d %d %d\n", getuid(), geteuid(), getgid(), getegid());
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    printf("getresuid: %d %d %d getresgid: %d %d %d\n", r, e, s, gr, ge, gs);
    result("setuid(0)", setuid(0));
    result("setgid(0)", setgid(0));
    result("setreuid(-1, 0)", setreuid(-1, 0));
    result("setresuid(-1, -1, -1)", setresuid(-1, -1, -1));
    result("setresgid(-1, -1, -1)", setresgid(-1, -1, -1));

    struct utsname name;
    uname(&name);
    printf("uname: sysname %s machine %s\n", name.sysname, name.machine);
    int major = 0, minor = 0;
    printf("release looks like N.N: %s\n", yes(sscanf(name.release, "%d.%d", &major, &minor) == 2 && major >= 3));

    // prctl: names, per thread.
    char comm[16] = "";
    result("PR_SET_NAME", prctl(PR_SET_NAME, "renamed-by-prctl-too-long"));
    prctl(PR_GET_NAME, comm);
    printf("PR_GET_NAME: %s\n", comm);
    pthread_t thread;
    pthread_create(&thread, NULL, named_thread, NULL);
    pthread_join(thread, NULL);
    prctl(PR_GET_NAME, comm);
    printf("main thread's name unchanged: %s\n", comm);
    int signal = -1;
    result("PR_SET_PDEATHSIG 9", prctl(PR_SET_PDEATHSIG, 9));
    prctl(PR_GET_PDEATHSIG, &signal);
    printf("PR_GET_PDEATHSIG: %d\n", signal);
    result("PR_SET_PDEATHSIG 99", prctl(PR_SET_PDEATHSIG, 99));
    result("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
    result("PR_SET_DUMPABLE 0", prctl(PR_SET_DUMPABLE, 0));
    result("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
    result("PR_SET_DUMPABLE 5", prctl(PR_SET_DUMPABLE, 5));
    result("PR_SET_DUMPABLE 1", prctl(PR_SET_DUMPABLE, 1));
    result("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    result("PR_SET_NO_NEW_PRIVS 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0));
    result("PR_SET_NO_NEW_PRIVS 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    result("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    result("PR_SET_TIMERSLACK 123456", prctl(PR_SET_TIMERSLACK, 123456));
    result("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK));
    int subreaper = -1;
    result("PR_SET_CHILD_SUBREAPER 1", prctl(PR_SET_CHILD_SUBREAPER, 1));
    prctl(PR_GET_CHILD_SUBREAPER, &subreaper);
    printf("PR_GET_CHILD_SUBREAPER: %d\n", subreaper);
    result("PR_CAPBSET_READ 1000", prctl(PR_CAPBSET_READ, 1000));
    result("PR_CAPBSET_READ -1", prctl(PR_CAPBSET_READ, -1L));
    result("unknown option 12345", prctl(12345, 0, 0, 0, 0));

    result("personality(query)", personality(0xffffffff));
    result("personality(PER_LINUX)", personality(PER_LINUX));

    // getrandom: lengths and flags.
    static unsigned char buffer[1 << 20];
    result("getrandom 0", getrandom(buffer, 0, 0));
    result("getrandom 16", getrandom(buffer, 16, 0));
    result("getrandom 1 MiB", getrandom(buffer, sizeof(buffer), 0));
    int nonzero = 0;
    for (size_t i = 0; i < sizeof(buffer); ++i)
        nonzero += buffer[i] != 0;
    printf("1 MiB of random bytes mostly nonzero: %s\n", yes(nonzero > (int)sizeof(buffer) / 2));
    result("getrandom NONBLOCK", getrandom(buffer, 32, GRND_NONBLOCK));
    result("getrandom RANDOM", getrandom(buffer, 32, GRND_RANDOM));
    result("getrandom RANDOM|NONBLOCK", getrandom(buffer, 32, GRND_RANDOM | GRND_NONBLOCK));
    result("getrandom flags 0x40", getrandom(buffer, 32, 0x40));
    result("getrandom NULL 16", syscall(SYS_getrandom, NULL, 16, 0));
    result("getrandom INSECURE (4)", syscall(SYS_getrandom, buffer, 32, 4));
    result("getrandom RANDOM|INSECURE (6)", syscall(SYS_getrandom, buffer, 32, 6));

    // rlimits round-trip.
    struct rlimit limit = { 0, 0 }, got;
    result("setrlimit CORE 0/0", setrlimit(RLIMIT_CORE, &limit));
    getrlimit(RLIMIT_CORE, &got);
    printf("RLIMIT_CORE reads back: %s\n", yes(got.rlim_cur == 0 && got.rlim_max == 0));
    getrlimit(RLIMIT_NOFILE, &limit);
    struct rlimit lower = { 100, limit.rlim_max };
    result("setrlimit NOFILE 100", setrlimit(RLIMIT_NOFILE, &lower));
    getrlimit(RLIMIT_NOFILE, &got);
    printf("RLIMIT_NOFILE soft reads back: %s\n", yes(got.rlim_cur == 100 && got.rlim_max == limit.rlim_max));
    struct rlimit inverted = { 10, 5 };
    result("setrlimit soft > hard", setrlimit(RLIMIT_NOFILE, &inverted));
    result("getrlimit 99", getrlimit(99, &got));
    result("prlimit(0, DATA)", prlimit(0, RLIMIT_DATA, NULL, &got));

    struct sysinfo info;
    result("sysinfo", sysinfo(&info));
    printf("sysinfo sane: %s\n", yes(info.uptime > 0 && info.totalram > 0 && info.freeram <= info.totalram && info.procs >= 1 && info.mem_unit >= 1));

    unsigned cpu = 99, node = 99;
    result("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
    printf("cpu below nprocs: %s\n", yes(cpu < (unsigned)sysconf(_SC_NPROCESSORS_ONLN)));
    int current = sched_getcpu();
    printf("sched_getcpu below nprocs: %s\n", yes(current >= 0 && current < sysconf(_SC_NPROCESSORS_ONLN)));
    result("sched_getscheduler(0)", syscall(SYS_sched_getscheduler, 0));
    printf("membarrier query >= 0: %s\n", yes(syscall(SYS_membarrier, 0, 0, 0) >= 0));

    const unsigned char* vdso = (const unsigned char*)getauxval(AT_SYSINFO_EHDR);
    printf("AT_SYSINFO_EHDR points at an ELF: %s\n", yes(vdso && memcmp(vdso, "\177ELF", 4) == 0));
    return 0;
}
