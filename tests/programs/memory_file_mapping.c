// memory_file_mapping.c: private mappings of a ROOTFS file (/data/lines.txt, 36000 bytes, so
// its last page is partial) read as the file, past its end as zeros; a write stays in its own
// mapping (others, read(), and a forked child's view are unchanged, and the child's writes stay
// in the child); mprotect then a write copies the page; MADV_DONTNEED gives back the file's
// contents; and /proc/self/maps names the file, with offsets that follow mprotect's splits.
// Prints what it finds; the native run is the oracle.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static char g_file[65536];
static size_t g_size;

static const char* same(const char* mapping, size_t offset, size_t length)
{
    return memcmp(mapping + offset, g_file + offset, length) == 0 ? "the file's" : "changed";
}

static int zeros(const char* from, size_t length)
{
    for (size_t i = 0; i < length; ++i)
        if (from[i])
            return 0;
    return 1;
}

// The maps lines of the file, without their address range (it differs between runs), with the
// device and inode checked against stat's rather than printed (the guest numbers its devices
// itself), and the path from /data on.
static void show_maps(const char* path, const struct stat* status)
{
    FILE* maps = fopen("/proc/self/maps", "r");
    if (!maps) {
        printf("no /proc/self/maps\n");
        return;
    }
    char line[512];
    while (fgets(line, sizeof(line), maps)) {
        if (!strstr(line, path))
            continue;
        char perms[8], name[256];
        unsigned long long offset, inode;
        unsigned int major_number, minor_number;
        if (sscanf(line, "%*x-%*x %7s %llx %x:%x %llu %255s", perms, &offset, &major_number, &minor_number, &inode, name) != 6) {
            printf("maps: unparsed: %s", line);
            continue;
        }
        // Natively the kernel names the file from outside run.sh's chroot: from /data on.
        const char* shown = strstr(name, path) ? strstr(name, path) : name;
        int same_device = major_number == major(status->st_dev) && minor_number == minor(status->st_dev);
        printf("maps: %s %08llx device %s inode %s %s\n", perms, offset, same_device ? "stat's" : "other", inode == status->st_ino ? "stat's" : "other", shown);
    }
    fclose(maps);
}

// Natively, run.sh's chroot has no /proc: a mount namespace of our own gets one (as
// process_proc does). Under unikit /proc is there.
static int mount_proc(void)
{
    if (access("/proc/self/maps", R_OK) == 0)
        return 0;
    if (unshare(CLONE_NEWNS) < 0)
        return 0;
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0;
}

int main(void)
{
    const char* path = "/data/lines.txt";
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 1;
    struct stat status;
    fstat(fd, &status);
    g_size = (size_t)status.st_size;
    if (g_size > sizeof(g_file) || read(fd, g_file, sizeof(g_file)) != (ssize_t)g_size)
        return 2;
    size_t length = (g_size + PAGE - 1) / PAGE * PAGE;
    printf("file: %zu bytes, %zu pages\n", g_size, length / PAGE);

    char* a = mmap(NULL, g_size, PROT_READ, MAP_PRIVATE, fd, 0);
    char* b = mmap(NULL, g_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char* c = mmap(NULL, 3 * PAGE, PROT_READ, MAP_PRIVATE, fd, 2 * PAGE);
    if (a == MAP_FAILED || b == MAP_FAILED || c == MAP_FAILED)
        return 3;
    printf("a: %s; past the end: %s\n", same(a, 0, g_size), zeros(a + g_size, length - g_size) ? "zeros" : "not zeros");
    printf("b: %s; c at offset 8192: %s\n", same(b, 0, g_size), memcmp(c, g_file + 2 * PAGE, 3 * PAGE) ? "changed" : "the file's");

    // A write to b stays in b.
    memcpy(b + PAGE + 10, "WRITTEN BY B", 12);
    char again[PAGE];
    pread(fd, again, PAGE, PAGE);
    printf("after b's write: b %s, a %s, c %s, read() %s\n", same(b, PAGE, PAGE), same(a, PAGE, PAGE), same(c - 2 * PAGE, 2 * PAGE, PAGE),
        memcmp(again, g_file + PAGE, PAGE) ? "changed" : "the file's");

    // A child sees b's write, and its own writes stay in it.
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        printf("child: b page 1 %.12s, a %s\n", b + PAGE + 10, same(a, 0, g_size));
        memcpy(b + 2 * PAGE, "CHILD", 5);
        memcpy(b + PAGE + 10, "CHILD", 5);
        printf("child: after its writes b page 1 %.12s\n", b + PAGE + 10);
        fflush(stdout);
        _exit(0);
    }
    int status_code;
    waitpid(child, &status_code, 0);
    printf("parent: b page 1 %.12s, page 2 %s\n", b + PAGE + 10, same(b, 2 * PAGE, PAGE));

    // A read-only mapping made writable: the write copies the page, c still has the file.
    printf("mprotect a rw: %d\n", mprotect(a, length, PROT_READ | PROT_WRITE));
    memcpy(a + 2 * PAGE, "A", 1);
    printf("after a's write: a page 2 %s, c %s\n", same(a, 2 * PAGE, PAGE), memcmp(c, g_file + 2 * PAGE, PAGE) ? "changed" : "the file's");

    // MADV_DONTNEED on a private file mapping: the file again, not zeros.
    printf("madvise b: %d, a: %d\n", madvise(b, length, MADV_DONTNEED), madvise(a, length, MADV_DONTNEED));
    printf("after MADV_DONTNEED: b %s, a %s; past the end: %s\n", same(b, 0, g_size), same(a, 0, g_size),
        zeros(b + g_size, length - g_size) ? "zeros" : "not zeros");

    // Split b in three: maps shows the offsets of the pieces.
    printf("mprotect b page 1 r: %d\n", mprotect(b + PAGE, PAGE, PROT_READ));
    int mounted = mount_proc();
    show_maps(path, &status);
    munmap(a, g_size);
    munmap(b, g_size);
    munmap(c, 3 * PAGE);
    show_maps(path, &status);
    if (mounted)
        umount("/proc");
    printf("done\n");
    close(fd);
    return 0;
}
